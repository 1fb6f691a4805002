"""`briefings archive` against servers that misbehave, and writes that never follow a planted link.

The exact message for each misbehaviour is in the corpus (tests/corpus.py, "Hostile servers");
here: the fetch always ends by its deadline, only ever raises ArchiveError, and what it writes
stays where it belongs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_tools.archive import ArchiveError, Page, fetch, store_bytes
from build_tools.cli import main
from tests import hostile_server
from tests.conftest import MiniProject


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    base, stop = hostile_server.start()
    yield base
    stop()


def _fetch_in_thread(url: str, deadline_s: float) -> tuple[Page | BaseException | None, bool]:
    """Run a fetch; return what it gave and whether it finished at all within a wide margin."""
    outcome: list[Page | BaseException] = []

    def run() -> None:
        try:
            outcome.append(fetch(url, deadline_s))
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(deadline_s * 10 + 5)  # a liveness margin, not a timing: a per-read timeout never ends
    return (outcome[0] if outcome else None), not thread.is_alive()


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_one_deadline_ends_a_trickling_server(server: str, path: str) -> None:
    result, finished = _fetch_in_thread(server + path, 0.5)
    assert finished, "the fetch outlived its deadline tenfold"
    assert isinstance(result, ArchiveError) and "the server is too slow" in str(result)


@pytest.mark.parametrize("path", sorted(hostile_server.SCRIPTS))
def test_every_server_misbehaviour_is_an_archive_error(server: str, path: str) -> None:
    result, finished = _fetch_in_thread(server + path, 1)
    assert finished
    assert isinstance(result, Page | ArchiveError), repr(result)
    if isinstance(result, ArchiveError):
        assert str(result).isprintable(), "server text must reach no terminal raw"


def test_redirects_are_followed_to_http_and_recorded(server: str, project: MiniProject,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("trafilatura", reason="archiving is an optional extra")
    code = main(["archive", "market", "--url", f"{server}/redirect-to-article", "--root", str(project.root),
                 "--snapshots", str(project.snapshots)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == f"followed redirects to {server}/article"
    assert f"url: {server}/article\n" in (project.root / "sources/market.yaml").read_text(encoding="utf-8")


def test_storing_never_writes_through_a_link_in_the_store(tmp_path: Path) -> None:
    store, outside = tmp_path / "store", tmp_path / "outside.txt"
    store.mkdir()
    (store / "article.txt").symlink_to(outside)  # dangling: a write through it would create `outside`
    stored = store_bytes(b"Archived words.\n", "article.txt", store)
    assert stored.added and stored.path.name.startswith("article-") and not outside.exists()
    assert stored.path.read_bytes() == b"Archived words.\n" and (store / "article.txt").is_symlink()


def test_archive_never_writes_a_source_through_a_link(server: str, project: MiniProject, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("trafilatura", reason="archiving is an optional extra")
    outside = tmp_path / "outside.yaml"
    (project.root / "sources/market.yaml").symlink_to(outside)
    code = main(["archive", "market", "--url", f"{server}/article", "--root", str(project.root),
                 "--snapshots", str(project.snapshots)])
    assert code == 0
    assert capsys.readouterr().out.startswith("# sources/market.yaml exists; update it with:\n")
    assert not outside.exists()
