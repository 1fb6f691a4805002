from __future__ import annotations

from build_tools.render.fragments import encode_directive_part, text_directive, with_text_fragment


def test_short_quote_becomes_a_whole_directive() -> None:
    assert text_directive("much to be done") == "text=much%20to%20be%20done"


def test_commas_dashes_ampersands_and_non_ascii_are_encoded() -> None:
    assert encode_directive_part("a, b-c & d") == "a%2C%20b%2Dc%20%26%20d"
    assert encode_directive_part("López Obrador") == "L%C3%B3pez%20Obrador"


def test_long_quote_uses_its_first_and_last_words() -> None:
    quote = "Vice President Kamala Harris on Monday afternoon hosted a webcast meeting with Guatemalan President"
    assert text_directive(quote) == "text=Vice%20President%20Kamala%20Harris,meeting%20with%20Guatemalan%20President"


def test_ellipsis_quote_spans_first_to_last_piece() -> None:
    assert text_directive("the Guatemalan government wishes … not only poverty") == \
        "text=the%20Guatemalan%20government%20wishes,not%20only%20poverty"


def test_edge_quotes_are_trimmed_and_typography_folded() -> None:
    assert text_directive("“We said no,” he said") == "text=We%20said%20no%2C%22%20he%20said"


def test_fragment_is_appended_to_the_url() -> None:
    assert with_text_fragment("https://example.org/a", "x y") == "https://example.org/a#:~:text=x%20y"
    assert with_text_fragment("https://example.org/a#top", "x y") == "https://example.org/a#top:~:text=x%20y"
