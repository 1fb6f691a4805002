"""A served build writes the pages first and leaves the exports and the search index for after the page is served
(`Session.build(later=True)`, `live_serve.Later`): what it leaves is written all or nothing, stops when the next
build begins, and what the output holds once it is written is what a build from scratch writes."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from build_tools.cache_files import read_json
from build_tools.config import Config, load_config
from build_tools.export import Anchors
from build_tools.live_serve import Later, LiveSite, Stopped, put_in_site, replace_file
from build_tools.session import Session
from build_tools.site import MANIFEST, export_parts, export_paths, generate
from tests.conftest import BRIEFING_YAML, MiniProject

OTHER = BRIEFING_YAML.replace("bridge-reopens", "bridge-tolls").replace("title: The bridge", "title: Tolls")


def config(project: MiniProject) -> Config:
    return load_config(project.root, str(project.snapshots), environ={})


def on_disk(out: Path) -> dict[str, str]:
    return {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(out.rglob("*")) if path.is_file() and path.name != MANIFEST}


def from_scratch(project: MiniProject) -> dict[str, str]:
    result = project.lint()
    return generate(result.project, result.store)


def test_export_paths_are_the_paths_the_exports_have(project: MiniProject) -> None:
    project.write("briefings/tolls.yaml", OTHER)
    result = project.lint()
    made: dict[str, str] = {}
    for part in export_parts(result.project, Anchors(result.project, result.store), Session().export_memo, {}):
        made.update(part)
    assert sorted(made) == sorted(export_paths(result.project))


def test_a_served_build_leaves_the_exports_for_later_and_they_then_equal_a_build_from_scratch(
        project: MiniProject, tmp_path: Path) -> None:
    project.write("briefings/tolls.yaml", OTHER)
    session, out = Session(), tmp_path / "pages"
    first = session.build(config(project), out, later=True)
    assert first.later is None  # no export was on disk yet: all written at once
    assert on_disk(out) == from_scratch(project)

    project.write("briefings/tolls.yaml", OTHER.replace("would reopen in May.", "would reopen in May, he said."))
    before = on_disk(out)
    second = session.build(config(project), out, later=True)
    assert second.later is not None
    exports = set(export_paths(second.lint.project))
    assert {rel for rel, content in second.files.items() if content is None} == exports
    now = on_disk(out)
    assert "he said" in now["briefings/tolls.md"]  # the pages are written
    assert all(now[rel] == before[rel] for rel in exports)  # the exports are not, yet
    assert (out / MANIFEST).read_text(encoding="utf-8").splitlines() == sorted(before)  # nor forgotten

    checks: list[int] = []
    written = second.later(lambda: checks.append(1))
    assert len(checks) > 4 + 2  # before each of the four parts and after the last, and while each is made
    assert "data/briefings.json" in written and "data/briefings/tolls.json" in written
    assert "data/briefings/bridge.json" not in written  # unchanged files keep their bytes and mtime
    assert on_disk(out) == from_scratch(project)


def test_exports_stopped_midway_leave_the_previous_ones_and_the_next_build_writes_them(
        project: MiniProject, tmp_path: Path) -> None:
    session, out = Session(), tmp_path / "pages"
    session.build(config(project), out, later=True)
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen in May.", "would reopen in June."))
    build = session.build(config(project), out, later=True)
    assert build.later is not None
    before = on_disk(out)
    checks = []

    def check() -> None:
        checks.append(1)
        if len(checks) > 2:  # while the first part is made: each fact's entry is looked up in a memo that checks
            raise Stopped

    with pytest.raises(Stopped):
        build.later(check)
    assert on_disk(out) == before  # all or nothing: nothing of it is in place
    assert not [p for p in out.rglob(".tmp-*")]  # and nothing of it is left

    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen in May.", "would reopen in July."))
    again = session.build(config(project), out, later=True)
    assert again.later is not None
    again.later(lambda: None)
    assert on_disk(out) == from_scratch(project)


def test_a_new_briefing_writes_its_exports_at_once(project: MiniProject, tmp_path: Path) -> None:
    """Its data files are new paths: MkDocs must find them on disk when it copies them into the site."""
    session, out = Session(), tmp_path / "pages"
    session.build(config(project), out, later=True)
    project.write("briefings/tolls.yaml", OTHER)
    build = session.build(config(project), out, later=True)
    assert build.later is None
    assert on_disk(out) == from_scratch(project)


def run_later(steps: list[Callable[[Callable[[], None]], None]]) -> Later:
    later = Later()
    for step in steps:
        later.add(step)
    later.start()
    return later


def test_later_runs_its_steps_in_order_in_a_thread() -> None:
    ran: list[str] = []
    later = run_later([lambda check: ran.append(threading.current_thread().name), lambda check: ran.append("two")])
    later.stop_when_done()
    assert ran == ["briefings-later", "two"] and later.settled == 1


def test_later_stops_at_the_next_check_when_the_next_build_begins() -> None:
    started, ran = threading.Event(), []

    def slow(check: Callable[[], None]) -> None:
        started.set()
        while True:  # a long step: stops only at a check
            check()

    later = run_later([slow, lambda check: ran.append("after")])
    assert started.wait(30)
    later.stop()
    assert ran == [] and later.settled == 0
    later.add(lambda check: ran.append("next build's"))
    later.start()
    later.stop_when_done()
    assert ran == ["next build's"] and later.settled == 1


def test_a_failing_step_is_reported_and_the_rest_not_run(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def failing(check: Callable[[], None]) -> None:
        raise OSError(28, "No space left on device")

    later = run_later([failing, lambda check: ran.append("after")])
    later.stop_when_done()
    assert ran == [] and later.settled == 0
    assert "writing the exports or the search index failed: OSError" in caplog.text


def test_a_file_put_in_the_site_is_the_generated_file_not_a_copy(tmp_path: Path) -> None:
    generated, site = tmp_path / "pages/data/x.json", tmp_path / "site/data/x.json"
    replace_file(generated, b"one\n")
    put_in_site(generated, site)
    assert os.path.samefile(generated, site)
    replace_file(generated, b"two\n")  # replaced whole: the site's file is still the old one
    assert site.read_bytes() == b"one\n"
    put_in_site(generated, site)
    assert site.read_bytes() == b"two\n" and os.path.samefile(generated, site)
    assert sorted(p.name for p in site.parent.iterdir()) == ["x.json"]


def test_a_file_put_in_a_site_on_another_file_system_is_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    def cross_device(source: object, target: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    generated, site = tmp_path / "pages/x.json", tmp_path / "site/x.json"
    replace_file(generated, b"one\n")
    site.parent.mkdir()
    site.write_bytes(b"old\n")
    put_in_site(generated, site)
    assert site.read_bytes() == b"one\n" and not os.path.samefile(generated, site)
    assert sorted(p.name for p in site.parent.iterdir()) == ["x.json"]


class FakeIndex:
    """What `LiveSite.index_pages` uses of Material's search index: one entry per page, titled by its content."""

    def __init__(self) -> None:
        self.entries: list[dict[str, str]] = []

    def add_entry_from_context(self, page: SimpleNamespace) -> None:
        self.entries.append({"location": f"{page.url}#top", "title": page.content})


def rendered(url: str, content: str) -> SimpleNamespace:
    return SimpleNamespace(content=content, toc=[], url=url, meta={}, title=url)


def test_pages_left_unread_for_the_search_index_by_a_stopped_build_are_read_by_the_next(tmp_path: Path) -> None:
    """A page rendered by a build whose work left for later was stopped is read for the index by the next one
    (its last rendering counts); reading stopped midway forgets none of them."""
    live = LiveSite()
    live.unindexed += [rendered("a/", "A, first"), rendered("b/", "B")]
    checks: list[int] = []

    def stop_at_the_second() -> None:
        checks.append(1)
        if len(checks) == 2:
            raise Stopped

    with pytest.raises(Stopped):
        live.index_pages(FakeIndex(), stop_at_the_second)
    assert list(live.unindexed) == [rendered("b/", "B")]  # the first one read is kept
    assert live.search == {"a/": [{"location": "a/#top", "title": "A, first"}]}
    live.unindexed.append(rendered("a/", "A, again"))  # the next build rendered it again
    live.index_pages(FakeIndex())
    assert not live.unindexed
    assert live.search == {"a/": [{"location": "a/#top", "title": "A, again"}],
                           "b/": [{"location": "b/#top", "title": "B"}]}


def test_a_server_stopped_before_its_pages_were_read_for_the_index_has_them_rendered_again(tmp_path: Path) -> None:
    """What is saved for the next run leaves out the search entries of the pages not read yet: the next run renders
    those pages again (it renders every page whose entries it does not know), rather than the stop waiting for them."""
    live = LiveSite()
    live.state, live.complete, live.shape = tmp_path / "state.json", True, "shape"
    live.search = {"a/": [{"location": "a/", "title": "A, before"}], "b/": [{"location": "b/", "title": "B"}]}
    live.unindexed.append(rendered("a/", "A, now"))
    live.save()
    assert read_json(tmp_path / "state.json")["search"] == {
        "b/": [{"location": "b/", "title": "B"}]}
