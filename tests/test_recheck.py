"""`briefings recheck` against servers on 127.0.0.1: two versions of a page, a 404, a redirect to another
article, and a fake Memento TimeGate; the report formats golden-tested; `--write` edits only its fields."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.recheck import CopyCheck, QuoteCheck, Report, SourceCheck, check_quote, word_diff
from build_tools.recheck_report import format_report
from tests.conftest import SOURCE_YAML, MiniProject
from tests.test_captures import PARAGRAPHS, page_html

GOLDEN = Path(__file__).parent / "golden"
STAMP = "20240305101500"


class Routes(dict[str, tuple[int, list[tuple[str, str]], bytes]]):
    """Path → (status, headers, body); the test changes it between rechecks (a page is edited)."""


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: Routes

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, [], b"<html><body>Not found</body></html>"))
        self.send_response(status)
        for name, value in [("Content-Type", "text/html; charset=utf-8"), *headers]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    routes = Routes()
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


CHANGED = [PARAGRAPHS[0].replace("would reopen in May", "would reopen in late June"), *PARAGRAPHS[1:]]
OTHER_ARTICLE = ["The orchestra announced its new season on Friday, with three premieres and a festival.",
                 "Tickets go on sale next week at the box office and online, the director said.",
                 "The festival will close with a concert in the park, weather permitting, in August.",
                 "Musicians rehearsed in the old hall while the new one is being finished downtown."]


def _project_at(project: MiniProject, url: str, extra: str = "") -> None:
    project.write("sources/city-herald-2024.yaml",
                  "# checked by hand in March\n" + SOURCE_YAML.replace("https://example.org/bridge", url) + extra)


def _recheck(project: MiniProject, *args: str) -> int:
    return main(["recheck", "--root", str(project.root), "--snapshots", str(project.snapshots), "--timeout", "10",
                 *args])


def test_an_unchanged_page_is_live_and_an_edited_one_deviated(project: MiniProject, server: tuple[str, Routes],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    base, routes = server
    routes["/bridge"] = (200, [], page_html())
    _project_at(project, f"{base}/bridge")
    assert _recheck(project, "--format", "json") == 0
    [source] = json.loads(capsys.readouterr().out)["sources"]
    assert (source["status"], [q["status"] for q in source["quotes"]]) == ("live", ["present"])
    routes["/bridge"] = (200, [], page_html(CHANGED))  # the publisher edits the article
    assert _recheck(project, "--format", "json") == 1
    [source] = json.loads(capsys.readouterr().out)["sources"]
    [quote] = source["quotes"]
    assert (source["status"], quote["status"]) == ("deviated", "changed")
    assert quote["passage"] == "the bridge would reopen in late June,"
    assert quote["diff"] == "the bridge would reopen in [-May-] {+late June,+}"
    assert quote["facts"] == ["bridge-reopens"]


def test_a_404_is_dead_and_a_redirect_to_another_article_usurped(project: MiniProject, server: tuple[str, Routes],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    base, routes = server
    _project_at(project, f"{base}/gone")
    assert _recheck(project) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"sources/city-herald-2024.yaml: dead {base}/gone (could not fetch {base}/gone: HTTP 404 ")
    routes["/moved"] = (302, [("Location", "/concerts")], b"")
    routes["/concerts"] = (200, [], page_html(OTHER_ARTICLE, "Orchestra announces its season"))
    _project_at(project, f"{base}/moved")
    assert _recheck(project, "--format", "json") == 1
    [source] = json.loads(capsys.readouterr().out)["sources"]
    assert (source["status"], source["final_url"]) == ("usurped", f"{base}/concerts")
    assert source["reason"] == f"another page: 1 gone; redirected to {base}/concerts"


def test_the_timegate_gives_the_newest_archived_copy(project: MiniProject, server: tuple[str, Routes],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    base, routes = server
    original = f"{base}/bridge"
    routes["/bridge"] = (200, [], page_html(CHANGED))
    routes[f"/timegate/{original}"] = (302, [("Location", f"/web/{STAMP}/{original}")], b"")
    routes[f"/web/{STAMP}/{original}"] = (200, [], page_html())
    _project_at(project, original)
    assert _recheck(project, "--timegate", f"{base}/timegate/", "--format", "json") == 1
    [source] = json.loads(capsys.readouterr().out)["sources"]
    assert source["status"] == "deviated"
    assert source["archived"] == {"url": f"{base}/web/{STAMP}/{original}", "date": "2024-03-05", "error": None,
                                  "quotes": [{"quote": "the bridge would reopen in May", "status": "present",
                                              "facts": ["bridge-reopens"]}]}


def test_write_records_status_and_date_and_nothing_else(project: MiniProject, server: tuple[str, Routes],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    base, routes = server
    original = f"{base}/bridge"
    routes["/bridge"] = (200, [], page_html(CHANGED))
    routes[f"/tg/{original}"] = (302, [("Location", f"/web/{STAMP}/{original}")], b"")
    routes[f"/web/{STAMP}/{original}"] = (200, [], page_html())
    _project_at(project, original, "notes: >-\n  Folded notes\n  on two lines.   # kept\n")
    path = project.root / "sources/city-herald-2024.yaml"
    before = path.read_text()
    assert _recheck(project, "--timegate", f"{base}/tg/", "--write") == 1
    today = dt.date.today().isoformat()
    after = path.read_text()
    inserted = ["url_status: deviated", f"url_checked: '{today}'", f"archive_url: {base}/web/{STAMP}/{original}",
                "archive_date: '2024-03-05'"]
    lines = before.splitlines()
    position = next(i for i, line in enumerate(lines) if line.startswith("url:")) + 1
    assert after.splitlines() == lines[:position] + inserted + lines[position:]
    assert "recorded url_status: deviated, archive_url" in capsys.readouterr().err
    # Recorded on the source, the change shows on its pages.
    result = project.lint()
    assert result.errors == 0, [p.line() for p in result.problems]
    source = result.project.sources["city-herald-2024"]
    assert (source.link.status, source.link.checked and source.link.checked.iso()) == ("deviated", today)
    # A second recheck rewrites only the two lines it owns.
    routes["/bridge"] = (200, [], page_html())
    assert _recheck(project, "--write") == 0
    again = path.read_text().splitlines()
    assert [line for line in again if line not in after.splitlines()] == ["url_status: live"]


def test_unknown_sources_and_bad_options_are_usage_errors(project: MiniProject,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert _recheck(project, "city-herald-2042") == 2
    assert "no source 'city-herald-2042' in sources/; did you mean 'city-herald-2024'?" in capsys.readouterr().err
    assert _recheck(project, "--timegate", "ftp://x/") == 2


def test_quotes_are_found_with_the_snapshot_matcher() -> None:
    text = "The minister said on Monday that the bridge would reopen in June. Officials said so."
    assert check_quote(text, "the bridge would reopen in June").status == "present"
    assert check_quote(text, "the bridge … in June").status == "present"
    changed = check_quote(text, "the bridge would reopen in May")
    assert changed.status == "changed" and changed.diff is not None
    assert changed.diff.startswith("the bridge would reopen in [-May-] {+June.")  # then what the matcher adds
    assert check_quote(text, "tickets go on sale next week").status == "gone"
    assert check_quote("", "anything").status == "gone"
    assert word_diff("a b c", "a x c d") == "a [-b-] {+x+} c {+d+}"


def _sample_report() -> Report:
    url = "https://news.example/2024/03/bridge"
    return Report(dt.date(2026, 11, 24), (
        SourceCheck("city-herald-2024", "sources/city-herald-2024.yaml", url, "deviated", "1 present, 1 changed",
                    url, (QuoteCheck("the bridge would reopen in May", "changed", "the bridge would reopen in June",
                                     "the bridge would reopen in [-May-] {+June+}", ("bridge-reopens",)),
                          QuoteCheck("the council agreed", "present", facts=("council-agrees",))),
                    CopyCheck(f"https://web.archive.org/web/{STAMP}/{url}", None,
                              (QuoteCheck("the bridge would reopen in May", "present"),
                               QuoteCheck("the council agreed", "present")))),
        SourceCheck("gazette-2024", "sources/gazette-2024.yaml", "https://gazette.example/a", "dead",
                    "could not fetch https://gazette.example/a: HTTP 404 Not Found"),
        SourceCheck("post-2024", "sources/post-2024.yaml", "https://post.example/b", "live", "all 1 quotes present",
                    "https://post.example/b", (QuoteCheck("a | pipe `and` <b>tag</b>", "present"),)),
    ))


@pytest.mark.parametrize(("fmt", "name"), [("text", "recheck.txt"), ("json", "recheck.json"),
                                           ("markdown", "recheck.md")])
def test_report_formats_match_their_golden_files(fmt: str, name: str) -> None:
    """To accept a deliberate change: python -c 'from tests.test_recheck import write_golden; write_golden()'"""
    assert format_report(_sample_report(), fmt) + "\n" == (GOLDEN / name).read_text(encoding="utf-8")


def write_golden() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for fmt, name in (("text", "recheck.txt"), ("json", "recheck.json"), ("markdown", "recheck.md")):
        (GOLDEN / name).write_text(format_report(_sample_report(), fmt) + "\n", encoding="utf-8")


def test_the_markdown_report_renders_safely() -> None:
    import markdown
    from bs4 import BeautifulSoup

    html = markdown.markdown(format_report(_sample_report(), "markdown"), extensions=["tables"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("b") is None  # text from the page stays text
    assert [h.get_text() for h in soup.find_all("h2")] == ["city-herald-2024: deviated", "gazette-2024: dead"]
    assert len(soup.select("table tr")) == 4


@pytest.mark.parametrize(("path", "status", "reason"), [
    ("/trickle-body", "unknown", "after 2 s: the server is too slow"),
    ("/redirect-file", "unknown", "file:///etc/passwd"),
    ("/gzip-bomb", "unknown", "once decompressed"),
    ("/escape-in-reason", "unknown", "HTTP 500"),
    ("/pdf", "unknown", "not a web page"),
])
def test_hostile_servers_get_the_same_guards_as_archive(project: MiniProject, capsys: pytest.CaptureFixture[str],
                                                        path: str, status: str, reason: str) -> None:
    """The live page and the archived copy share one deadline per source; every misbehaviour is a status."""
    from tests.hostile_server import start

    base, stop = start()
    try:
        _project_at(project, base + path)
        assert main(["recheck", "--root", str(project.root), "--snapshots", str(project.snapshots),
                     "--timeout", "2", "--timegate", base + "/trickle-headers?", "--format", "json"]) == 1
    finally:
        stop()
    [source] = json.loads(capsys.readouterr().out)["sources"]
    assert source["status"] == status and reason in source["reason"], source["reason"]
    assert "\x1b" not in source["reason"]
    assert source.get("archived") is None or source["archived"]["error"] is not None
