"""Regenerate docs/images/editor-neovim.png: `briefings lsp` in a real Neovim session, captured from tmux.

    python -m tests.editor_screenshot      (needs nvim, tmux and aha from Debian, and Chromium)

The session opens the language server tests' synthetic project (no article text), waits for the
diagnostics, asks for the hover on a quote, and captures the terminal with its colours (`tmux capture-pane
-e`); `aha` turns the escapes into HTML and Chromium draws it. Debian's Neovim is 0.7, older than the
`vim.lsp.start` the docs show: the same server is started here with 0.7's `vim.lsp.start_client`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.lsp_project import write_project

OUT = ROOT / "docs" / "images" / "editor-neovim.png"
SESSION = "briefings-editor-shot"
COLUMNS, ROWS = 118, 40
CHROMIUM = "/usr/bin/chromium"

INIT = """\
vim.o.number = true
vim.o.signcolumn = "yes"
vim.cmd([[
  highlight NormalFloat ctermbg=236 ctermfg=253
  highlight FloatBorder ctermbg=236 ctermfg=110
  highlight SignColumn ctermbg=NONE
  highlight LineNr ctermfg=243
  highlight markdownBold cterm=bold ctermfg=229
  highlight DiagnosticVirtualTextError ctermfg=203
  highlight DiagnosticVirtualTextWarn ctermfg=179
]])
vim.lsp.handlers["textDocument/hover"] = vim.lsp.with(vim.lsp.handlers.hover, {{ border = "rounded", max_width = 84 }})
local client_id = nil
vim.api.nvim_create_autocmd("FileType", {{
  pattern = "yaml",
  callback = function()
    if client_id == nil then
      client_id = vim.lsp.start_client({{
        name = "briefings",
        cmd = {{ "{briefings}", "lsp", "--snapshots", "{snapshots}" }},
        root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ":p:h:h"),
      }})
    end
    vim.lsp.buf_attach_client(0, client_id)
  end,
}})
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def capture(base: Path) -> Path:
    _, snapshots = write_project(base)
    init = base / "init.lua"
    briefings = Path(sys.executable).parent / "briefings"
    init.write_text(INIT.format(briefings=briefings, snapshots=snapshots), encoding="utf-8")
    command = f"cd {base} && TERM=xterm-256color nvim -u {init} project/briefings/problems.yaml"
    tmux("new-session", "-d", "-s", SESSION, "-x", str(COLUMNS), "-y", str(ROWS), command)
    try:
        _wait_for(lambda: "■ unknown source" in tmux("capture-pane", "-t", SESSION, "-p"), "the diagnostics")
        tmux("send-keys", "-t", SESSION, ":36", "Enter", "20|")
        tmux("send-keys", "-t", SESSION, ":lua vim.lsp.buf.hover()", "Enter")
        _wait_for(lambda: "Cited by" in tmux("capture-pane", "-t", SESSION, "-p"), "the hover")
        ansi = base / "screen.ansi"
        ansi.write_text(tmux("capture-pane", "-t", SESSION, "-p", "-e"), encoding="utf-8")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    return ansi


def _wait_for(ready: object, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            time.sleep(0.5)  # let the screen settle
            return
        time.sleep(0.2)
    raise SystemExit(f"Neovim did not show {what} within {seconds:.0f} s")


def render(ansi: Path, out: Path) -> None:
    html = subprocess.run(["aha", "--black", "--title", "briefings lsp in Neovim"], input=ansi.read_text("utf-8"),
                          check=True, capture_output=True, text=True).stdout
    html = html.replace("<pre>", '<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 14px; '
                        'line-height: 1.25; margin: 8px">')
    page = ansi.with_suffix(".html")
    page.write_text(html, encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--window-size=970,725",
                    f"--screenshot={out}", page.as_uri()], check=True, capture_output=True, timeout=120)


def main() -> None:
    missing = [tool for tool in ("nvim", "tmux", "aha", CHROMIUM) if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"needs {', '.join(missing)} (apt-get install neovim tmux aha chromium)")
    with tempfile.TemporaryDirectory(prefix="briefings-editor-") as tmp:
        render(capture(Path(tmp)), OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
