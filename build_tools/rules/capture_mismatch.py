"""Snapshot no longer matches the capture it was extracted from, or the capture fails its own checks.

## What it checks
For a source with a `capture:` block whose capture file is in the snapshot
store (`captures/<sha256>.wacz`, `.warc` or `.warc.gz`): that the file still has
the recorded SHA-256; for a WACZ, that every file has the digest its
`datapackage.json` records, that nothing was added, and that the signature, if
any, verifies; that the recorded WARC record is in it; and that extracting its
text again gives the snapshot, byte for byte. A capture that is not in the
store is not checked.

## Why it matters
The capture is the evidence of what the page said when it was archived; the
snapshot is only derived from it. If the two disagree, a quote may pass
against text the page never held.

## Example
```yaml
snapshot:
  sha256: 2c5d…   # edited after import
capture:
  sha256: 9f1e…
  record_id: "<urn:uuid:…>"
  extractor: "trafilatura 2.3.1"
```

## Fix
Restore the snapshot or the capture. If the capture is right and the snapshot
is wrong, import it again: `briefings snapshot import CAPTURE --url URL
--source ID`. When only the extractor's version differs, re-import with the
installed one, or install the recorded one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from build_tools import captures
from build_tools.cache_files import read_json, write_json
from build_tools.captures import (
    CaptureError,
    capture_format,
    extract_text,
    extractor_name,
    find_response,
    find_stored,
    sha256_of,
    verify_wacz,
)
from build_tools.model import Source
from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("CIT007", "capture-mismatch", Severity.ERROR, __doc__ or "", about="source")

# Verdicts depend only on the capture's bytes (named by their hash), the record, the extractor and this code.
_VERSION = hashlib.sha256(Path(__file__).read_bytes() + Path(captures.__file__ or "").read_bytes()).hexdigest()[:12]


def check(ctx: Context) -> Iterator[Problem]:
    cache = _Cache(ctx.cache_dir)
    for source in ctx.project.sources.values():
        if source.capture is None or not ctx.in_focus(source.path):
            continue
        path = find_stored(ctx.snapshots.directory, source.capture.sha256)
        if path is None:
            continue
        for message in _problems(source, path, ctx, cache):
            yield Problem.of(CODE, source.where("capture"), message, f"source:{source.id}")
    cache.save()


def _problems(source: Source, path: Path, ctx: Context, cache: _Cache) -> list[str]:
    capture = source.capture
    assert capture is not None
    actual = sha256_of(path)
    if actual != capture.sha256:
        return [f"capture file '{path.name}' has sha256 {actual[:12]}…, not the recorded {capture.sha256[:12]}…; "
                "restore the capture"]
    try:
        installed = extractor_name()
    except CaptureError as error:
        return [f"the capture of '{source.id}' cannot be checked: {error}"]
    key = f"{capture.sha256}:{capture.record_id}:{installed}"
    verdict = cache.get(key)
    if verdict is None:
        verdict = _derive(path, capture.record_id)
        cache.put(key, verdict)
    problems, text_sha256 = verdict
    if problems:
        return [f"capture '{capture.file or path.name}' {problem}" for problem in problems]
    if text_sha256 == source.snapshot.sha256:
        return []
    return [_mismatch(source, path, installed, ctx)]


def _derive(path: Path, record_id: str) -> tuple[list[str], str]:
    """The capture's own problems, or the SHA-256 of the text extracted from the record."""
    if capture_format(path) == "wacz":
        problems = list(verify_wacz(path).problems)
        if problems:
            return [f"fails its package check: {problem}" for problem in problems], ""
    try:
        text = extract_text(find_response(path, record_id=record_id))
    except CaptureError as error:
        return [f"cannot give the snapshot's text again: {error}"], ""
    return [], hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mismatch(source: Source, path: Path, installed: str, ctx: Context) -> str:
    capture = source.capture
    assert capture is not None
    message = (f"the text extracted again from capture record {capture.record_id} is not the snapshot "
               f"{source.snapshot.sha256[:12]}…")
    if capture.extractor != installed:
        message += f" (recorded with {capture.extractor}, extracted now with {installed}; re-import, or install it)"
    snapshot = ctx.snapshots.get(source.snapshot.sha256)
    if snapshot is not None:  # rare: the text is extracted once more to say where the two part
        try:
            derived = extract_text(find_response(path, record_id=capture.record_id))
        except CaptureError:
            derived = None
        if derived is not None:
            message += "; " + _first_difference(derived, snapshot.text)
    return message + "; restore the snapshot or import the capture again"


def _first_difference(derived: str, snapshot: str) -> str:
    ours, theirs = derived.split(), snapshot.split()
    for index, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a != b:
            return f"first difference at word {index + 1}: the capture gives {a[:40]!r}, the snapshot has {b[:40]!r}"
    if len(ours) == len(theirs):
        return "the words are the same; only spacing or line breaks differ"
    return f"one is {abs(len(ours) - len(theirs))} words longer"


class _Cache:
    """Verdicts by capture hash, record and extractor, kept in build/cache (a damaged file is a miss)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / f"captures-{_VERSION}.json" if cache_dir else None
        raw = read_json(self.path) if self.path else None
        self.entries: dict[str, tuple[list[str], str]] = {}
        if isinstance(raw, dict):
            for key, value in raw.items():
                if (isinstance(value, list) and len(value) == 2 and isinstance(value[0], list)
                        and all(isinstance(p, str) for p in value[0]) and isinstance(value[1], str)):
                    self.entries[key] = (value[0], value[1])
        self.changed = False

    def get(self, key: str) -> tuple[list[str], str] | None:
        return self.entries.get(key)

    def put(self, key: str, verdict: tuple[list[str], str]) -> None:
        self.entries[key] = verdict
        self.changed = True

    def save(self) -> None:
        if self.path is not None and self.changed:
            write_json(self.path, {key: list(value) for key, value in sorted(self.entries.items())})
