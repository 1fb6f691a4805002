"""Which sources are independent: sources linked by derivation or republication, or that record one snapshot,
count once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from build_tools.model import Source


def independence_groups(sources: Mapping[str, Source]) -> dict[str, str]:
    """Map each source id to a representative of its group of related sources. Sources that record the same
    snapshot are one article (duplicate-snapshot warns of them; accepted, they still count once)."""
    parent = {sid: sid for sid in sources}
    first: dict[str, str] = {}  # each snapshot's first source

    def find(sid: str) -> str:
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    for source in sources.values():
        same = first.setdefault(source.snapshot.sha256, source.id)
        for other in (*source.relations, same):
            if other in parent:
                parent[find(source.id)] = find(other)
    return {sid: find(sid) for sid in sources}


def independent_count(source_ids: Iterable[str], groups: Mapping[str, str]) -> int:
    return len({groups.get(sid, sid) for sid in source_ids})


def reverse_relations(sources: Mapping[str, Source]) -> dict[str, dict[str, list[str]]]:
    """For each source: which sources derive from it and which republish it."""
    result: dict[str, dict[str, list[str]]] = {sid: {"derived_by": [], "republished_by": []} for sid in sources}
    for source in sources.values():
        for other in source.derived_from:
            if other in result:
                result[other]["derived_by"].append(source.id)
        for other in source.republished_from:
            if other in result:
                result[other]["republished_by"].append(source.id)
    return result
