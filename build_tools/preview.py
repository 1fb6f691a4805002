"""The live preview under `mkdocs serve`: it keeps serving when the content has problems.

`mkdocs build` stops on a citation or YAML error. `mkdocs serve` must not: a failed build makes MkDocs
hold every request until a build succeeds ("the server will appear stuck"). So while serving, the hook
keeps the last good generated pages and shows the current problems (file:line:col, code, message, how
to fix it) in a notice at the top of every page; the notice goes on the first clean save.

Knows nothing of MkDocs: it turns problems into HTML. Whether the process serves, and the notice of the
current build, are kept by the hook's process state (`mkdocs_hook._Process`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from build_tools.problems import Problem, Severity
from build_tools.rules import find_code

_FIX = re.compile(r"^## Fix\n+(.+?)(?:\n\n|\Z)", re.MULTILINE | re.DOTALL)


def fix_for(code: str) -> str:
    """The first paragraph of the code's documented fix ("## Fix"), or ''."""
    found = find_code(code)
    match = _FIX.search(found.doc) if found is not None else None
    return " ".join(match.group(1).split()) if match else ""


STYLE = """
.briefings-problems{border:2px solid #c62828;border-radius:.2rem;padding:.6rem .9rem;margin:0 0 1.2rem;
background:rgba(198,40,40,.07);font-size:.75rem}
.briefings-problems h2{margin:0 0 .4rem;font-size:.9rem;color:#c62828}
.briefings-problems ol{margin:.2rem 0 0 1.2rem;padding:0}
.briefings-problems li{margin:.5rem 0}
.briefings-problems code.where{font-weight:700}
.briefings-problems pre{margin:.3rem 0;padding:.3rem .5rem;overflow-x:auto;font-size:.7rem}
.briefings-problems .fix{display:block;opacity:.85}
"""


def notice_html(errors: Sequence[Problem], warnings: int = 0, note: str = "") -> str:
    """The notice shown above every page while the project has errors (`errors`: problems or, for a
    configuration error, none with `note` saying what is wrong)."""
    count = len(errors) or 1
    items = "".join(_item(problem) for problem in errors)
    if note:
        items += f"<li>{html.escape(note)}</li>"
    more = f" (and {warnings} warning{'s' if warnings != 1 else ''}: see `briefings lint`)" if warnings else ""
    return (f'<div class="briefings-problems" id="briefings-problems" role="alert"><style>{STYLE}</style>'
            f"<h2>{count} error{'s' if count != 1 else ''} in the project{more}</h2>"
            "<p>The pages show the last good build. Fix the problems below and save: this notice goes on the "
            "first clean save.</p>"
            f"<ol>{items}</ol></div>\n")


def _item(problem: Problem) -> str:
    where = problem.where
    place = html.escape(f"{where.path}:{where.line}:{where.column}")
    severity = "error" if problem.severity is Severity.ERROR else "warning"
    fix = fix_for(problem.code)
    excerpt = getattr(problem, "excerpt", "")
    return (f'<li><code class="where">{place}</code> {severity} <strong>{html.escape(problem.code)}</strong> '
            f"{html.escape(problem.message)} ({html.escape(problem.name)})"
            + (f"<pre>{html.escape(excerpt)}</pre>" if excerpt else "")
            + (f'<span class="fix">Fix: {_code_spans(html.escape(fix))} '
               f"(<code>briefings explain {html.escape(problem.code)}</code>)</span>" if fix else "")
            + "</li>")


def _code_spans(escaped: str) -> str:
    """Markdown's `code` in an already escaped text, as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


PLACEHOLDER_INDEX = """---
title: Problems
---

# The project has not built cleanly yet

Nothing has been generated from `briefings/` and `sources/` so far. Fix the problems listed above and
save: the briefings appear on the first clean save.
"""
