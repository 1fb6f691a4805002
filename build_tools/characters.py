"""Which characters text may hold, how to name the others, and how messages show them. Once.

Text fields (and project settings shown to readers) refuse every character that is
invisible, reorders or hides text, or has no meaning: controls other than tab and
newline (Cc), format characters (Cf: zero-width and bidirectional controls, tag
characters, interlinear annotation, U+061C), unassigned code points and
noncharacters (Cn, such as U+FFFF), private use (Co), surrogates (Cs), and the line
and paragraph separators (Zl, Zp). Spaces of every width (Zs) are fine.

Messages go to terminals and CI logs: `escape_controls` writes every such character,
and tab and newline too, as a visible escape (`\\x1b`, `\\u202e`), so input can never
move the cursor, recolour the terminal or reorder what a reader sees.
"""

from __future__ import annotations

import unicodedata

_CONTROL_NAMES = {0x00: "NUL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
                  0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
                  0x7F: "DELETE", 0x85: "NEXT LINE"}
_KINDS = {"Cc": "control character", "Cf": "invisible formatting character", "Co": "private use",
          "Cs": "surrogate", "Zl": "line separator", "Zp": "paragraph separator"}


def refused(char: str) -> bool:
    """Whether a text field may not hold this character."""
    return not char.isprintable() and char not in "\t\n" and unicodedata.category(char) != "Zs"


def unsafe_character(text: str) -> int | None:
    """The index of the first character a text field may not hold, or None."""
    if text.isprintable():  # one C-level pass for the common case
        return None
    return next((index for index, char in enumerate(text) if refused(char)), None)


def describe(char: str) -> str:
    """'U+FFFF (noncharacter)', 'U+202E (RIGHT-TO-LEFT OVERRIDE, invisible formatting character)'."""
    point = ord(char)
    category = unicodedata.category(char)
    if category == "Cn":
        kind = "noncharacter" if (point & 0xFFFE) == 0xFFFE or 0xFDD0 <= point <= 0xFDEF else "unassigned"
    else:
        kind = _KINDS.get(category, category)
    name = _CONTROL_NAMES.get(point) or unicodedata.name(char, "")
    return f"U+{point:04X} ({name}, {kind})" if name else f"U+{point:04X} ({kind})"


def _escape(char: str) -> str:
    point = ord(char)
    if point < 0x100:
        return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(char, f"\\x{point:02x}")
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def escape_controls(text: str) -> str:
    """`text` with every refused character, tab and newline written as a visible escape."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if refused(char) or char in "\t\n" else char for char in text)
