"""What the build writes: no two outputs can share a path, whatever the ids; CSV cells never run as formulas."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.export import FORMULA_START
from build_tools.scaffold import ScaffoldError, new_source
from build_tools.site import generate
from tests.conftest import BRIEFING_YAML, QUIET_CONSISTENCY, MiniProject, mkdocs_build
from tests.corpus import CSV_CASES
from tests.test_site import write_mkdocs_config

# The names of fixed outputs, and of their folders: the ids most likely to collide with one.
TRICKY_IDS = ["briefings", "annotations", "sources", "index", "rules", "timeline", "data", "schemas", "source",
              "briefing", "sources-csl", "csl", "corrections", "feed", "sitemap"]
# The families of per-item outputs: per briefing a page, its data as JSON and CSV, and its feed; per source a page.
ITEM_PATHS = re.compile(r"(briefings|sources)/[a-z0-9][a-z0-9-]*\.md|data/briefings/[a-z0-9][a-z0-9-]*\.(json|csv)"
                        r"|feed-[a-z0-9][a-z0-9-]*\.xml")
PER_BRIEFING = 4
# The timeline's periods, which depend on the facts' dates, not on ids; and the ids a source may have (sources.md,
# the sources index, is published where sources/index.md would be).
PERIOD_PATHS = re.compile(r"timeline/[0-9]{4}(-[0-9]{2}|-rough)?(-p[0-9]+)?\.md")
SOURCE_IDS = [i for i in TRICKY_IDS if i != "index"]


def _with_items(project: MiniProject, briefings: list[str], sources: list[str]) -> None:
    for number, briefing_id in enumerate(briefings):
        project.write(f"briefings/{briefing_id}.yaml", BRIEFING_YAML.replace("id: bridge-reopens",
                                                                             f"id: fact-{number}"))
    for source_id in sources:
        project.add_source(source_id, f"Text of {source_id}: the bridge would reopen in May.\n")


def _fixed_outputs(project: MiniProject) -> set[str]:
    """What the generator writes for a project with no briefing and no source: the fixed files."""
    for folder in ("briefings", "sources"):
        for path in (project.root / folder).glob("*.yaml"):
            path.unlink()
    return set(generate(project.lint().project))


def test_fixed_outputs_are_outside_every_family_of_item_paths(project: MiniProject) -> None:
    fixed = _fixed_outputs(project)
    assert {"index.md", "data/briefings.json", "data/annotations.jsonld"} <= fixed
    assert [path for path in fixed if ITEM_PATHS.fullmatch(path)] == []


def test_ids_named_like_fixed_outputs_take_no_other_output(project: MiniProject) -> None:
    _with_items(project, TRICKY_IDS, SOURCE_IDS)
    result = project.lint()
    briefings, sources = len(result.project.briefings), len(result.project.sources)
    assert (briefings, sources) == (len(TRICKY_IDS) + 1, len(SOURCE_IDS) + 1)
    files = generate(result.project, result.store)
    items = [path for path in files if ITEM_PATHS.fullmatch(path)]
    assert len(items) == PER_BRIEFING * briefings + sources
    periods = [path for path in files if PERIOD_PATHS.fullmatch(path)]
    assert len(files) == len(items) + len(periods) + len(_fixed_outputs(project))
    full = json.loads(files["data/briefings.json"])
    assert len(full["briefings"]) == briefings  # the full export, not the briefing named 'briefings'
    assert json.loads(files["data/briefings/briefings.json"])["briefing"]["id"] == "briefings"


def test_a_source_cannot_take_the_address_of_the_sources_index(project: MiniProject) -> None:
    project.add_source("index", "Text of index: the bridge would reopen in May.\n")
    problems = [p for p in project.lint().problems if p.code == "SCH004"]
    assert [p.line() for p in problems] == [
        "sources/index.yaml:1:1: error SCH004 file name: a source cannot be called 'index': the site's index of "
        "sources has that address; choose another id (invalid-id)"]
    with pytest.raises(ScaffoldError, match="a source cannot be called 'index'"):
        new_source(project.root, "index")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.sampled_from(TRICKY_IDS) | st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True),
                    unique=True, max_size=6), split=st.integers(0, 6))
def test_no_two_outputs_share_a_path_whatever_the_ids(project: MiniProject, ids: list[str], split: int) -> None:
    for folder in ("briefings", "sources"):
        for path in (project.root / folder).glob("*.yaml"):
            if path.stem not in ("bridge", "city-herald-2024"):
                path.unlink()
    briefings = [i for i in ids[:split] if i != "bridge"]
    sources = [i for i in ids[split:] if i not in ("city-herald-2024", "index")]
    _with_items(project, briefings, sources)
    result = project.lint()
    files = generate(result.project, result.store)  # raises OutputCollision if two outputs met
    expected = PER_BRIEFING * len(result.project.briefings) + len(result.project.sources)
    assert len([path for path in files if ITEM_PATHS.fullmatch(path)]) == expected


def test_a_hand_written_page_published_where_a_generated_one_goes_stops_the_build(project: MiniProject,
                                                                                   tmp_path: object) -> None:
    write_mkdocs_config(project)
    project.write("docs/briefings.md", "# All briefings\n")  # published as briefings/index.html
    project.write("briefings/index.yaml", BRIEFING_YAML.replace("id: bridge-reopens", "id: index-fact"))
    result = mkdocs_build(project.root, project.root / "build/site", project.snapshots)
    assert result.returncode != 0
    assert ("briefings: docs/briefings.md is hand-written but would be published as briefings/index.html, which "
            "the generated briefings/index.md needs; rename or remove it") in result.stderr


@pytest.mark.parametrize(("text", "cell"), CSV_CASES, ids=[repr(t) for t, _ in CSV_CASES])
def test_csv_cells_never_start_a_formula(project: MiniProject, text: str, cell: str) -> None:
    quoted = json.dumps(text)
    project.write("briefings/bridge.yaml", BRIEFING_YAML
                  .replace("text: The minister said the bridge would reopen in May.", f"text: {quoted}")
                  .replace("- title: Reopening", f"- title: {quoted}"))
    project.write("sources/city-herald-2024.yaml", (project.root / "sources/city-herald-2024.yaml")
                  .read_text(encoding="utf-8").replace("outlet: City Herald", f"outlet: {quoted}"))
    result = project.lint()
    assert [p.code for p in result.problems if p.severity.value == "error"] == []
    files = generate(result.project, result.store)
    [row] = list(csv.DictReader(io.StringIO(files["data/briefings/bridge.csv"])))
    assert (row["text"], row["section"], row["outlet"]) == (cell, cell, cell)
    assert not any(value.lstrip(" ")[:1] in FORMULA_START for value in row.values())
    exported = json.loads(files["data/briefings/bridge.json"])["facts"][0]["text"]
    assert exported == " ".join(text.split())  # only the CSV is changed


def test_order_puts_briefings_first_on_the_home_page_and_in_the_sidebar(project: MiniProject) -> None:
    """`order` in briefings.toml: the briefings it names first, in its order; the others by file name."""
    write_mkdocs_config(project)
    for name in ("alpha", "zulu"):
        project.write(f"briefings/{name}.yaml", BRIEFING_YAML.replace("id: bridge-reopens", f"id: {name}-fact")
                      .replace("title: The bridge", f"title: Briefing {name}"))
    project.write("briefings.toml", '[project]\norder = ["zulu"]\n' + QUIET_CONSISTENCY)
    assert [b.id for b in project.lint().project.briefings] == ["zulu", "alpha", "bridge"]
    result = mkdocs_build(project.root, project.root / "build/site", project.snapshots)
    assert result.returncode == 0, result.stderr
    home = (project.root / "build/site/index.html").read_text(encoding="utf-8")
    body = home.split('class="md-content"', 1)[1]
    assert [body.index(f'href="briefings/{name}/"') for name in ("zulu", "alpha", "bridge")] == sorted(
        body.index(f'href="briefings/{name}/"') for name in ("zulu", "alpha", "bridge"))
    sidebar = home.split('class="md-content"', 1)[0]
    assert [sidebar.index(f'href="briefings/{name}/"') for name in ("zulu", "alpha", "bridge")] == sorted(
        sidebar.index(f'href="briefings/{name}/"') for name in ("zulu", "alpha", "bridge"))
