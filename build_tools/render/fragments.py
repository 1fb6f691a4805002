"""URL text fragments (`#:~:text=start,end`): links that scroll to and highlight a quote.

Browsers that support them highlight the passage; others ignore the directive
and open the page. The directive is built from the quote's first and last words,
since the archived text may differ from the live page in between.
"""

from __future__ import annotations

from urllib.parse import quote as percent_encode

from build_tools.snapshots import quote_pieces

WHOLE_QUOTE_WORDS = 8
EDGE_WORDS = 4
_EDGE_PUNCTUATION = "\"'“”‘’«»()[],;:. "


# ASCII in one C-level pass: unreserved characters stay, the rest (and '-') become %XX.
_ASCII_ESCAPES = {code: f"%{code:02X}" for code in range(128)
                  if not (chr(code).isalnum() or chr(code) in "_.~")}


def encode_directive_part(text: str) -> str:
    """Percent-encode for a text directive: everything but unreserved, and '-' too (it marks context)."""
    if text.isascii():
        return text.translate(_ASCII_ESCAPES)
    return percent_encode(text, safe="").replace("-", "%2D")


def text_directive(quote: str) -> str | None:
    pieces = quote_pieces(quote)
    if not pieces:
        return None
    # Pieces are normalised: words separated by single spaces.
    if len(pieces) == 1 and pieces[0].count(" ") < WHOLE_QUOTE_WORDS:
        start = pieces[0].strip(_EDGE_PUNCTUATION)
        return f"text={encode_directive_part(start)}" if start else None
    start = " ".join(pieces[0].split(" ", EDGE_WORDS)[:EDGE_WORDS]).strip(_EDGE_PUNCTUATION)
    end = " ".join(pieces[-1].rsplit(" ", EDGE_WORDS)[-EDGE_WORDS:]).strip(_EDGE_PUNCTUATION)
    if not start or not end:
        return None
    return f"text={encode_directive_part(start)},{encode_directive_part(end)}"


def with_text_fragment(url: str, quote: str) -> str:
    directive = text_directive(quote)
    if directive is None:
        return url
    separator = ":~:" if "#" in url else "#:~:"
    return f"{url}{separator}{directive}"
