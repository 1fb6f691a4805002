"""Captures from web-archiving tools: WARC and WACZ files made here with warcio and py-wacz (nothing
downloaded), imported into the snapshot store, and checked by the linter (CIT007)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from build_tools.captures import CaptureError, find_response, verify_wacz
from build_tools.cli import main
from tests.conftest import BRIEFING_YAML, MiniProject

URL = "https://news.example/2024/03/bridge"
# A synthetic article, long enough for trafilatura to keep as the main text.
PARAGRAPHS = [
    "The minister said on Monday that the bridge would reopen in May, after two years of repairs.",
    "Officials counted traffic on the old crossing every morning and published the figures each week.",
    "The council voted to keep the temporary ferry running until the first inspection is complete.",
    "Engineers replaced the cables, resurfaced the deck and repainted the railings in the city colours.",
    "Residents on both banks said the closure had doubled the time it took them to get to work.",
    "The mayor thanked the crews and promised a public walk across the bridge on the opening day.",
]
QUOTE = "the bridge would reopen in May"


def page_html(paragraphs: list[str] = PARAGRAPHS, title: str = "Bridge to reopen in May") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:site_name' content='City Herald'></head><body><nav>Home · World</nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>© City Herald</footer>"
            f"</body></html>").encode()


def write_warc(path: Path, responses: list[tuple[str, int, bytes, list[tuple[str, str]]]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for url, status, body, headers in responses:
            http = StatusAndHeaders(f"{status} {'OK' if status == 200 else 'Moved'}",
                                    [("Content-Type", "text/html; charset=utf-8"), *headers], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": "2024-03-05T10:15:00Z"})
            writer.write_record(record)


def make_wacz(tmp: Path, warc: Path) -> Path:
    from wacz.main import main as wacz_main

    out = tmp / "capture.wacz"
    assert wacz_main(["create", "-o", str(out), str(warc)]) == 0
    return out


def rewrite_member(wacz: Path, name: str, data: bytes) -> None:
    """Replace one file inside a WACZ, leaving its datapackage.json as it was (tampering)."""
    members = {}
    with zipfile.ZipFile(wacz) as package:
        for info in package.infolist():
            members[info.filename] = package.read(info)
    members[name] = data
    with zipfile.ZipFile(wacz, "w", zipfile.ZIP_STORED) as package:
        for member, content in members.items():
            package.writestr(member, content)


@pytest.fixture
def warc(tmp_path: Path) -> Path:
    path = tmp_path / "capture.warc.gz"
    write_warc(path, [(URL, 200, page_html(), [])])
    return path


def import_(project: MiniProject, capture: Path, *extra: str) -> int:
    return main(["snapshot", "import", str(capture), "--url", URL, "--root", str(project.root),
                 "--snapshots", str(project.snapshots), *extra])


def cite_new_source(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("source: city-herald-2024", "source: bridge-2024"))
    (project.root / "sources/city-herald-2024.yaml").unlink()


@pytest.mark.parametrize("kind", ["warc", "wacz"])
def test_a_capture_imports_to_a_source_that_lints_clean(project: MiniProject, warc: Path, tmp_path: Path,
                                                        kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    capture = warc if kind == "warc" else make_wacz(tmp_path, warc)
    assert import_(project, capture, "--source", "bridge-2024") == 0
    out = capsys.readouterr().out
    assert "wrote sources/bridge-2024.yaml" in out
    text = (project.root / "sources/bridge-2024.yaml").read_text()
    sha = hashlib.sha256(capture.read_bytes()).hexdigest()
    assert f'  sha256: "{sha}"' in text and '  extractor: "trafilatura ' in text
    assert '  warc_date: "2024-03-05T10:15:00Z"' in text and '  record_id: "<urn:uuid:' in text
    assert '  payload_digest: "sha1:' in text and f'  target_uri: "{URL}"' in text
    stored = project.snapshots / "captures" / f"{sha}{'.wacz' if kind == 'wacz' else '.warc.gz'}"
    assert stored.read_bytes() == capture.read_bytes()
    assert QUOTE in (project.snapshots / "bridge-2024.txt").read_text()
    cite_new_source(project)
    result = project.lint()
    assert [p.line() for p in result.problems] == []


def test_without_a_source_the_blocks_are_printed(project: MiniProject, warc: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert import_(project, warc) == 0
    out = capsys.readouterr().out
    assert "# paste into the source file:\nsnapshot:\n  sha256: " in out and "\ncapture:\n  sha256: " in out


def test_importing_into_an_existing_source_changes_only_its_blocks(project: MiniProject, warc: Path) -> None:
    path = project.root / "sources/city-herald-2024.yaml"
    path.write_text("# the bridge story\n" + path.read_text().replace("outlet: City Herald",
                                                                      "outlet: City Herald   # the daily"))
    before = path.read_text().splitlines()
    assert import_(project, warc, "--source", "city-herald-2024") == 0
    after = path.read_text().splitlines()
    assert after[:6] == before[:6]  # comments, title, outlet, published, url untouched
    assert [line for line in after if line not in before][:2] == [line for line in after if "sha256" in line][:1] \
        + [line for line in after if line.startswith("  file:")][:1]
    assert "capture:" in after
    result = project.lint()
    assert result.errors == 0, [p.line() for p in result.problems]


def test_the_page_is_found_through_a_captured_redirect(tmp_path: Path) -> None:
    path = tmp_path / "redirect.warc"
    write_warc(path, [("http://news.example/bridge", 301, b"", [("Location", URL)]), (URL, 200, page_html(), [])])
    response = find_response(path, url="http://news.example/bridge/")
    assert response.target_uri == URL and "bridge would reopen" in response.text


def test_a_capture_without_the_page_says_what_it_holds(tmp_path: Path, warc: Path) -> None:
    with pytest.raises(CaptureError, match=r"has no response for https://other\.example/ \(pages captured: "):
        find_response(warc, url="https://other.example/")
    path = tmp_path / "gone.warc"
    write_warc(path, [(URL, 404, b"not found", [])])
    with pytest.raises(CaptureError, match="is an HTTP 404 response, not the page"):
        find_response(path, url=URL)
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a WARC file\r\n\r\n")
    with pytest.raises(CaptureError, match=r"junk\.warc holds no WARC response records"):
        find_response(junk, url=URL)


def test_a_tampered_wacz_is_refused_on_import_and_is_a_lint_error(project: MiniProject, warc: Path,
                                                                  tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    wacz = make_wacz(tmp_path, warc)
    assert import_(project, wacz, "--source", "bridge-2024") == 0
    cite_new_source(project)
    stored = next((project.snapshots / "captures").iterdir())
    other = tmp_path / "other.warc.gz"
    write_warc(other, [(URL, 200, page_html(PARAGRAPHS[::-1]), [])])
    rewrite_member(wacz, f"archive/{warc.name}", other.read_bytes())
    assert import_(project, wacz) == 1
    assert "capture.wacz fails its own checks: 'archive/capture.warc.gz' has sha256:" in capsys.readouterr().err
    # The stored capture is found by its hash: tampered bytes under its name are a mismatch of their own.
    stored.write_bytes(wacz.read_bytes())
    [problem] = project.lint().problems
    assert (problem.code, problem.where.path, problem.where.line) == ("CIT007", "sources/bridge-2024.yaml", 10)
    assert "has sha256" in problem.message and "restore the capture" in problem.message
    # A tampered capture stored under its own new hash, recorded as such: its digests fail.
    sha = hashlib.sha256(wacz.read_bytes()).hexdigest()
    stored.rename(stored.with_name(f"{sha}.wacz"))
    path = project.root / "sources/bridge-2024.yaml"
    recorded = hashlib.sha256(warc.read_bytes()).hexdigest()  # any other hash: find the recorded one
    text = path.read_text()
    old = text.split("capture:\n  sha256: ")[1].split("\n")[0]
    path.write_text(text.replace(old, f'"{sha}"'))
    assert recorded != sha
    [problem] = project.lint().problems
    assert problem.line().startswith("sources/bridge-2024.yaml:10:3: error CIT007 capture 'capture.wacz' fails its "
                                     "package check: 'archive/capture.warc.gz' has sha256:")
    assert problem.message.endswith("but datapackage.json records sha256:" + problem.message.split(
        "records sha256:")[1])


def test_a_snapshot_that_no_longer_matches_its_capture_is_a_lint_error(project: MiniProject, warc: Path) -> None:
    assert import_(project, warc, "--source", "bridge-2024") == 0
    cite_new_source(project)
    snapshot = project.snapshots / "bridge-2024.txt"
    edited = snapshot.read_text().replace("two years of repairs", "three years of repairs")
    snapshot.write_text(edited)
    path = project.root / "sources/bridge-2024.yaml"
    text = path.read_text()
    old = text.split("snapshot:\n  sha256: ")[1].split("\n")[0]
    path.write_text(text.replace(old, hashlib.sha256(edited.encode()).hexdigest()))
    [problem] = project.lint().problems
    assert (problem.code, problem.where.line, problem.where.column) == ("CIT007", 10, 3)
    assert "is not the snapshot" in problem.message
    assert "first difference at word 19: the capture gives 'two', the snapshot has 'three'" in problem.message


def test_wacz_signatures_are_verified(tmp_path: Path, warc: Path) -> None:
    """An anonymous signature (as ArchiveWeb.page makes): ECDSA P-384 over the datapackage hash."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, utils

    wacz = make_wacz(tmp_path, warc)
    with zipfile.ZipFile(wacz) as package:
        manifest = package.read("datapackage.json")
    digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
    key = ec.generate_private_key(ec.SECP384R1())
    r, s = utils.decode_dss_signature(key.sign(digest.encode(), ec.ECDSA(hashes.SHA256())))
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def signed(signature: bytes) -> bytes:
        return json.dumps({"path": "datapackage.json", "hash": digest, "signedData": {
            "hash": digest, "created": "2024-03-05T10:15:00Z", "software": "test",
            "signature": base64.b64encode(signature).decode(),
            "publicKey": base64.b64encode(public).decode()}}).encode()

    rewrite_member(wacz, "datapackage-digest.json", signed(r.to_bytes(48, "big") + s.to_bytes(48, "big")))
    verdict = verify_wacz(wacz)
    assert verdict.problems == () and verdict.notes[0].startswith("signed anonymously (key fingerprint ")
    rewrite_member(wacz, "datapackage-digest.json", signed(r.to_bytes(48, "big") + (s + 1).to_bytes(48, "big")))
    assert verify_wacz(wacz).problems == ("its signature does not verify with the public key it carries",)


def test_wacz_manifest_problems_are_each_named(tmp_path: Path, warc: Path) -> None:
    wacz = make_wacz(tmp_path, warc)
    rewrite_member(wacz, "extra/unlisted.txt", b"x")
    assert verify_wacz(wacz).problems == ("'extra/unlisted.txt' is in the package but not listed in datapackage.json",)
    rewrite_member(wacz, "datapackage.json", json.dumps(
        {"resources": [{"path": "archive/gone.warc", "hash": "sha256:00"}]}).encode())
    problems = verify_wacz(wacz).problems
    assert "datapackage.json lists 'archive/gone.warc', which is not in the package" in problems
    assert any(p.startswith("datapackage.json has sha256:") and "datapackage-digest.json records" in p
               for p in problems)
    (tmp_path / "broken.wacz").write_bytes(b"PK not really")
    assert verify_wacz(tmp_path / "broken.wacz").problems[0].startswith("not a readable ZIP file")


def test_a_package_too_large_to_unpack_is_refused(tmp_path: Path, warc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from build_tools import captures

    wacz = make_wacz(tmp_path, warc)
    monkeypatch.setattr(captures, "MAX_UNCOMPRESSED", 100)
    assert verify_wacz(wacz).problems == ("unpacks to more than 100 bytes; refused",)
    with pytest.raises(CaptureError, match="fails its own checks: unpacks to more than 100 bytes"):
        find_response(wacz, url=URL)
