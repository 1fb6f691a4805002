"""Trust in depth: store, archive, similarity, independence, anchors, status and annotations."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_tools.archive import store_file
from build_tools.cli import main
from build_tools.config import load_config
from build_tools.export import export_data, snapshot_uri, web_annotations
from build_tools.lint import lint_project
from build_tools.provenance import independence_groups, independent_count
from build_tools.similarity import rank
from build_tools.snapshots import SnapshotStore
from tests.conftest import BRIEFING_YAML, ROOT, MiniProject, require_seeds

ARTICLE_HTML = """<!doctype html><html><head><title>Council closes market | Town Gazette</title>
<meta property="og:site_name" content="Town Gazette">
<meta name="author" content="Ana Writer"><meta name="date" content="2024-05-02"></head>
<body><nav>Home | News | Sport</nav><article><h1>Council closes market</h1>
<p>The town council voted on Tuesday to close the old market, a spokesman for the mayor said.</p>
<p>Traders said they had not been consulted and would appeal the decision before the end of the month.</p>
<p>The market has stood on the square for more than two hundred years, according to the town archive.</p>
</article><footer>Copyright Town Gazette. Subscribe to our newsletter.</footer></body></html>"""


@pytest.fixture
def article_server() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ARTICLE_HTML.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/market"
    server.shutdown()


def test_archive_fetches_extracts_stores_and_records(project: MiniProject, article_server: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("trafilatura", reason="archiving is an optional extra")
    code = main(["archive", "town-gazette-market", "--url", article_server, "--root", str(project.root),
                 "--snapshots", str(project.snapshots)])
    assert code == 0, capsys.readouterr()
    stored = project.snapshots / "town-gazette-market.txt"
    text = stored.read_text(encoding="utf-8")
    assert "voted on Tuesday to close the old market" in text
    assert "Subscribe to our newsletter" not in text and "Home | News" not in text
    source = (project.root / "sources/town-gazette-market.yaml").read_text(encoding="utf-8")
    assert f"url: {article_server}" in source
    assert 'outlet: "Town Gazette"' in source and "published: 2024-05-02" in source
    result = project.lint()
    assert [p.code for p in result.problems] == ["SRC001"]  # valid, archived, not yet cited


def test_archive_reports_an_unreachable_page(project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("trafilatura", reason="archiving is an optional extra")
    code = main(["archive", "gone", "--url", "http://127.0.0.1:9/nothing", "--root", str(project.root),
                 "--snapshots", str(project.snapshots)])
    assert code == 1
    assert "could not fetch" in capsys.readouterr().err


def test_snapshot_add_prints_the_block_and_keeps_one_copy(project: MiniProject, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new-article.txt"
    new.write_text("A new archived article.\n", encoding="utf-8")
    assert main(["snapshot", "add", str(new), "--root", str(project.root), "--snapshots",
                 str(project.snapshots)]) == 0
    out = capsys.readouterr().out
    assert "added to" in out and "sha256: " in out and "file: new-article.txt" in out
    again = tmp_path / "same-content-other-name.txt"
    again.write_text("A new archived article.\n", encoding="utf-8")
    stored = store_file(again, project.snapshots)
    assert not stored.added and stored.path.name == "new-article.txt"


def test_store_finds_duplicate_content_under_two_names_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("same bytes", encoding="utf-8")
    (tmp_path / "b.txt").write_text("same bytes", encoding="utf-8")
    index = SnapshotStore(tmp_path).index()
    assert len(index) == 1 and next(iter(index.values())).name == "a.txt"


def test_similarity_ranks_the_rewrite_and_its_original_first() -> None:
    seeds = require_seeds()
    result = lint_project(load_config(ROOT, str(seeds), environ={}))
    texts = {s.id: result.store.get(s.snapshot.sha256).text for s in result.project.sources.values()}  # type: ignore[union-attr]
    top = rank(texts)[0]
    assert (top.first, top.second) == ("dailysignal-2024-01-11", "unattributed-rewrite-2024-01")
    assert top.score > 3 * rank(texts)[len(texts) * (len(texts) - 1) // 4].score


def test_similarity_on_synthetic_near_duplicates() -> None:
    base = "The harbour authority said on Friday that 3,400 containers were delayed by the strike. "
    texts = {
        "original": base + "Union leader Maria Costa said talks would resume on Monday.",
        "syndicated": base + "Union leader Maria Costa said talks would resume on Monday. Reprinted.",
        "rewrite": "According to the harbour authority, 3,400 containers were held up; "
                   "Maria Costa expects talks Monday.",
        "unrelated": "Rainfall in the valley reached a record for the month, the weather service said.",
    }
    pairs = rank(texts)
    assert (pairs[0].first, pairs[0].second) == ("original", "syndicated")
    assert pairs[0].containment == 1.0
    assert pairs[-1].score == 0 or "unrelated" in (pairs[-1].first, pairs[-1].second)
    rewrite = next(p for p in pairs if {p.first, p.second} == {"original", "rewrite"})
    unrelated = next(p for p in pairs if {p.first, p.second} == {"original", "unrelated"})
    assert rewrite.score > unrelated.score and rewrite.figures > 0 and rewrite.names > 0


def test_independence_counts_related_sources_once() -> None:
    result = lint_project(load_config(ROOT, str(require_seeds()), environ={}))
    groups = independence_groups(result.project.sources)
    assert independent_count(["dailysignal-2024-01-11", "unattributed-rewrite-2024-01"], groups) == 1
    assert independent_count(["dailysignal-2024-01-11", "fox-2021-12-08"], groups) == 2
    assert independent_count(list(result.project.sources), groups) == 4
    exported = export_data(result.project, result.store)
    # Biden's assignment of Harris: the New York Post, the Foundation's report and Breitbart News report it
    # independently; the rewrite of the Foundation's report does not count again.
    fact = next(f for f in exported["facts"] if f["id"] == "biden-assigns-harris")
    assert fact["independent_sources"] == 3 and len({c["source"] for c in fact["citations"]}) == 4


def test_export_places_every_quote_in_its_snapshot() -> None:
    result = lint_project(load_config(ROOT, str(require_seeds()), environ={}))
    exported = export_data(result.project, result.store)
    texts = {s.id: result.store.get(s.snapshot.sha256).text for s in result.project.sources.values()}  # type: ignore[union-attr]
    for fact in exported["facts"]:
        for citation in fact["citations"]:
            text = texts[citation["source"]]
            for piece in citation["pieces"]:
                position, selector = piece["position"], piece["selector"]
                assert text[position["start"]:position["end"]] == selector["exact"]
                assert text[:position["start"]].endswith(selector["prefix"])
                assert text[position["end"]:].startswith(selector["suffix"])


def test_annotations_are_web_annotation_json_ld() -> None:
    result = lint_project(load_config(ROOT, str(require_seeds()), environ={}))
    data = web_annotations(result.project, result.store)
    items = data["first"]["items"]
    assert data["total"] == len(items) == sum(len(f.citations) for f in result.project.facts)
    first = items[0]
    assert first["type"] == "Annotation" and first["motivation"] == "quoting"
    assert first["target"][-1]["source"].startswith("ni:///sha-256;")
    selectors = {s["type"] for s in first["target"][-1]["selector"]}
    assert selectors == {"TextQuoteSelector", "TextPositionSelector"}
    json.dumps(data)  # serialisable


def test_snapshot_uri_is_rfc6920() -> None:
    assert snapshot_uri("00" * 32) == "ni:///sha-256;AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def test_status_renders_a_visible_marker_with_a_link(project: MiniProject) -> None:
    from build_tools.render.pages import render_pages

    second = ("      - id: bridge-delayed\n        text: The minister said the bridge would reopen in May.\n"
              "        date: 2024-03-04\n"
              "        status: {value: disputed, by: [bridge-reopens], reason: Sources differ.}\n"
              "        citations:\n          - source: city-herald-2024\n            quote: \"would reopen in May\"\n")
    project.write("briefings/bridge.yaml", BRIEFING_YAML + second)
    result = project.lint()
    assert result.problems == ()
    page = render_pages(result.project)["briefings/bridge.md"]
    assert '<h3 class="sb-fact-date" id="fact-bridge-delayed">4 March 2024<span class="sb-visually-hidden">, ' \
        'disputed</span>' in page
    assert '<p class="sb-fact sb-fact-disputed">' in page
    assert ('<a class="sb-badge sb-status-disputed" href="../../method/#disputed">Disputed</a> &#8212; Sources differ '
            '(<a href="#fact-bridge-reopens" title="4 March 2024: The minister said the bridge would reopen in May.">'
            "see fact</a>)") in page


def test_similarity_features_are_cached_by_snapshot_hash(tmp_path: Path) -> None:
    from build_tools.similarity import CACHE_VERSION, cached_features, features

    text = "The harbour authority said on Friday that 3,400 containers were delayed, Maria Costa said."
    fresh = features(text)
    assert cached_features("ab" * 32, text, tmp_path) == fresh
    entry = tmp_path / f"similarity-{CACHE_VERSION}" / f"{'ab' * 32}.json"
    assert entry.is_file()
    assert cached_features("ab" * 32, "ignored: the entry is used", tmp_path) == fresh
    entry.write_text("{not json", encoding="utf-8")
    assert cached_features("ab" * 32, text, tmp_path) == fresh  # a damaged entry is recomputed
