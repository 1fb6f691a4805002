"""Attacks on the served rebuild (`make serve`): the pages written first, the exports and the search index after
them (`live_serve.Later`), and the session's timeline periods (`timeline.Periods`) and citing index
(`shared.Citing`), which take a fact "edited in place" instead of being made again.

The in-process cases drive `Session.build(later=True)` as the hook does, with one long-lived session, through
edits of every kind that the in-place paths could take for "in place" (a fact moved to another briefing or
section at the same place in the project's order, two facts swapped, a quote changed under the same id and
date, a status, a speaker, an "as of", a kind), and after each compare the output folder with a build from
scratch, byte for byte. The served cases run `briefings serve` (what `make serve` runs) and compare the whole
served site with a clean `mkdocs build` once it settles (`tests/test_live_serve.py`'s way).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

if __name__ == "__main__":  # run as a program (a server whose work left for later waits): the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest

from build_tools.config import load_config
from build_tools.model import Fact
from build_tools.render import shared, timeline
from build_tools.render.shared import Links
from build_tools.session import Session
from tests.conftest import BRIEFING_YAML, SNAPSHOT_SHA, SOURCE_YAML, MiniProject
from tests.test_live_serve import (
    SECOND_BRIEFING,
    assert_serves_the_clean_build,
    environment,
    fetch,
    site_config,
    wait_for,
)

SITE_URL = "http://127.0.0.1:8000/"
FERRY_TEXT = "The ferry operator said on Friday that the crossing would close for a week.\n"

BRIDGE = """\
title: The bridge
summary: What the city said about the bridge.
updated: 2024-03
short_answer: [b-reopens]
sections:
  - title: Reopening
    facts:
      - id: b-reopens
        text: The minister said the bridge would reopen in May.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "the bridge would reopen in May"
      - id: b-pleased
        text: The mayor said the city was very pleased.
        date: 2024-03-04
        kind: statement
        said_by: the mayor
        citations:
          - source: city-herald-2024
            quote: "We are very pleased"
      - id: b-counted
        text: Officials counted 1,204 vehicles on the first day.
        date: 2024-02
        kind: state
        as_of: 2024-02
        citations:
          - source: city-herald-2024
            quote: "Officials counted 1,204 vehicles on the first day"
  - title: Council
    display: table
    facts:
      - id: b-agreed
        text: The council agreed, the city said.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "the mayor said — and the council agreed"
"""

FERRY = """\
title: The ferry
summary: What the operator said about the ferry.
updated: 2024-03
sections:
  - title: Closure
    facts:
      - id: f-closes
        text: The operator said the crossing would close for a week.
        date: 2023-11-03
        citations:
          - source: ferry-2023
            quote: "the crossing would close for a week"
      - id: f-said
        text: The operator spoke on Friday.
        date: 2023-11-03
        citations:
          - source: ferry-2023
            quote: "The ferry operator said on Friday"
"""


# Enough other facts (ordered last) that an edit replacing a few facts is taken "in place" (`memo.replaced`: at most
# a tenth of the facts, plus one).
MORE = "title: More\nsummary: More facts.\nupdated: 2024-03\nsections:\n  - title: More\n    facts:\n" + "".join(
    f"      - id: m-{n}\n        text: The minister said the bridge would reopen in May ({n}).\n"
    f"        date: 202{n % 3 + 1}-0{n % 9 + 1}\n        citations:\n          - source: city-herald-2024\n"
    '            quote: "the bridge would reopen in May"\n' for n in range(80))


def _rich(project: MiniProject) -> None:
    """Two sources, two briefings, list and table sections, dated facts in two years, a speaker, an "as of"."""
    (project.snapshots / "ferry.txt").write_text(FERRY_TEXT, encoding="utf-8")
    sha = hashlib.sha256(FERRY_TEXT.encode()).hexdigest()
    project.write("sources/ferry-2023.yaml", SOURCE_YAML.replace(SNAPSHOT_SHA, sha).replace("bridge.txt", "ferry.txt")
                  .replace("Bridge to reopen in May", "Ferry to close").replace("example.org/bridge",
                                                                                  "example.org/ferry"))
    project.write("briefings/bridge.yaml", BRIDGE)
    project.write("briefings/ferry.yaml", FERRY)
    project.write("briefings/more.yaml", MORE)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _served_build(project: MiniProject, session: Session, out: Path) -> None:
    """What the hook does on a served rebuild: the pages now, the exports left for later, then written."""
    config = load_config(project.root, str(project.snapshots), environ={})
    build = session.build(config, out, links=Links.for_mkdocs(True), site_url=SITE_URL, later=True)
    assert build.lint.errors == 0, "\n".join(p.line() for p in build.lint.problems)
    if build.later is not None:
        build.later(lambda: None)


def _clean_build(project: MiniProject, out: Path) -> dict[str, bytes]:
    config = load_config(project.root, str(project.snapshots), environ={})
    build = Session(keep=False).build(config, out, links=Links.for_mkdocs(True), site_url=SITE_URL)
    assert build.lint.errors == 0, "\n".join(p.line() for p in build.lint.problems)
    return _files(out)


def _edit(project: MiniProject, rel: str, old: str, new: str) -> None:
    path = project.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _move_fact(project: MiniProject, fact_id: str, source: str, target: str, before: str) -> None:
    """Cut the fact `fact_id` (its whole YAML item) out of `source` and put it before the line `before` of
    `target`."""
    path = project.root / source
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"      - id: {fact_id}\n")
    end = next((n for n in range(start + 1, len(lines)) if not lines[n].startswith("        ")), len(lines))
    item, rest = lines[start:end], lines[:start] + lines[end:]
    path.write_text("".join(rest), encoding="utf-8")
    other = project.root / target
    text = other.read_text(encoding="utf-8")
    assert before in text, (target, before)
    other.write_text(text.replace(before, "".join(item) + before, 1), encoding="utf-8")


def _swap(project: MiniProject, rel: str, one: str, other: str) -> None:
    _edit(project, rel, f"id: {one}\n", "id: @@\n")
    _edit(project, rel, f"id: {other}\n", f"id: {one}\n")
    _edit(project, rel, "id: @@\n", f"id: {other}\n")


BUS_TEXT = "The bus company said on Tuesday that new routes would start in April.\n"
BUS_FACT = """\
      - id: f-bus
        text: The bus company said new routes would start in April.
        date: 2024-03-04
        citations:
          - source: bus-2024
            quote: "new routes would start in April"
"""


def _bus(project: MiniProject, present: bool) -> None:
    """A source with a snapshot of its own and a fact citing it, added to the store and the project, or taken out."""
    briefing = project.root / "briefings/ferry.yaml"
    if present:
        project.add_source("bus-2024", BUS_TEXT)
        briefing.write_text(briefing.read_text(encoding="utf-8") + BUS_FACT, encoding="utf-8")
    else:
        briefing.write_text(briefing.read_text(encoding="utf-8").replace(BUS_FACT, ""), encoding="utf-8")
        (project.root / "sources/bus-2024.yaml").unlink()
        (project.snapshots / "bus-2024.txt").unlink()


EDITS: list[tuple[str, Callable[[MiniProject], None]]] = [
    ("fact text", lambda p: _edit(p, "briefings/bridge.yaml", "The minister said the bridge",
                                  "The minister said again the bridge")),
    # the last fact of one section made the first of the next: the same place in the project's order
    ("fact moved to the next section", lambda p: _move_fact(p, "b-counted", "briefings/bridge.yaml",
                                                            "briefings/bridge.yaml", "      - id: b-agreed\n")),
    # the last fact of bridge (ordered first) made the first of ferry: the same place, the same id, date, quotes
    ("fact moved to the next briefing", lambda p: _move_fact(p, "b-agreed", "briefings/bridge.yaml",
                                                             "briefings/ferry.yaml", "      - id: f-closes\n")),
    ("fact moved back", lambda p: _move_fact(p, "b-agreed", "briefings/ferry.yaml", "briefings/bridge.yaml",
                                             "      - id: b-counted\n")),
    # two facts of one date and kind exchange their ids: the same dates, kinds and quotes at each place
    ("two facts swapped (ids)", lambda p: _swap(p, "briefings/ferry.yaml", "f-closes", "f-said")),
    ("a quote changed, same id and date", lambda p: _edit(p, "briefings/bridge.yaml",
                                                         '"We are very pleased"',
                                                         '"We are very pleased,” the mayor said"')),
    ("a speaker changed", lambda p: _edit(p, "briefings/bridge.yaml", "said_by: the mayor",
                                          "said_by: the city's mayor")),
    ("a speaker removed", lambda p: _edit(p, "briefings/bridge.yaml", "        said_by: the city's mayor\n", "")),
    ("an 'as of' changed", lambda p: _edit(p, "briefings/bridge.yaml", "as_of: 2024-02", "as_of: 2024-03")),
    ("a kind changed", lambda p: _edit(p, "briefings/bridge.yaml", "kind: statement", "kind: event")),
    ("a status added", lambda p: _edit(p, "briefings/ferry.yaml", "      - id: f-said\n",
                                       "      - id: f-said\n        status:\n          value: disputed\n"
                                       "          by: [b-reopens]\n          reason: The city said otherwise.\n")),
    ("a status changed", lambda p: _edit(p, "briefings/ferry.yaml", "value: disputed", "value: superseded")),
    ("the disputing fact edited", lambda p: _edit(p, "briefings/bridge.yaml", "The minister said again",
                                                  "The minister said once more")),
    ("a date within its month", lambda p: _edit(p, "briefings/ferry.yaml", "date: 2023-11-03\n        citations:\n"
                                                "          - source: ferry-2023\n            quote: \"the crossing",
                                                "date: 2023-11-28\n        citations:\n"
                                                "          - source: ferry-2023\n            quote: \"the crossing")),
    ("a date to another year", lambda p: _edit(p, "briefings/ferry.yaml", "date: 2023-11-28", "date: 2022-11-28")),
    ("a date made vaguer", lambda p: _edit(p, "briefings/bridge.yaml", "date: 2024-02\n", "date: 2024\n")),
    ("a source's metadata", lambda p: _edit(p, "sources/city-herald-2024.yaml", "outlet: City Herald",
                                            "outlet: City Courier")),
    ("a source's title", lambda p: _edit(p, "sources/ferry-2023.yaml", "title: Ferry to close",
                                         "title: Ferry to close for a week")),
    ("a briefing retitled", lambda p: _edit(p, "briefings/ferry.yaml", "title: The ferry", "title: The crossing")),
    ("a short answer changed", lambda p: _edit(p, "briefings/bridge.yaml", "short_answer: [b-reopens]",
                                               "short_answer: [b-pleased]")),
    ("a source and its snapshot added, and cited", lambda p: _bus(p, True)),
    ("the source, its snapshot and the citing fact removed", lambda p: _bus(p, False)),
    ("a briefing renamed (its file)", lambda p: (p.root / "briefings/ferry.yaml").rename(p.root /
                                                                                         "briefings/crossing.yaml")),
    ("a fact text after the rename", lambda p: _edit(p, "briefings/crossing.yaml", "The operator spoke",
                                                     "The operator spoke again")),
]


def test_each_kind_of_edit_served_in_place_equals_a_build_from_scratch(project: MiniProject, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """One session through every edit (as `make serve` keeps one): after each, its output folder (pages now,
    exports left for later, then written) holds exactly what a build from scratch writes. The edits do reach the
    in-place paths: the timeline's periods and the citing index are kept (not made again) for most of them."""
    made: list[str] = []
    real_periods, real_citing = timeline.periods, shared._citing

    def periods(facts: Sequence[Fact]) -> list[timeline.Period]:
        made.append("periods")
        return real_periods(facts)

    def citing(facts: Iterable[Fact]) -> shared.CitingIndex:
        made.append("citing")
        return real_citing(facts)

    monkeypatch.setattr(timeline, "periods", periods)
    monkeypatch.setattr(shared, "_citing", citing)
    _rich(project)
    session, out = Session(), tmp_path / "served"
    _served_build(project, session, out)
    assert _files(out) == _clean_build(project, tmp_path / "clean-0")
    kept: dict[str, set[str]] = {"periods": set(), "citing": set()}
    for number, (name, change) in enumerate(EDITS, start=1):
        change(project)
        made.clear()
        _served_build(project, session, out)
        for index in kept:
            if index not in made:
                kept[index].add(name)
        clean = _clean_build(project, tmp_path / f"clean-{number}")
        served = _files(out)
        assert served.keys() == clean.keys(), name
        different = [rel for rel in clean if served[rel] != clean[rel]]
        assert different == [], f"after {name!r}: {different}"
    in_place = {"fact text", "fact moved to the next section", "fact moved to the next briefing", "a speaker changed",
                "a status changed", "the disputing fact edited", "a short answer changed"}
    assert in_place <= kept["periods"] and in_place <= kept["citing"], kept
    assert "a quote changed, same id and date" in kept["periods"] - kept["citing"]  # the timeline kept, not the index


QUOTES = ("the bridge would reopen in May", "Officials counted 1,204 vehicles on the first day")


def _more_yaml(facts: list[dict[str, str]]) -> str:
    """The briefing `more` of `facts` (each: id, text, date, and maybe kind, said_by, quote, disputed_by)."""
    items = []
    for fact in facts:
        item = f"      - id: {fact['id']}\n        text: {fact['text']}\n        date: {fact['date']}\n"
        item += f"        kind: {fact['kind']}\n" if "kind" in fact else ""
        item += f"        said_by: {fact['said_by']}\n" if "said_by" in fact else ""
        if "disputed_by" in fact:
            item += (f"        status:\n          value: disputed\n          by: [{fact['disputed_by']}]\n"
                     "          reason: Another fact says otherwise.\n")
        item += (f"        citations:\n          - source: city-herald-2024\n"
                 f"            quote: \"{fact.get('quote', QUOTES[0])}\"\n")
        items.append(item)
    return "title: More\nsummary: More facts.\nupdated: 2024-03\nsections:\n  - title: More\n    facts:\n" + "".join(
        items)


def _random_edit(facts: list[dict[str, str]], chance: random.Random, number: int) -> str:
    """Change `facts` in one random way (most of them ways the in-place paths take); what was done."""
    index = chance.randrange(len(facts) - 1)
    fact = facts[index]
    what = chance.choice(["text", "date", "kind", "quote", "said_by", "swap", "status", "text", "text"])
    if what == "text":
        fact["text"] = f"The minister said the bridge would reopen in May (edit {number})."
    elif what == "date":
        fact["date"] = chance.choice(["2021-03", "2021-03-05", "2022", "2022-11-30", "2023-01"])
    elif what == "kind":
        fact["kind"] = chance.choice(["event", "statement", "state"])
    elif what == "quote":
        fact["quote"] = chance.choice(QUOTES)
    elif what == "said_by":
        if fact.pop("said_by", None) is None:
            fact["said_by"] = chance.choice(["the mayor", "the city"])
    elif what == "swap":
        facts[index], facts[index + 1] = facts[index + 1], facts[index]
    elif fact.pop("disputed_by", None) is None:
        fact["disputed_by"] = facts[index + 1]["id"]
    return f"{what} of {fact['id']}"


def test_random_edits_served_in_place_equal_a_build_from_scratch(project: MiniProject, tmp_path: Path) -> None:
    """Sixty random small edits of a briefing of eighty facts (the text, date, kind, quote, speaker or status of
    one, or two exchanged), each through the one serving session, each compared with a build from scratch."""
    _rich(project)
    facts = [{"id": f"m-{n}", "text": f"The minister said the bridge would reopen in May ({n}).",
              "date": f"202{n % 3 + 1}-0{n % 9 + 1}"} for n in range(80)]
    chance = random.Random(19)
    session, out = Session(), tmp_path / "served"
    for number in range(60):
        done = _random_edit(facts, chance, number) if number else "none"
        project.write("briefings/more.yaml", _more_yaml(facts))
        _served_build(project, session, out)
        clean = _clean_build(project, tmp_path / "clean")
        served = _files(out)
        assert served.keys() == clean.keys(), done
        assert [rel for rel in clean if served[rel] != clean[rel]] == [], f"after edit {number}: {done}"

# --- served: the work left for later, caught in the middle ------------------------------------------------------

EXTRA_FACT = """\
      - id: bridge-counted
        text: Officials counted 1,204 vehicles on the first day, the city said.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "Officials counted 1,204 vehicles on the first day"
"""
GO = "BRIEFINGS_ATTACK_LATER_GO"  # a file: while it is absent, the work left for later waits at each check
STOPPED = "a new build began before the exports and the search index were written"


def _held_later() -> None:
    """In the server's process: `Later.check` waits while the file named by $BRIEFINGS_ATTACK_LATER_GO is absent,
    unless it is told to stop, so that the test decides when the exports and the search index may be written and
    an edit or a signal surely arrives while they are not."""
    from build_tools import live_serve

    go, real = Path(os.environ[GO]), live_serve.Later.check

    def check(self: live_serve.Later) -> None:
        while not go.exists() and not self._stop.is_set():
            time.sleep(0.02)
        real(self)

    pytest.MonkeyPatch().setattr(live_serve.Later, "check", check)


class Server:
    """`briefings serve` (what `make serve` runs) with its work left for later held (`_held_later`)."""

    def __init__(self, project: MiniProject, port: int, log: Path, go: Path) -> None:
        self.log, self.base = log, f"http://127.0.0.1:{port}/"
        with log.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve", "--port",
                                             str(port)], cwd=project.root, env={**environment(project), GO: str(go)},
                                            stdout=out, stderr=out, text=True)

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def shows(self, page: str, wanted: str) -> None:
        try:
            wait_for(self.base + page, wanted, self.process)  # type: ignore[arg-type]
        except BaseException:
            print(self.said()[-5000:])
            raise

    def stop(self, signal_number: int) -> None:
        self.process.send_signal(signal_number)
        assert self.process.wait(timeout=120) == 0, self.said()[-3000:]


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=60)


def test_edits_errors_and_signals_while_the_exports_are_being_written(project: MiniProject, tmp_path: Path,
                                                                      servers: list[Server]) -> None:
    from benchmarks.serve import free_port

    site_config(project)
    project.write("briefings/bridge.yaml", BRIEFING_YAML + EXTRA_FACT)
    project.write("briefings/tolls.yaml", SECOND_BRIEFING)
    go, port = tmp_path / "go", free_port()
    go.touch()
    server = Server(project, port, tmp_path / "serve-0.log", go)
    servers.append(server)
    base, site, pages = server.base, project.root / "build/serve/site", project.root / "build/pages"
    server.shows("briefings/bridge/", "The minister said")
    assert_serves_the_clean_build(project, base, tmp_path)

    # A fact moved to the next briefing, at the same place in the project's order (its id, date, quotes kept): two
    # pages' search entries change.
    _move_fact(project, "bridge-counted", "briefings/bridge.yaml", "briefings/tolls.yaml", "      - id: bridge-tolls\n")
    server.shows("briefings/tolls/", "fact-bridge-counted")
    assert_serves_the_clean_build(project, base, tmp_path)

    # An export in the served site is the generated file itself: held open before an edit, it still reads as it
    # was after the edit is settled (the new one is another file), in the site and in build/pages.
    served_export, generated = site / "data/briefings.json", pages / "data/briefings.json"
    assert os.path.samefile(served_export, generated)
    with served_export.open("rb") as held:
        before, inode = served_export.read_bytes(), os.fstat(held.fileno()).st_ino
        # Edits in quick succession while the work left for later waits: each stops the one before.
        go.unlink()
        _edit(project, "briefings/bridge.yaml", "The minister said the bridge", "The mayor said the bridge")
        server.shows("briefings/bridge/", "The mayor said")
        _edit(project, "briefings/bridge.yaml", "The mayor said the bridge", "The council said the bridge")
        server.shows("briefings/bridge/", "The council said")
        assert fetch(base + "data/briefings.json") == before  # not written yet: the previous one, whole
        go.touch()
        assert_serves_the_clean_build(project, base, tmp_path)
        assert held.read() == before
    assert os.stat(served_export).st_ino != inode and served_export.read_bytes() != before
    assert os.path.samefile(served_export, generated)
    assert server.said().count(STOPPED) >= 1, server.said()[-3000:]

    # A build with errors while the work left for later waits: the last good pages stay, with the problems; the
    # next good edit serves a clean build.
    go.unlink()
    _edit(project, "briefings/bridge.yaml", "The council said the bridge", "The city said the bridge")
    server.shows("briefings/bridge/", "The city said")
    stopped = server.said().count(STOPPED)
    _edit(project, "briefings/bridge.yaml", 'quote: "the bridge would reopen in May"',
          'quote: "the bridge would reopen in June"')
    server.shows("briefings/bridge/", "CIT003")
    assert server.said().count(STOPPED) == stopped + 1
    go.touch()
    _edit(project, "briefings/bridge.yaml", 'quote: "the bridge would reopen in June"',
          'quote: "the bridge would reopen in May"')
    wait_for(base + "briefings/bridge/", "The city said", server.process)  # type: ignore[arg-type]
    assert_serves_the_clean_build(project, base, tmp_path)
    assert "Traceback" not in server.said(), server.said()[-5000:]

    # The output cannot be written (a folder of it replaced by a file: what chmod does for a user other than root):
    # the last good pages are served with what went wrong above them, in one line; once it can, the next edit
    # serves a clean build.
    shutil.rmtree(pages / "sources")
    (pages / "sources").write_text("not a folder", encoding="utf-8")
    _edit(project, "briefings/bridge.yaml", "The city said the bridge", "The town said the bridge")
    server.shows("", "could not be read or written")
    assert "Traceback" not in server.said() and "could not be read or written: [Errno" in server.said()
    (pages / "sources").unlink()
    _edit(project, "briefings/bridge.yaml", "The town said the bridge", "The city said the bridge")
    server.shows("briefings/bridge/", "The city said")
    assert_serves_the_clean_build(project, base, tmp_path)

    # A briefing renamed (its file): the navigation of every page.
    (project.root / "briefings/tolls.yaml").rename(project.root / "briefings/road-tolls.yaml")
    server.shows("briefings/road-tolls/", "Tolls")
    assert_serves_the_clean_build(project, base, tmp_path, gone=("briefings/tolls/",))

    # Stopped (SIGTERM, SIGINT) while the work left for later waits, then started again: the kept site is repaired.
    for number, (signal_number, word) in enumerate(((signal.SIGTERM, "again"), (signal.SIGINT, "anew")), start=1):
        go.unlink()
        _edit(project, "briefings/bridge.yaml", "The city said", f"The city said {word}")
        server.shows("briefings/bridge/", f"The city said {word}")
        server.stop(signal_number)
        assert "Traceback" not in server.said(), server.said()[-5000:]
        go.touch()
        server = Server(project, port, tmp_path / f"serve-{number}.log", go)
        servers.append(server)
        server.shows("briefings/bridge/", f"The city said {word}")
        assert_serves_the_clean_build(project, base, tmp_path)
    server.stop(signal.SIGINT)


if __name__ == "__main__":
    _held_later()
    from build_tools.cli import main

    raise SystemExit(main(sys.argv[1:]))
