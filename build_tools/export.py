"""Project → JSON: everything a reader or another tool needs, in one stable document."""

from __future__ import annotations

import json
from typing import Any

from build_tools.model import Project, Source
from build_tools.provenance import independence_groups, independent_count

EXPORT_PATH = "data/briefings.json"


def export_data(project: Project) -> dict[str, Any]:
    groups = independence_groups(project.sources)
    return {
        "briefings": [
            {"id": b.id, "title": b.title, "path": f"briefings/{b.id}/", "updated": b.updated.iso()}
            for b in project.briefings
        ],
        "facts": [
            {
                "id": fact.id,
                "briefing": fact.briefing,
                "section": fact.section,
                "text": fact.text,
                "date": fact.date.iso() if fact.date else None,
                "as_of": fact.as_of.iso() if fact.as_of else None,
                "kind": fact.kind,
                "citations": [{"source": c.source, "quote": c.quote} for c in fact.citations],
                "independent_sources": independent_count({c.source for c in fact.citations}, groups),
            }
            for fact in project.facts
        ],
        "sources": [_source(source) for source in project.sources.values()],
    }


def _source(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "outlet": source.outlet,
        "original_outlet": source.original_outlet,
        "author": source.author,
        "published": source.published.iso() if source.published else None,
        "url": source.url,
        "snapshot": {"sha256": source.snapshot.sha256},
        "derived_from": list(source.derived_from),
        "republished_from": list(source.republished_from),
    }


def export_json(project: Project) -> str:
    return json.dumps(export_data(project), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
