"""Source's snapshot is not in the snapshot store.

## What it checks
For every source, a file whose SHA-256 equals `snapshot.sha256` exists in the
snapshot directory (`--snapshots DIR`, else `$BRIEFINGS_SNAPSHOTS`, else the
`snapshots` setting in `briefings.toml`).

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
Without the archived copy no quote from the source can be verified.

## Example
```yaml
snapshot:
  sha256: 0000000000000000000000000000000000000000000000000000000000000000
```

## Fix
Put the archived file in the snapshot directory, or point `--snapshots` at
the directory that holds it. `sha256sum FILE` gives the digest to record.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import EVIDENCE, Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("CIT002", "snapshot-missing", Severity.ERROR, __doc__ or "", firm=EVIDENCE, about="source")


def check(ctx: Context) -> Iterator[Problem]:
    store = ctx.snapshots
    for source in ctx.sources():
        sha = source.snapshot.sha256
        if sha in store.index() or store.changed_hash(sha, source.snapshot.file):
            continue  # present, or present but changed (snapshot-hash-mismatch says so)
        where = source.where("snapshot")
        if not store.exists:
            message = (f"snapshot directory {store.directory} (from {ctx.snapshots_origin}) does not exist; "
                       "pass --snapshots DIR or set $BRIEFINGS_SNAPSHOTS")
        else:
            message = f"no snapshot with sha256 {sha[:12]}… in {store.directory}; add the archived file"
        yield Problem.of(CODE, where, message, f"source:{source.id}")
