"""The parts of a fact that every page shows the same way: its status, its "as of" date, how many independent
sources say it, who says so, and where: inline HTML for a page `depth` folders below the docs root (HOME for
the home page, which is published one level above the others), its links written as the publisher serves them
(`Site.page_url`). They stand in raw HTML blocks, and in Markdown they spare Markdown a link it would only copy.

Every label that needs explaining links to its explanation on the Method page (`docs/method.md` has the
anchors named here), so a reader can ask "superseded by what? independent how?" with one tap.
"""

from __future__ import annotations

from build_tools.model import Fact, Source
from build_tools.provenance import independent_count
from build_tools.render.links import short_label
from build_tools.render.markdown import attribute, attribute_text, fact_anchor, plural, text
from build_tools.render.shared import Site

STATUS_LABELS = {"current": "Current", "superseded": "Superseded", "disputed": "Disputed"}
KIND_LABELS = {"event": "Event", "plan": "Plan", "statement": "Statement", "state": "State of affairs"}
KIND_PLURALS = {"event": "events", "plan": "plans", "statement": "statements", "state": "states of affairs"}
KIND_ORDER = {"event": 0, "plan": 1, "statement": 2, "state": 3}  # events first
METHOD = "method.md"
HOME = -1  # the `depth` of the home page, index.md: published at the site's root, not in a folder of its own
METHOD_ANCHORS = ("current", "superseded", "disputed", "as-of", "independence", "kinds")


def status_value(fact: Fact) -> str:
    return fact.status.value if fact.status else "current"


def method_link(site: Site, label: str, anchor: str, depth: int, classes: str = "") -> str:
    """A link to the Method page's explanation of `anchor`."""
    return html_link(label, f"{site.page_url('method', depth)}#{anchor}", classes)


def html_link(label: str, href: str, classes: str = "", title: str = "") -> str:
    """An inline HTML link, as Python-Markdown would write the Markdown link (attributes in lexical order): these
    links are in raw HTML blocks, or in Markdown where Markdown has nothing to add."""
    css = f' class="{classes}"' if classes else ""
    tip = f' title="{attribute_text(title)}"' if title else ""
    return f'<a{css} href="{attribute(href)}"{tip}>{text(label)}</a>'


def status_badge(site: Site, fact: Fact, depth: int) -> str:
    """'Current', 'Superseded' or 'Disputed', linking to what it means."""
    value = status_value(fact)
    return method_link(site, STATUS_LABELS[value], value, depth, f"sb-badge sb-status-{value}")


def status_explanation(site: Site, fact: Fact, depth: int, page_briefing: str) -> str:
    """'Superseded — Harris and Giammattei spoke by phone in January 2022 (see fact)': the label, why, and the
    fact(s) that make it so; empty for a current fact."""
    status = fact.status
    if status is None or status.value == "current":
        return ""
    # Not the fact itself, nor one fact twice (bad-status reports both; accepted, they would point at nothing new).
    others = [site.facts[other] for other in dict.fromkeys(status.by) if other in site.facts and other != fact.id]
    reason = text(status.reason.strip().rstrip("."))
    see = ""
    if len(others) == 1:
        see = f" ({_fact_link(site, 'see fact', others[0], depth, page_briefing)})"
    elif others:
        see = " (see " + ", ".join(_fact_link(site, _when(other), other, depth, page_briefing)
                                   for other in others) + ")"
    return f"{status_badge(site, fact, depth)} — {reason}{see}"


def as_of_badge(site: Site, fact: Fact, depth: int, column: bool = False) -> str:
    """'as of 8 December 2021', linking to what "as of" means; in a column headed "As of", '8 Dec 2021'."""
    if fact.as_of is None:
        return ""
    words = fact.as_of.display(short=True) if column else f"as of {fact.as_of.display()}"
    return method_link(site, words, "as-of", depth, "sb-badge sb-as-of")


def independence(site: Site, fact: Fact, depth: int) -> str:
    """'1 source', or '3 sources, 2 independent' linking to what counts as independent."""
    cited = site.cited_sources(fact)
    if len(cited) <= 1:
        return plural(len(cited), "source")
    return method_link(site, f"{len(cited)} sources, {independent_count(cited, site.groups)} independent",
                       "independence", depth)


def kind_label(fact: Fact) -> str:
    return KIND_LABELS.get(fact.kind, fact.kind.capitalize())


def source_links(site: Site, fact: Fact, depth: int) -> str:
    """Each cited source by its short label ('Fox News, 8 Dec 2021'), linking to its page."""
    return ", ".join(source_link(site, site.project.sources[sid], depth) for sid in site.cited_sources(fact))


def source_link(site: Site, source: Source, depth: int) -> str:
    return html_link(short_label(source), site.page_url(f"sources/{source.id}", depth))


def fact_href(site: Site, fact: Fact, depth: int, page_briefing: str = "") -> str:
    """Where a fact is read in full: its anchor, on its briefing's page."""
    page = "" if fact.briefing == page_briefing else site.page_url(f"briefings/{fact.briefing}", depth)
    return f"{page}#{fact_anchor(fact.id)}"


def _fact_link(site: Site, label: str, fact: Fact, depth: int, page_briefing: str) -> str:
    return html_link(label, fact_href(site, fact, depth, page_briefing), title=f"{_when(fact)}: {fact.text}")


def _when(fact: Fact) -> str:
    return fact.date.display() if fact.date else "undated"


def order_key(fact: Fact) -> tuple[object, ...]:
    """Date order (the first day a date names, the narrower first), events before statements on the same
    footing, then id."""
    assert fact.date is not None
    return (fact.date.sort_key(), KIND_ORDER.get(fact.kind, len(KIND_ORDER)), fact.id)
