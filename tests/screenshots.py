"""Regenerate the README's screenshots: `make screenshots` (needs Chromium and the snapshots).

Builds the site, serves it on 127.0.0.1 and saves a briefing page and the timeline, on a
desktop and on a phone, to docs/images/. The images are committed so the README shows them.
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from pathlib import Path

from tests.conftest import ROOT, SEEDS, chromium, mkdocs_build
from tests.test_browser import _QuietHandler

# name: (page, screen width, screen height, height of the picture in CSS px): a desktop, and a phone at 390 × 844.
# The desktop briefing is taller than its screen, down to the outlet mix below the timeline strip.
SHOTS = {"briefing.png": ("briefings/contacts/", 1280, 900, 1700),
         "briefing-phone.png": ("briefings/contacts/", 390, 844, 844),
         "timeline.png": ("timeline/", 1280, 900, 900), "timeline-phone.png": ("timeline/2021/", 390, 844, 844)}


def main() -> None:
    out_dir = ROOT / "docs/images"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        result = mkdocs_build(ROOT, site, SEEDS)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with chromium() as browser:
            for name, (path, width, height, shot_height) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base + path)
                page.screenshot(path=str(out_dir / name), full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": shot_height})
                print(f"wrote docs/images/{name}")
        server.shutdown()


if __name__ == "__main__":
    main()
