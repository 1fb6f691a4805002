"""Captures made by web-archiving tools (WARC, WACZ): checking them, finding a page, its provenance.

Desks that verify sources archive with Webrecorder (ArchiveWeb.page, Browsertrix), Bellingcat's Auto
Archiver, ArchiveBox or Perma.cc, which write WARC files (ISO 28500), alone or packaged as WACZ (a ZIP
with a `datapackage.json` listing every file's digest, and optionally a signed `datapackage-digest.json`).

- `verify_wacz` checks a WACZ the way the WACZ specification says a reader should: every listed file is
  there with its digest (hashed with the `wacz` package's `hash_stream`), nothing unlisted was added,
  `datapackage-digest.json` matches `datapackage.json`, and its signature, when present, verifies (an
  anonymous ECDSA signature with `cryptography`; a domain signature with `authsign` when installed).
  The ZIP is read in place: py-wacz's own `Validation` unpacks the whole package to disk, prints its
  findings, and does not notice a listed file that is missing.
- `find_response` reads WARC records with `warcio` and returns the response for a URL (following
  captured redirects), or the record with a given `WARC-Record-ID`, decoded as text.

Captures live in the snapshot store's `captures/` folder, each named by the SHA-256 of its bytes
(`captures/<sha256>.wacz`), beside the plain-text snapshots derived from them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

CAPTURES_DIR = "captures"
MAX_UNCOMPRESSED = 4 * 1024**3  # a WACZ that unpacks to more than this is refused (a ZIP bomb, or not ours)
MAX_PAYLOAD = 32 * 1024 * 1024  # an article page larger than this is not an article
MAX_REDIRECTS = 5
PACKAGE_FILES = ("datapackage.json", "datapackage-digest.json")


class CaptureError(Exception):
    """The capture cannot be read, fails its own checks, or does not hold the page."""


@dataclass(frozen=True)
class Verdict:
    """What checking a WACZ found: `problems` break it; `notes` are limits of the check itself."""

    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    """One captured HTTP response, decoded as text, with what identifies it in the capture."""

    target_uri: str
    record_id: str
    warc_date: str
    payload_digest: str | None
    content_type: str
    text: str


def capture_format(path: Path) -> str:
    """'wacz' or 'warc' (plain or gzipped), from the name; CaptureError for anything else."""
    name = path.name.lower()
    if name.endswith(".wacz"):
        return "wacz"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    raise CaptureError(f"'{path.name}' is not a capture: expected a .wacz, .warc or .warc.gz file")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_name(sha256: str, fmt: str, original: str) -> str:
    """The file name of a capture in the store: its hash, and the suffix its format needs."""
    suffix = ".wacz" if fmt == "wacz" else ".warc.gz" if original.lower().endswith(".gz") else ".warc"
    return f"{sha256}{suffix}"


def find_stored(store: Path, sha256: str) -> Path | None:
    """The capture with this hash in `<store>/captures/`, found by its name and checked by its bytes."""
    folder = store / CAPTURES_DIR
    for suffix in (".wacz", ".warc.gz", ".warc"):
        candidate = folder / f"{sha256}{suffix}"
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None


# --- WACZ ---------------------------------------------------------------------------------------

def verify_wacz(path: Path) -> Verdict:
    """Check a WACZ package against its own manifest and signature."""
    try:
        with zipfile.ZipFile(path) as package:
            return _verify_package(package)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return Verdict((f"not a readable ZIP file ({error})",))


def _verify_package(package: zipfile.ZipFile) -> Verdict:
    members = {info.filename: info for info in package.infolist() if not info.is_dir()}
    if sum(info.file_size for info in members.values()) > MAX_UNCOMPRESSED:
        return Verdict((f"unpacks to more than {MAX_UNCOMPRESSED:,} bytes; refused",))
    if "datapackage.json" not in members:
        return Verdict(("has no datapackage.json, so its files cannot be checked",))
    manifest_bytes = package.read("datapackage.json")
    try:
        manifest = json.loads(manifest_bytes)
        resources = [(str(r["path"]), str(r["hash"]), r.get("bytes")) for r in manifest["resources"]]
    except (ValueError, KeyError, TypeError) as error:
        return Verdict((f"datapackage.json is not a valid data package ({type(error).__name__}: {error})",))
    problems = [problem for path, digest, size in resources
                for problem in _check_resource(package, members, path, digest, size)]
    listed = {path for path, _, _ in resources}
    problems += [f"'{name}' is in the package but not listed in datapackage.json"
                 for name in sorted(members) if name not in listed and name not in PACKAGE_FILES]
    signature = _check_digest(package, members, manifest_bytes, manifest)
    return Verdict(tuple(problems + list(signature.problems)), signature.notes)


def _check_resource(package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: str, digest: str,
                    size: object) -> Iterator[str]:
    from wacz.util import hash_stream

    info = members.get(path)
    if info is None:
        yield f"datapackage.json lists '{path}', which is not in the package"
        return
    kind = digest.partition(":")[0]
    with package.open(info) as stream:
        _, actual = hash_stream(kind, stream)
    if not actual:
        yield f"datapackage.json gives '{path}' a digest of unknown kind '{kind}'"
    elif actual != digest:
        yield f"'{path}' has {_short(actual)}, but datapackage.json records {_short(digest)}"
    elif isinstance(size, int) and size != info.file_size:
        yield f"'{path}' has {info.file_size:,} bytes, but datapackage.json records {size:,}"


def _check_digest(package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], manifest_bytes: bytes,
                  manifest: dict[str, Any]) -> Verdict:
    if "datapackage-digest.json" not in members:
        return Verdict()
    try:
        digest = json.loads(package.read("datapackage-digest.json"))
        recorded = str(digest["hash"])
    except (ValueError, KeyError, TypeError):
        return Verdict(("datapackage-digest.json is not valid",))
    actual = "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()
    if recorded != actual:
        return Verdict((f"datapackage.json has {_short(actual)}, but datapackage-digest.json records "
                        f"{_short(recorded)}",))
    signed = digest.get("signedData")
    if not signed:
        return Verdict()
    return _check_signature(signed, recorded, manifest)


def _check_signature(signed: Any, manifest_hash: str, manifest: dict[str, Any]) -> Verdict:
    if not isinstance(signed, dict) or signed.get("hash") != manifest_hash:
        return Verdict(("the signature in datapackage-digest.json is not over this datapackage.json",))
    if signed.get("publicKey"):
        return _check_anonymous(signed)
    if signed.get("domain"):
        return _check_domain(signed, manifest)
    return Verdict(("the signature in datapackage-digest.json has neither a public key nor a domain",))


def _check_anonymous(signed: dict[str, Any]) -> Verdict:
    """An anonymous WACZ signature (ArchiveWeb.page): ECDSA over the SHA-256 of the `hash` string, the
    signature as raw r‖s (WebCrypto) or DER, the public key as base64 SubjectPublicKeyInfo."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, utils
    except ImportError:
        return Verdict(notes=("the package is signed, but the signature was not checked: install cryptography",))
    try:
        key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
        signature = base64.b64decode(signed["signature"])
    except (ValueError, KeyError, TypeError):
        return Verdict(("the signature or public key in datapackage-digest.json cannot be read",))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return Verdict(("the public key in datapackage-digest.json is not an ECDSA key",))
    half = (key.curve.key_size + 7) // 8
    if len(signature) == 2 * half:
        signature = utils.encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                               int.from_bytes(signature[half:], "big"))
    try:
        key.verify(signature, str(signed["hash"]).encode(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return Verdict(("its signature does not verify with the public key it carries",))
    fingerprint = hashlib.sha256(base64.b64decode(signed["publicKey"])).hexdigest()[:16]
    return Verdict(notes=(f"signed anonymously (key fingerprint {fingerprint}); the key itself is not vouched "
                          "for by anyone",))


def _check_domain(signed: dict[str, Any], manifest: dict[str, Any]) -> Verdict:
    """A domain signature with an RFC 3161 timestamp, checked by Webrecorder's `authsign` when installed."""
    domain = str(signed.get("domain"))
    if manifest.get("created") != signed.get("created"):
        return Verdict(("the signature's date is not the package's creation date",))
    try:
        from authsign.verifier import Verifier
    except ImportError:
        return Verdict(notes=(f"signed by the domain {domain}; that signature was not checked: install authsign",))
    try:
        verified = Verifier()(signed)
    except Exception as error:  # authsign raises its own assertion errors for each failed step
        return Verdict((f"its signature by {domain} does not verify ({type(error).__name__}: {error})",))
    return Verdict(notes=(f"signed by {domain}, observed {getattr(verified, 'timestamp', '')}",))


def _short(digest: str) -> str:
    kind, _, value = digest.partition(":")
    return f"{kind}:{value[:12]}…" if value else digest[:24]


# --- WARC records -----------------------------------------------------------------------------

def find_response(path: Path, url: str | None = None, record_id: str | None = None) -> Response:
    """The captured response for `url` (following captured redirects), or the record `record_id`."""
    records = list(_responses(path))
    if not records:
        raise CaptureError(f"{path.name} holds no WARC response records; is it a WARC or WACZ file?")
    if record_id is not None:
        found = next((r for r in records if r.record_id == record_id), None)
        if found is None:
            raise CaptureError(f"the capture has no record {record_id}")
        return _decoded(found)
    assert url is not None
    seen: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        matches = [r for r in records if _same_url(r.target_uri, url)]
        if not matches:
            break
        latest = max(matches, key=lambda r: r.warc_date)
        if latest.location and 300 <= latest.status < 400:
            seen.append(url)
            url = urljoin(url, latest.location)
            continue
        if latest.status != 200:
            raise CaptureError(f"the capture of {url} is an HTTP {latest.status} response, not the page")
        return _decoded(latest)
    shown = ", ".join(sorted({r.target_uri for r in records})[:5]) or "none"
    raise CaptureError(f"the capture has no response for {url} (pages captured: {shown})")


@dataclass(frozen=True)
class _Raw:
    target_uri: str
    record_id: str
    warc_date: str
    payload_digest: str | None
    status: int
    location: str | None
    content_type: str
    payload: bytes


def _responses(path: Path) -> Iterator[_Raw]:
    if capture_format(path) == "warc":
        with path.open("rb") as stream:
            yield from _read_warc(stream, path.name)
        return
    verdict = verify_wacz(path)
    if verdict.problems:
        raise CaptureError(f"the WACZ fails its own checks: {verdict.problems[0]}")
    with zipfile.ZipFile(path) as package:
        for name in sorted(package.namelist()):
            if name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz")):
                with package.open(name) as stream:
                    yield from _read_warc(stream, name)


def _read_warc(stream: IO[bytes], name: str) -> Iterator[_Raw]:
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise CaptureError("reading captures needs warcio: pip install 'sourced-briefings[archive]'") from None
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            payload = record.content_stream().read(MAX_PAYLOAD + 1)
            if len(payload) > MAX_PAYLOAD:
                raise CaptureError(f"a response in {name} is larger than {MAX_PAYLOAD:,} bytes")
            headers, http = record.rec_headers, record.http_headers
            yield _Raw(str(headers.get_header("WARC-Target-URI") or ""), str(headers.get_header("WARC-Record-ID")),
                       str(headers.get_header("WARC-Date") or ""), headers.get_header("WARC-Payload-Digest"),
                       _status(http.get_statuscode()), http.get_header("Location"),
                       http.get_header("Content-Type") or "", payload)
    except ArchiveLoadFailed as error:
        raise CaptureError(f"{name} is not a readable WARC file ({error})") from None
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
        raise CaptureError(f"{name} could not be read ({type(error).__name__}: {error})") from None


def _status(code: object) -> int:
    try:
        return int(str(code))
    except ValueError:
        return 0


def _decoded(raw: _Raw) -> Response:
    charset = "utf-8"
    for part in raw.content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        text = raw.payload.decode(charset, "replace")
    except LookupError:
        raise CaptureError(f"the capture of {raw.target_uri} declares an unknown character set '{charset[:40]}'") \
            from None
    return Response(raw.target_uri, raw.record_id, raw.warc_date, raw.payload_digest, raw.content_type, text)


def _same_url(captured: str, wanted: str) -> bool:
    return _url_key(captured) == _url_key(wanted)


def _url_key(url: str) -> tuple[str, str, str, str]:
    """What makes two addresses the same page: scheme, host (no default port), path (no trailing /), query."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return (parts.scheme.lower(), host, parts.path.rstrip("/") or "/", parts.query)


# --- the text ---------------------------------------------------------------------------------

def extractor_name() -> str:
    """The text extractor and its version, as recorded in a source's `capture.extractor`."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"trafilatura {version('trafilatura')}"
    except PackageNotFoundError:
        raise CaptureError("extracting text needs trafilatura: pip install 'sourced-briefings[archive]'") from None


def extract_text(response: Response) -> str:
    """The article text of a captured page, exactly as `briefings archive` extracts a live one."""
    from build_tools.archive import ArchiveError, extract

    try:
        return extract(response.text, response.target_uri).text
    except ArchiveError as error:
        raise CaptureError(str(error)) from None


# --- importing --------------------------------------------------------------------------------

CAPTURE_KEYS = ("sha256", "file", "record_id", "warc_date", "payload_digest", "target_uri", "extractor")


@dataclass(frozen=True)
class Imported:
    """A capture imported into the store: the snapshot made from it and the provenance to record."""

    snapshot_sha256: str
    snapshot_path: Path
    snapshot_added: bool
    capture_path: Path
    provenance: dict[str, str]  # the `capture:` block, in CAPTURE_KEYS order
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None
    text: str
    notes: tuple[str, ...]


def import_capture(path: Path, url: str, store: Path, name: str) -> Imported:
    """Check the capture, find the page, extract its text, and store both in `store` (the text as a
    snapshot named `name`, the capture under `captures/` by its hash)."""
    from build_tools.archive import ArchiveError, extract, store_bytes, store_text

    fmt = capture_format(path)
    notes: tuple[str, ...] = ()
    if fmt == "wacz":
        verdict = verify_wacz(path)
        if verdict.problems:
            raise CaptureError(f"{path.name} fails its own checks: " + "; ".join(verdict.problems[:3]))
        notes = verdict.notes
    response = find_response(path, url=url)
    extractor = extractor_name()
    try:
        article = extract(response.text, response.target_uri)
        stored = store_text(article.text, name, store)
        sha256 = sha256_of(path)
        kept = store_bytes(path.read_bytes(), stored_name(sha256, fmt, path.name), store / CAPTURES_DIR)
    except ArchiveError as error:
        raise CaptureError(str(error)) from None
    provenance = {"sha256": sha256, "file": path.name, "record_id": response.record_id,
                  "warc_date": response.warc_date, "payload_digest": response.payload_digest or "",
                  "target_uri": response.target_uri, "extractor": extractor}
    if not response.target_uri.startswith(("http://", "https://")):
        del provenance["target_uri"]
    return Imported(stored.sha256, stored.path, stored.added, kept.path,
                    {key: value for key, value in provenance.items() if value}, article.title, article.outlet,
                    article.author, article.published, article.text, notes)


def capture_block(provenance: dict[str, str]) -> str:
    """The `capture:` block of a source file, values quoted as JSON strings (valid YAML)."""
    return "\n".join(["capture:"] + [f"  {key}: {json.dumps(provenance[key], ensure_ascii=False)}"
                                      for key in CAPTURE_KEYS if key in provenance])
