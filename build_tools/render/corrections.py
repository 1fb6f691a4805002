"""Corrections shown to readers: the marker on a corrected fact, each briefing's "Updates and
corrections" section, and the site-wide Corrections page.

The markers and the corrections themselves come from the `corrections:` entries in the files, so
they show with or without git; the dated lists of changes come from the ledger (`ledger.py`).
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from itertools import groupby

from build_tools.dates import DateError, EdtfDate, PartialDate
from build_tools.feeds import SITE_FEED, briefing_feed
from build_tools.ledger import Change, History, Life, SourceChange
from build_tools.model import Briefing, Correction, Fact, Project
from build_tools.render.markdown import fact_anchor, front_matter, link, text
from build_tools.substance import (
    ADDED,
    AS_OF,
    CITED,
    CORRECTED,
    EDITED,
    MOVED,
    QUOTE,
    REDATED,
    REMOVED,
    RENAMED,
    RESTORED,
    REWORDED,
    STATUS,
    UNCITED,
    correction_keys,
)

SECTION_ID = "updates-and-corrections"
# The Corrections page repeats facts' former wording: in site search it ranks below the facts themselves, so
# "last spoke" finds the briefing's answer before the history of its corrections.
SEARCH_BOOST = 0.2
KIND_LABELS = {"correction": "Correction", "major": "Major correction", "update": "Update"}
# More facts than this added on one day are counted, not listed.
LISTED_ADDITIONS = 5
POLICY = (
    "When a fact that has been published changes in substance (a figure, a name or a date in its text, its date, "
    "a quote it rests on, or its status), the fact says so: a *Corrected* or *Updated* note opens under it, the "
    "briefing's *Updates and corrections* section lists the change, and this page lists every correction, newest "
    "first. Nothing is removed silently: removed facts are listed here with their last wording."
)


# --- on a fact -------------------------------------------------------------------------------

def marker(fact: Fact) -> str:
    """A "Corrected DATE" marker that opens the fact's correction notes ("" when it has none):
    a native <details> element, so it works by keyboard and screen reader without script."""
    if not fact.corrections:
        return ""
    latest = max(fact.corrections, key=lambda c: c.date)
    label = "Corrected" if any(c.kind != "update" for c in fact.corrections) else "Updated"
    notes = "".join(f"<p>{_note(c)}</p>" for c in reversed(fact.corrections))
    return (f'<details class="fact-correction" id="corrections-{fact.id}">'
            f"<summary>{label} {text(latest.date.display())}</summary>{notes}</details>")


def _note(correction: Correction) -> str:
    return (f"<strong>{text(correction.date.display())}, {KIND_LABELS[correction.kind].lower()}.</strong> "
            f"<em>What was wrong:</em> {text(correction.wrong)} <em>What changed:</em> {text(correction.changed)}")


def former_anchors(fact: Fact, history: History, current: Container[str]) -> str:
    """Empty anchors for the ids a renamed fact had, so that old links still lead to it. (`current`, the
    ids in use, is only asked about the fact's own former ids: never copied, or this is quadratic.)"""
    life = history.lives.get(fact.id)
    former = set(life.ids[:-1] if life else ()) | ({fact.replaces} if fact.replaces else set())
    former = {old for old in former if old != fact.id and old not in current}
    return "".join(f'<span id="{fact_anchor(old)}"></span>' for old in sorted(former))


def major_notice(briefing: Briefing) -> str:
    """At the top of a briefing: its major corrections, each linking to its fact."""
    majors = [(fact, c) for fact in briefing.facts for c in fact.corrections if c.kind == "major"]
    if not majors:
        return ""
    items = "; ".join(f"{link(_label(fact.text), f'#{fact_anchor(fact.id)}')} ({text(c.date.display())})"
                      for fact, c in sorted(majors, key=lambda m: m[1].date, reverse=True))
    return (f"**Major correction.** A fact on this page was corrected after it was published: {items}. See "
            f"{link('Updates and corrections', f'#{SECTION_ID}')}.\n{{: .major-correction }}")


# --- a briefing's "Updates and corrections" section ---------------------------------------

def history_inputs(briefing: Briefing, history: History) -> tuple[object, ...]:
    """The history the section reads, as objects (a long-lived process reuses them while they are unchanged)."""
    return (history.by_briefing.get(briefing.id, ()), *(history.by_source.get(s, ()) for s in _cited(briefing)))


def history_values(briefing: Briefing, history: History) -> tuple[object, ...]:
    """And as values: whether there is a history, where it starts, and the lineage of renamed facts."""
    lineages = tuple(life.ids for fact in briefing.facts if (life := history.lives.get(fact.id)) and len(life.ids) > 1)
    return (history.available, history.since, lineages, tuple(life.ids for life in history.ended))


def updates_section(project: Project, briefing: Briefing, history: History) -> str:
    facts = {fact.id: fact for fact in briefing.facts}
    parts = [f"## Updates and corrections {{#{SECTION_ID} data-search-exclude}}"]  # the Corrections page has them
    majors = [(fact, c) for fact in facts.values() for c in fact.corrections if c.kind == "major"]
    if majors:
        parts.append("**Major corrections**")
        parts.append("\n".join(f"- {_correction_line(fact, c, '')}"
                               for fact, c in sorted(majors, key=lambda m: m[1].date, reverse=True)))
    feeds = (f"Follow them in the {link('Atom feed of this briefing', '../' + briefing_feed(briefing.id))} or "
             f"see {link('every correction', '../corrections.md')}.")
    if not history.available:
        parts.append("The list of changes is not available in this copy of the site: it was built without its "
                     "git history. The corrections noted on the facts are shown with them. " + feeds)
        return "\n\n".join(parts)
    days = list(_days(project, briefing, facts, history))
    intro = "Every change to the facts on this page since they were first published, newest first. " + feeds
    if history.since is not None:
        intro += f" Changes before {text(history.since.day.display())} are not shown in this copy."
    parts.append(intro)
    parts.append("\n".join(days) if days else "No changes yet.")
    return "\n\n".join(parts)


def _days(project: Project, briefing: Briefing, facts: dict[str, Fact], history: History) -> Iterator[str]:
    changes = list(history.by_briefing.get(briefing.id, ()))
    sources = [c for s in _cited(briefing) for c in history.by_source.get(s, ()) if c.kind not in (ADDED, REMOVED)]
    dated = [(c.seq, _day(c.commit), _change_line(c, facts, project, history)) for c in changes]
    dated += [(c.seq, _day(c.commit), _source_line(project, c)) for c in sources]
    dated = [d for d in dated if d[2]]
    dated.sort(key=lambda d: d[0], reverse=True)
    for day, group in groupby(dated, key=lambda d: d[1]):
        lines = _collapse_additions([line for _, _, line in group])
        yield f"- **{day}**\n" + "\n".join(f"    - {line}" for line in lines)


def _day(commit: object) -> str:
    day = getattr(commit, "day", None)
    return text(day.display()) if isinstance(day, PartialDate) else "Not yet committed"


def _collapse_additions(lines: list[str]) -> list[str]:
    added = [line for line in lines if line.startswith("Added: ")]
    if len(added) <= LISTED_ADDITIONS:
        return lines
    return [f"{len(added)} facts added."] + [line for line in lines if not line.startswith("Added: ")]


def _cited(briefing: Briefing) -> list[str]:
    return sorted({c.source for fact in briefing.facts for c in fact.citations})


def _fact_link(change: Change, facts: dict[str, Fact], history: History) -> str:
    fact = facts.get(history.renamed.get(change.fact, change.fact))
    if fact is None:
        gone = next((life for life in history.ended if change.fact in life.ids), None)
        return f"“{text(gone.last.text)}” (since removed)" if gone else text(change.fact)
    return link(_label(fact.text), f"#{fact_anchor(fact.id)}")


def _change_line(change: Change, facts: dict[str, Fact], project: Project, history: History) -> str:
    here = _fact_link(change, facts, history)
    kind = change.kind
    if kind == ADDED:
        return f"Added: {here}"
    if kind == REMOVED:
        return f"Removed: “{text(change.before)}”"
    if kind == EDITED:
        return f"Wording edited (no change of figures, names or dates): {here}"
    if kind == REWORDED:
        return f"Text changed: {here}. It said: “{text(change.before)}”"
    if kind in (REDATED, AS_OF):
        what = "Date" if kind == REDATED else "As-of date"
        return f"{what} changed from {_date(change.before)} to {_date(change.after)}: {here}"
    return _other_change_line(change, here, facts, project, history)


def _other_change_line(change: Change, here: str, facts: dict[str, Fact], project: Project,
                       history: History) -> str:
    kind = change.kind
    if kind == STATUS:
        return f"Marked {text(change.after)} (was {text(change.before)}): {here}"
    if kind in (QUOTE, CITED, UNCITED):
        what = {QUOTE: "Quote from", CITED: "Citation of", UNCITED: "Citation of"}[kind]
        verb = {QUOTE: "changed", CITED: "added", UNCITED: "removed"}[kind]
        return f"{what} {_source_label(project, change.source)} {verb}: {here}"
    if kind == RENAMED:
        return f"Id changed from {text(change.before)} to {text(change.after)} (old links still work): {here}"
    if kind == MOVED:
        return f"Moved here from the briefing {text(change.before)}: {here}"
    if kind == RESTORED:
        return f"Restored: {here}"
    if kind == CORRECTED:
        fact = facts.get(history.renamed.get(change.fact, change.fact))
        entry = _entry(fact, change, history) if fact else None
        return _correction_line(fact, entry, "Correction noted: ") if fact and entry else ""
    return ""


def _entry(fact: Fact, change: Change, history: History) -> Correction | None:
    """The correction entry a "corrected" change added, as it reads now."""
    life = history.lives.get(fact.id)
    keys = correction_keys(tuple(str(c.date) for c in fact.corrections))
    for key, correction in zip(keys, fact.corrections, strict=True):
        if life is not None and key[0] == change.after and key in life.corrected and \
                life.corrected[key] == change.commit:
            return correction
    return None


def _correction_line(fact: Fact, correction: Correction, prefix: str) -> str:
    return (f"{prefix}{link(_label(fact.text), f'#{fact_anchor(fact.id)}')} ({text(correction.date.display())}, "
            f"{KIND_LABELS[correction.kind].lower()}). *What was wrong:* {text(correction.wrong)} "
            f"*What changed:* {text(correction.changed)}")


def _source_label(project: Project, source_id: str) -> str:
    source = project.sources.get(source_id)
    return text(source.label) if source else text(source_id)


def _source_line(project: Project, change: SourceChange) -> str:
    label = _source_label(project, change.source)
    if change.detail == "archived copy":
        return f"Source {label}: its archived copy was replaced"
    before, after = change.before or "none", change.after or "none"
    if change.detail == "publication date":
        before, after = _date(change.before), _date(change.after)
    return f"Source {label}: {text(change.detail)} changed from “{text(before)}” to “{text(after)}”"


def _date(written: str) -> str:
    """A date as the files write it (EDTF), as readers see it."""
    try:
        return text(EdtfDate.parse(written).display())
    except DateError:
        return text(written or "none")


def _clip(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1].rsplit(" ", 1)[0] + " …"


def _label(value: str) -> str:
    """A fact's text shortened for a link label, without its closing full stop."""
    return _clip(value).removesuffix(".")


# --- the Corrections page ------------------------------------------------------------------

def render_corrections(project: Project, history: History) -> str:
    titles = {b.id: b.title for b in project.briefings}
    entries = [(fact, index, c) for fact in project.facts for index, c in enumerate(fact.corrections)]
    entries.sort(key=lambda e: (e[2].date, _order(history, e[0], e[1])), reverse=True)
    parts = [front_matter(title="Corrections", description="Every correction to a published fact, newest first.",
                          search_boost=SEARCH_BOOST),
             "# Corrections", POLICY,
             f"Subscribe to the {link('Atom feed of new facts and corrections', SITE_FEED)}; each briefing has its "
             f"own. How facts are checked and corrected: {link('the method', 'method.md')}."]
    if entries:
        parts.append("\n".join(_page_line(fact, c, titles) for fact, _, c in entries))
    else:
        parts.append("No corrections so far.")
    removed = [life for life in history.ended if life.was_published]
    if removed:
        parts += ["## Removed facts", "\n".join(_removed_line(life, titles) for life in
                                                 sorted(removed, key=_removal_order, reverse=True))]
    if not history.available:
        parts.append("*Removed facts are not listed in this copy of the site: it was built without its git history.*")
    elif history.since is not None:
        parts.append(f"*Changes before {text(history.since.day.display())} are not shown in this copy of the site.*")
    return "\n\n".join(parts) + "\n"


def _order(history: History, fact: Fact, index: int) -> float:
    """Among corrections of one date: the one committed later first; one not yet committed, first of all."""
    life = history.lives.get(fact.id)
    key = correction_keys(tuple(str(c.date) for c in fact.corrections))[index]
    if life is None or key not in life.corrected:
        return -1  # no history, or before a shallow history starts
    commit = life.corrected[key]
    return float("inf") if commit is None else commit.time


def _page_line(fact: Fact, correction: Correction, titles: dict[str, str]) -> str:
    page = f"briefings/{fact.briefing}.md"
    return (f"- **{text(correction.date.display())}** · {KIND_LABELS[correction.kind]} · "
            f"{link(titles.get(fact.briefing, fact.briefing), page)}: "
            f"{link(_label(fact.text), f'{page}#{fact_anchor(fact.id)}')} — "
            f"*What was wrong:* {text(correction.wrong)} *What changed:* {text(correction.changed)}")


def _removal_order(life: Life) -> int:
    return life.changes[-1].seq


def _removed_line(life: Life, titles: dict[str, str]) -> str:
    change = life.changes[-1]
    title = titles.get(change.briefing)
    where = link(title, f"briefings/{change.briefing}.md") if title else text(change.briefing)
    return f"- **{_day(change.commit)}** · {where}: “{text(life.last.text)}”"
