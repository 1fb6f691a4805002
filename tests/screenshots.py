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

from tests.conftest import ROOT, SEEDS, mkdocs_build
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

# name: (page, width, height in CSS px): a desktop, and a phone at 390 × 844.
SHOTS = {"briefing.png": ("briefings/contacts/", 1280, 1000), "briefing-phone.png": ("briefings/contacts/", 390, 844),
         "timeline.png": ("timeline/", 1280, 900), "timeline-phone.png": ("timeline/2021/", 390, 844)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    out_dir = ROOT / "docs/images"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        result = mkdocs_build(ROOT, site, SEEDS)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, (path, width, height) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base + path)
                page.screenshot(path=str(out_dir / name))
                print(f"wrote docs/images/{name}")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
