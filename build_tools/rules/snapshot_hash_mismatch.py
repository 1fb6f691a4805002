"""Snapshot file named by the source has changed since its hash was recorded.

## What it checks
When a source names its snapshot file (`snapshot.file`) and no file in the
store has the recorded SHA-256, whether the named file's bytes hash to
something else.

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
An archived copy must not change: quotes were verified against the bytes the
hash records. An edited snapshot could make a false quote pass.

## Example
```yaml
snapshot:
  sha256: f0dae2e0f316814190c3b89e85da61bf33c35eae44074b39793de975d1fc086a
  file: 001_247c37d622b1241f.txt   # edited after archiving
```

## Fix
Restore the original file. If the new copy is deliberate, archive it as a new
snapshot and record its hash (`briefings snapshot add FILE`).
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import EVIDENCE, Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("CIT004", "snapshot-hash-mismatch", Severity.ERROR, __doc__ or "", firm=EVIDENCE, about="source")


def check(ctx: Context) -> Iterator[Problem]:
    store = ctx.snapshots
    for source in ctx.sources():
        ref = source.snapshot
        actual = store.changed_hash(ref.sha256, ref.file)
        if actual is not None:
            yield Problem.of(CODE, source.where("snapshot"),
                             f"snapshot file '{ref.file}' has sha256 {actual[:12]}…, not the recorded "
                             f"{ref.sha256[:12]}…; restore the archived copy", f"source:{source.id}")
