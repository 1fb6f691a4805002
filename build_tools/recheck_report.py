"""`briefings recheck` results as text (for the terminal), JSON (for tools) and Markdown (for an issue or
a pull request). One function per format; all three say the same things in the same order."""

from __future__ import annotations

import json
from typing import Any

from build_tools.characters import escape_controls
from build_tools.recheck import STATUSES, CopyCheck, QuoteCheck, Report, SourceCheck
from build_tools.render.markdown import table, text, url

FORMATS = ("text", "json", "markdown")
QUOTE_CHARS = 90


def format_report(report: Report, fmt: str) -> str:
    return {"text": format_text, "json": format_json, "markdown": format_markdown}[fmt](report)


def summary_line(report: Report) -> str:
    counts = ", ".join(f"{report.count(status)} {status}" for status in STATUSES)
    return f"{len(report.sources)} sources rechecked on {report.checked.isoformat()}: {counts}"


# --- text -------------------------------------------------------------------------------------------

def format_text(report: Report) -> str:
    lines: list[str] = []
    for check in report.sources:
        lines.append(f"{check.path}: {check.status} {check.url} ({check.reason})")
        lines += [f"  {_quote_line(quote)}" for quote in check.quotes]
        if check.archived is not None:
            lines.append(f"  archived copy: {_copy_summary(check.archived)}")
            lines += [f"    {_quote_line(quote)}" for quote in check.archived.quotes if quote.status != "present"]
    lines.append(summary_line(report))
    return "\n".join(escape_controls(line) for line in lines)


def _quote_line(quote: QuoteCheck) -> str:
    line = f"{quote.status:<8} “{_clip(quote.quote)}”"
    if quote.status == "changed":
        line += f"; closest passage “{_clip(quote.passage or '')}”; word diff: {quote.diff}"
    return line


def _copy_summary(copy: CopyCheck) -> str:
    if copy.error is not None:
        return f"none found ({copy.error})"
    present = sum(quote.status == "present" for quote in copy.quotes)
    when = f" of {copy.date.iso()}" if copy.date else ""
    return f"{copy.url}{when}: {present} of {len(copy.quotes)} quotes present"


def _clip(value: str) -> str:
    return value if len(value) <= QUOTE_CHARS else value[: QUOTE_CHARS - 1] + "…"


# --- JSON -------------------------------------------------------------------------------------------

def format_json(report: Report) -> str:
    data = {"checked": report.checked.isoformat(), "sources": [_source_json(check) for check in report.sources],
            "summary": {status: report.count(status) for status in STATUSES}}
    return json.dumps(data, ensure_ascii=False, indent=2)


def _source_json(check: SourceCheck) -> dict[str, Any]:
    data: dict[str, Any] = {"source": check.source, "path": check.path, "url": check.url, "status": check.status,
                            "reason": check.reason, "final_url": check.final_url,
                            "quotes": [_quote_json(quote) for quote in check.quotes]}
    if check.archived is not None:
        copy = check.archived
        data["archived"] = {"url": copy.url, "date": copy.date.iso() if copy.date else None, "error": copy.error,
                            "quotes": [_quote_json(quote) for quote in copy.quotes]}
    return data


def _quote_json(quote: QuoteCheck) -> dict[str, Any]:
    data: dict[str, Any] = {"quote": quote.quote, "status": quote.status, "facts": list(quote.facts)}
    if quote.status == "changed":
        data["passage"], data["diff"] = quote.passage, quote.diff
    return data


# --- Markdown ---------------------------------------------------------------------------------------

def format_markdown(report: Report) -> str:
    rows = [(text(check.source), f"**{check.status}**", text(_counts(check)), _address(check.url))
            for check in report.sources]
    parts = [f"# Recheck of {len(report.sources)} sources, {report.checked.isoformat()}",
             f"**Summary:** {text(summary_line(report))}", table(("Source", "Status", "Quotes", "Address"), rows)]
    for check in report.sources:
        if check.status == "live" and (check.archived is None or check.archived.all_present):
            continue
        parts.append(f"## {text(check.source)}: {check.status}")
        parts.append(f"{_address(check.url)}: {text(check.reason)}")
        parts += [_quote_markdown(quote) for quote in check.quotes if quote.status != "present"]
        if check.archived is not None:
            parts.append(f"Archived copy: {_copy_markdown(check.archived)}")
    return "\n\n".join(parts) + "\n"


def _address(value: str) -> str:
    """A validated http(s) address as an autolink (percent-encoded: nothing in it can end the link)."""
    return f"<{url(value)}>" if value else "*none*"


def _copy_markdown(copy: CopyCheck) -> str:
    if copy.error is not None:
        return f"none found ({text(copy.error)})"
    present = sum(quote.status == "present" for quote in copy.quotes)
    when = f" of {copy.date.iso()}" if copy.date else ""
    return f"{_address(copy.url)}{when}: {present} of {len(copy.quotes)} quotes present"


def _counts(check: SourceCheck) -> str:
    found = [f"{n} {status}" for status in ("present", "changed", "gone")
             if (n := sum(q.status == status for q in check.quotes))]
    return ", ".join(found) or "none checked"


def _quote_markdown(quote: QuoteCheck) -> str:
    cited = f" ({text('cited by ' + ', '.join(quote.facts))})" if quote.facts else ""
    line = f"- **{quote.status}**: “{text(quote.quote)}”{cited}"
    if quote.status == "changed":
        line += f"\n  - closest passage: “{text(quote.passage or '')}”\n  - word diff: `{_code(quote.diff or '')}`"
    return line


def _code(value: str) -> str:
    return value.replace("`", "'")
