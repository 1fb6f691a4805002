"""Source relation names an unknown source, itself, or forms a cycle.

## What it checks
Every id in `derived_from` and `republished_from` is another source of the
project, and following these relations never leads back to where it started.

## Why it matters
Relations decide which sources count as independent corroboration; a
dangling or circular relation makes that count wrong, and the source pages
would tell readers that an article rewrites itself, or two articles each
other. So `lint: ignore` cannot accept it, nor `briefings.toml` disable it.

## Example
```yaml
# sources/a.yaml
derived_from: [b]
# sources/b.yaml
derived_from: [a]
```

## Fix
Point the relation at the original article's id; remove the relation that
closes the cycle.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from build_tools.model import Source
from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("SRC003", "bad-relation", Severity.ERROR, __doc__ or "",
            firm="the source pages would show a rewrite or republication that cannot be (of an unknown source, of "
                 "itself, or in a circle), and count independent sources by it, so it stays an error; correct the "
                 "relation or remove it", about="source")


def check(ctx: Context) -> Iterator[Problem]:
    sources = ctx.project.sources
    for source in ctx.sources():
        for name in ("derived_from", "republished_from"):
            for other in getattr(source, name):
                if other == source.id:
                    yield _problem(source, name, f"source '{source.id}' names itself in '{name}'")
                elif other not in sources and other not in ctx.project.broken_sources:
                    yield _problem(source, name, f"'{name}' names unknown source '{other}'")
        cycle = _cycle_from(source.id, sources)
        if cycle:
            yield _problem(source, "derived_from" if source.derived_from else "republished_from",
                           f"relations form a cycle: {' → '.join(cycle)}; remove one")


def _problem(source: Source, field_name: str, message: str) -> Problem:
    return Problem.of(CODE, source.where(field_name), message, f"source:{source.id}")


def _cycle_from(start: str, sources: Mapping[str, Source]) -> list[str]:
    """The shortest path of relations from `start` back to itself (excluding self-loops)."""
    frontier = [[start, other] for other in sources[start].relations if other != start]
    seen: set[str] = set()
    while frontier:
        path = frontier.pop(0)
        node = path[-1]
        if node == start:
            return path
        if node in seen or node not in sources:
            continue
        seen.add(node)
        frontier.extend([*path, nxt] for nxt in sources[node].relations)
    return []
