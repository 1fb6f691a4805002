"""The "Citation rules" page, generated from the rules' own docstrings so docs and code cannot drift."""

from __future__ import annotations

import re
from collections.abc import Sequence

from build_tools.problems import EVIDENCE, Code
from build_tools.render.markdown import front_matter, table

INTRO = (
    "Every problem `briefings lint` reports has a stable code and a name. Errors stop the build; "
    "warnings are shown and exit 0 unless `--strict`. `briefings explain CODE` prints the same "
    "documentation in the terminal. Codes starting `YML` and `SCH` are found while reading files; "
    "the others by rules that look at the whole project. A problem on a fact or a source can be accepted "
    "with `lint: {ignore: [CODE], reason: …}`, or a rule disabled in `briefings.toml`, except an *evidence* "
    "error, which means a quote is not proven by its archived snapshot, and the few errors marked *cannot be "
    "accepted*, which would publish a wrong page: those must be fixed. See the Method page for exactly what "
    "\"verbatim\" means."
)


def render_rules(codes: Sequence[Code]) -> str:
    # The docstrings are our own trusted Markdown; only table pipes need escaping.
    rows = [(f"[`{c.code}`](#{c.code.lower()})", f"`{c.name}`", _severity(c), c.summary.replace("|", "\\|"))
            for c in codes]
    parts = [front_matter(title="Citation rules"), "# Citation rules", INTRO,
             table(("Code", "Name", "Severity", "What is wrong"), rows)]
    parts.extend(_rule_section(code) for code in codes)
    return "\n\n".join(parts) + "\n"


def _severity(code: Code) -> str:
    if code.waivable:
        return code.severity.value
    return f"{code.severity.value} ({'evidence' if code.firm == EVIDENCE else 'cannot be accepted'})"


def _rule_section(code: Code) -> str:
    summary, _, body = code.documentation().partition("\n")
    body = re.sub(r"^## ", "### ", body.strip(), flags=re.MULTILINE)
    return (f"## {code.code} {code.name} {{#{code.code.lower()}}}\n\n"
            f"*{_severity(code)}*: {summary}\n\n{body}")
