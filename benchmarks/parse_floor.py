"""The floor: `python -m benchmarks.parse_floor ROOT` loads every YAML file of a project with libyaml's
`CSafeLoader` and nothing else. A lint is compared with this process, both started cold; `--time` prints
the seconds spent inside the process."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml


def main(root: Path, report_time: bool = False) -> int:
    started, cpu = time.perf_counter(), time.process_time()
    files = sorted((root / "sources").glob("*.yaml")) + sorted((root / "briefings").glob("*.yaml"))
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    if report_time:  # `--time`: the seconds inside the process, after start-up and imports
        print(json.dumps({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), "--time" in sys.argv[2:]))
