"""The editor setups the "Editor setup" page documents: the VS Code extension folder starts the server it
should, for the files it should; `briefings lsp` without its libraries says how to install them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, require

EXTENSION = ROOT / "editors" / "vscode"

# Loads extension.js with the two modules it needs replaced by recorders, activates it, prints what it did.
HARNESS = textwrap.dedent("""\
    const Module = require("module");
    const calls = [];
    const fakes = {
      vscode: {
        workspace: {
          workspaceFolders: [{ uri: { fsPath: "/home/editor/project" } }],
          getConfiguration: (section) => ({ get: (key) => ({
            command: ["${workspaceFolder}/.venv/bin/briefings", "lsp"], snapshots: "../shared/seeds" })[key] }),
        },
      },
      "vscode-languageclient/node": {
        LanguageClient: class {
          constructor(id, name, server, client) { calls.push({ id, name, server, client }); }
          async start() { calls.push("started"); }
          stop() { calls.push("stopped"); }
        },
      },
    };
    const load = Module._load;
    Module._load = (request, ...rest) => (request in fakes ? fakes[request] : load(request, ...rest));
    const extension = require(process.argv[2]);
    extension.activate().then(() => { extension.deactivate(); console.log(JSON.stringify(calls)); });
""")


def test_the_vscode_extension_starts_briefings_lsp_for_briefing_and_source_files(tmp_path: Path) -> None:
    require(shutil.which("node") is not None, "node is not installed (apt-get install nodejs)")
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    result = subprocess.run(["node", str(harness), str(EXTENSION / "extension.js")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    created, started, stopped = json.loads(result.stdout)
    assert (started, stopped) == ("started", "stopped")
    assert created["id"] == "briefings"
    assert created["server"] == {"command": "/home/editor/project/.venv/bin/briefings", "args": ["lsp"],
                                 "options": {"cwd": "/home/editor/project"}}
    assert [s["pattern"] for s in created["client"]["documentSelector"]] == ["**/briefings/*.yaml",
                                                                             "**/sources/*.yaml"]
    assert created["client"]["initializationOptions"] == {"snapshots": "../shared/seeds"}
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert manifest["main"] == "./extension.js" and "vscode-languageclient" in manifest["dependencies"]
    assert set(manifest["contributes"]["configuration"]["properties"]) == {"briefings.command", "briefings.snapshots"}


def test_briefings_lsp_without_its_libraries_says_how_to_install_them(tmp_path: Path) -> None:
    """The [lsp] extra is optional: without pygls the command is one line and exit 2, not a traceback."""
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('blocked', name='pygls')\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "build_tools", "lsp"], capture_output=True, text=True,
                            cwd=ROOT, env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == ("briefings lsp needs the language server libraries (pygls is missing): "
                                     "pip install 'sourced-briefings[lsp]'")


@pytest.mark.parametrize("page", ["docs/editor-setup.md"])
def test_the_editor_setup_page_shows_a_real_editor_session(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    for image in ("images/editor-neovim.png",):
        assert f"]({image})" in text and (ROOT / "docs" / image).is_file()
    assert "pip install 'sourced-briefings[lsp]'" in text and "vim.lsp.start" in text


def test_a_diagnostics_code_links_to_its_rule_on_the_published_rules_page(tmp_path: Path) -> None:
    """With the site's address known (the client's `documentation` setting, else mkdocs.yml's `site_url`),
    a code links to its section of the "Citation rules" page, whose anchor the page really has."""
    from build_tools.lsp.rule_docs import RuleDocs
    from build_tools.render.rules_page import render_rules
    from build_tools.rules import ALL_CODES

    (tmp_path / "mkdocs.yml").write_text("site_name: X\nsite_url: https://briefings.example/\n", encoding="utf-8")
    docs = RuleDocs.for_project(tmp_path, tmp_path / "cache", None)
    assert docs.url("CIT003") == "https://briefings.example/rules/#cit003"
    assert "{#cit003}" in render_rules(ALL_CODES)
    setting = RuleDocs.for_project(tmp_path, tmp_path / "cache", "https://elsewhere.example/site")
    assert setting.url("FCT010") == "https://elsewhere.example/site/rules/#fct010"
    assert not (tmp_path / "cache").exists()  # nothing written when the site is known
    offline = RuleDocs.for_project(tmp_path / "no-site", tmp_path / "cache", None)
    page = Path(str(offline.url("FCT010")).removeprefix("file://"))
    assert page.read_text(encoding="utf-8").startswith("# FCT010 state-without-as-of\n\n*warning*: ")
    assert offline.url("XYZ999") is None
