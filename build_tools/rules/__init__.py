"""The registry: every rule module, in code order. One module per rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

from build_tools.problems import Code, Problem
from build_tools.rules import (
    bad_relation,
    bad_replaces,
    bad_short_answer,
    bad_status,
    capture_mismatch,
    change_without_correction,
    cites_only_derived,
    duplicate_fact_id,
    duplicate_snapshot,
    ellipsis_gap_too_long,
    evidence_error_ignored,
    fact_after_sources,
    fact_beyond_quotes,
    missing_url,
    mixed_script_hostname,
    quote_not_in_snapshot,
    quote_not_unique,
    quote_too_long,
    quote_too_short,
    quote_without_words,
    snapshot_hash_mismatch,
    snapshot_missing,
    state_without_as_of,
    unarchived_dead_link,
    undeclared_near_duplicate,
    unknown_source,
    unused_source,
    unused_waiver,
)
from build_tools.rules.context import Context
from build_tools.syntax_codes import CODES as SYNTAX_CODES


@dataclass(frozen=True)
class Rule:
    code: Code
    check: Callable[[Context], Iterator[Problem]]


def _rule(module: ModuleType) -> Rule:
    return Rule(module.CODE, module.check)


RULES: tuple[Rule, ...] = tuple(_rule(m) for m in (
    unknown_source, snapshot_missing, quote_not_in_snapshot, snapshot_hash_mismatch, quote_too_long,
    quote_not_unique, capture_mismatch, quote_without_words, quote_too_short, ellipsis_gap_too_long,
    evidence_error_ignored, unused_waiver, duplicate_fact_id, fact_after_sources, cites_only_derived, bad_status,
    change_without_correction, bad_replaces, fact_beyond_quotes,
    bad_short_answer, state_without_as_of, unused_source,
    missing_url, bad_relation, duplicate_snapshot, undeclared_near_duplicate, mixed_script_hostname,
    unarchived_dead_link,
))

ALL_CODES: tuple[Code, ...] = SYNTAX_CODES + tuple(rule.code for rule in RULES)


def find_code(text: str) -> Code | None:
    """A code by its code (`CIT003`) or its name (`quote-not-in-snapshot`), case-insensitive."""
    wanted = text.strip().lower()
    return next((c for c in ALL_CODES if wanted in (c.code.lower(), c.name)), None)
