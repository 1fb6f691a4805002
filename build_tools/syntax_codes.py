"""Codes for problems found while reading files, before any rule runs.

Each is documented like a rule (What it checks, Why it matters, Example, Fix),
and listed by `briefings rules` and on the "Citation rules" page beside them.
"""

from __future__ import annotations

from build_tools.problems import Code, Severity

E = Severity.ERROR
W = Severity.WARNING

INVALID_YAML = Code("YML001", "invalid-yaml", E, """
File is not valid YAML.

## What it checks
That the file parses as YAML 1.1 with libyaml.

## Why it matters
Nothing else in the file can be checked until it parses.

## Example
```yaml
title: "Contacts
```

## Fix
Close the quote, bracket or indentation the message points at.
""")

NOT_ONE_DOCUMENT = Code("YML002", "not-one-document", E, """
File is empty, holds only comments, or holds several YAML documents.

## What it checks
That each file holds exactly one YAML document.

## Why it matters
One file is one source or one briefing; a second document after `---` would
be silently ignored by most tools.

## Example
```yaml
title: One
---
title: Two
```

## Fix
Split the documents into separate files, or delete the empty file.
""")

DUPLICATE_KEY = Code("YML003", "duplicate-key", E, """
A mapping repeats a key.

## What it checks
That no mapping has the same key twice, whatever its quoting (`id` and `"id"`
are the same key).

## Why it matters
PyYAML silently keeps the last value: an editor's correction could vanish.

## Example
```yaml
- id: harris-call
  id: harris-visit
```

## Fix
Delete one of the two entries.
""")

DISALLOWED_TAG = Code("YML004", "disallowed-tag", E, """
A value carries a YAML tag outside the core schema.

## What it checks
That no value has a tag such as `!!python/object`, `!!binary` or `!custom`.

## Why it matters
Tags are how YAML documents ask loaders to construct objects; they have no
place in editorial data and are a classic injection route.

## Example
```yaml
title: !!python/object/apply:os.system ["ls"]
```

## Fix
Remove the tag and write the value as plain text.
""")

ANCHOR_OR_ALIAS = Code("YML005", "anchor-or-alias", E, """
A value uses a YAML anchor (`&name`) or alias (`*name`).

## What it checks
That the file has no anchors and no aliases.

## Why it matters
Facts do not need them, they hide where a value comes from, and nested
aliases can expand exponentially ("billion laughs").

## Example
```yaml
citations: &c [{source: fox-2021-12-08, quote: "..."}]
```

## Fix
Write each value out in full.
""")

INVALID_ENCODING = Code("YML006", "invalid-encoding", E, """
File is not clean UTF-8 text.

## What it checks
That the file is UTF-8 without a byte-order mark and holds no NUL bytes.

## Why it matters
Other tools read such files differently; a NUL usually means a binary file.

## Example
A file saved as Latin-1 with `é` in a title.

## Fix
Save the file as UTF-8 (without BOM).
""")

FILE_TOO_LARGE = Code("YML007", "file-too-large", E, """
File is larger than the size limit.

## What it checks
That no YAML file exceeds the limit (8 MiB).

## Why it matters
No real briefing comes close; a huge file is a mistake or an attack.

## Example
A 20 MB file pasted from a log.

## Fix
Split the briefing into several files.
""")

UNREADABLE_FILE = Code("YML009", "unreadable-file", E, """
A project file cannot be read as a file of the project.

## What it checks
That every `*.yaml` in `sources/` and `briefings/` is a regular file (not a
folder, a named pipe or a device) that can be opened, and that a symbolic
link among them resolves to a file inside the project (not outside it, to
nothing, or round in a loop). Files are examined before they are read, so a
named pipe cannot block the linter and an oversized file is never loaded.

## Why it matters
What the site publishes must come from the project's own files: a link to a
file elsewhere makes a build depend on something nobody reviews, and a pipe
or device named `*.yaml` would hang or flood every lint.

## Example
```sh
ln -s /etc/hosts sources/hosts.yaml
```

## Fix
Replace the link or special file with the YAML file itself, or remove it.
""")

NESTING_TOO_DEEP = Code("YML008", "nesting-too-deep", E, """
Values are nested deeper than any real file needs.

## What it checks
That mappings and lists nest at most 32 levels deep.

## Why it matters
Deep nesting is never needed and can exhaust the parser's stack.

## Example
```yaml
title: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
```

## Fix
Flatten the value; see the file format in the README.
""")

UNKNOWN_KEY = Code("SCH001", "unknown-key", E, """
A mapping has a key the file format does not define.

## What it checks
Every key against the fields of a source, briefing, section, fact or citation.

## Why it matters
A misspelt key (`qoute:`) would otherwise be ignored and its value lost.

## Example
```yaml
citations:
  - source: fox-2021-12-08
    qoute: "much to be done"
```

## Fix
Use the key the message suggests, or remove it.
""")

MISSING_FIELD = Code("SCH002", "missing-field", E, """
A required field is missing or empty.

## What it checks
That each source has `title`, `outlet`, `published` and `snapshot`; each
briefing `title`, `summary`, `updated` and `sections`; each fact `id`, `text`,
`date` and `citations`; each citation `source` and `quote`.

## Why it matters
A reader cannot weigh a fact without its date or its source.

## Example
```yaml
- id: harris-call
  text: Harris called Giammattei.
```

## Fix
Add the field. If a value is truly unknown, say so where the format allows
(`published: unknown` with `published_note`).
""")

WRONG_TYPE = Code("SCH003", "wrong-type", E, """
A value has the wrong shape or type.

## What it checks
That text is text, lists are lists and mappings are mappings, and that a
text field is not written as a bare YAML 1.1 boolean, number or null
(`NO`, `yes`, `off`, `010`, `1:20`, `3.5`, `~`).

## Why it matters
Other YAML tools read `NO` as false and `010` as 8; quoting keeps the text
exactly as written, everywhere.

## Example
```yaml
outlet: NO
```

## Fix
Quote the value (`outlet: "NO"`), or use the shape the message names.
""")

INVALID_ID = Code("SCH004", "invalid-id", E, """
An id is not lower-case letters, digits and hyphens.

## What it checks
Ids match `^[a-z0-9][a-z0-9-]{0,63}$`, and are not reserved device names
(`con`, `nul`, `com1`, ...).

## Why it matters
Ids become file names, URLs and anchors; anything else breaks one of them.

## Example
```yaml
id: Harris_Call
```

## Fix
Use lower case and hyphens: `harris-call`.
""")

INVALID_DATE = Code("SCH005", "invalid-date", E, """
A date is malformed or impossible.

## What it checks
A briefing's `updated` and a snapshot's `retrieved` are `YYYY`, `YYYY-MM` or
`YYYY-MM-DD`. A fact's `date` and `as_of` and a source's `published` may also
be as vague as the source, in the Extended Date/Time Format (EDTF) level 1:

| write | shown as | means |
|---|---|---|
| `2021-06-07`, `2021-06`, `2021` | 7 June 2021, June 2021, 2021 | that day, month or year |
| `2021-21` … `2021-24` | spring, summer, autumn 2021, winter 2021–22 | March–May, June–August, Sept.–Nov., Dec.–Feb. |
| `2021-06~` | about June 2021 | approximately: 17 May to 15 July |
| `2021-06?` | possibly June 2021 | the source is unsure |
| `2021-06%` | possibly about June 2021 | both |
| `2021-03/2021-06` | between March and June 2021 | some time in that range |
| `../2021-06` | by June 2021 | no later than June 2021 |
| `2021-03/..` | in or after March 2021 | no earlier than March 2021 |

Every date must exist on the calendar, and an interval must not end before it
starts. EDTF level 2 and unspecified digits (`2021-XX`) are not accepted.

## Why it matters
Dates order the timeline and decide what a source could have reported. A date
more precise than its source misleads; one less precise than it hides what is
known.

## Example
```yaml
date: 2024-02-30
date: summer 2021
```

## Fix
Write the date at the precision the source gives: `2024-02` if it names only
the month, `2021-22` for "over the summer", `2021-03/2021-06` for "between March
and June". Words are not dates, but the message suggests the EDTF form of the
words it recognises.

Use instead:
```yaml
date: 2024-02
date: 2021-22
```
""")

INVALID_URL = Code("SCH006", "invalid-url", E, """
A URL is not an absolute `http` or `https` URL.

## What it checks
URLs start with `http://` or `https://`, have a host, no credentials, no
spaces or control characters.

## Why it matters
Links are rendered on the site: a `javascript:` URL would run code in the
reader's browser, and a relative one would break.

## Example
```yaml
url: javascript:alert(1)
```

## Fix
Use the article's full `https://` address, or leave `url` out if unknown.
""")

UNSAFE_TEXT = Code("SCH007", "unsafe-text", E, """
Text holds invisible, control or meaningless characters.

## What it checks
Text holds no control character but tab and newline, no format character
(zero-width characters, bidirectional controls, tag characters, interlinear
annotation, U+061C), no unassigned code point or noncharacter (such as
U+FFFF), no private-use character, surrogate, or line or paragraph separator;
and single-line fields hold no line break. Every text field is checked.

## Why it matters
Invisible characters make a quote look verbatim when it is not; bidirectional
overrides can make text read differently from what it is ("Trojan Source");
control characters rewrite terminals; noncharacters break the YAML front
matter of generated pages and other tools that read the exports.

## Example
```yaml
text: "Harris\\u200b called"
```

## Fix
Retype the text; remove the character the message names, at the position it
gives.
""")

VALUE_TOO_LONG = Code("SCH009", "value-too-long", E, """
A value is longer than any briefing needs.

## What it checks
A single-line field holds at most 1,000 characters, a multi-line text
(`summary`, `notes`) 10,000, a URL 2,000, and a fact at most 20 citations.

## Why it matters
Every fact is repeated on its page, the timeline, its sources' pages and in
the exports: an oversized value, pasted by mistake, multiplies into a site
many times larger and slower for every reader.

## Example
```yaml
text: "<the whole article pasted on one line>"
```

## Fix
Shorten the value: a fact is one or two sentences, a quote at most 40 words.
Split a fact with many citations into several facts.
""")

INVALID_SHA256 = Code("SCH008", "invalid-sha256", E, """
A snapshot hash is not 64 lower-case hexadecimal characters.

## What it checks
`snapshot.sha256` is a SHA-256 digest in lower-case hex.

## Why it matters
Snapshots are found by their hash; a malformed hash finds nothing.

## Example
```yaml
snapshot: {sha256: F0DAE2}
```

## Fix
Run `sha256sum FILE` and paste the whole digest.
""")

PLACEHOLDER = Code("FCT005", "placeholder-text", E, """
A value is still a placeholder that `briefings new` wrote.

## What it checks
No value starts with `TODO` (alone, or followed by a space or punctuation): the
word `briefings new` puts where the editor must write something (a fact's text
and date, a citation's source and quote, a source's title, outlet, date and
snapshot hash, a briefing's title and summary). Each message says how to fill
its value.

## Why it matters
A placeholder published as a sentence reads as a claim; a placeholder date or
hash would be checked against nothing.

## Example
```yaml
text: >-
  TODO: one or two neutral sentences, attributed ("Giammattei said ...").
date: TODO
```

## Fix
Write the value the message asks for, in place of the `TODO`. Use instead:

```yaml
text: Giammattei said he had spoken with Harris by telephone.
date: 2021-04-26
```
""")

CODES: tuple[Code, ...] = (
    INVALID_YAML, NOT_ONE_DOCUMENT, DUPLICATE_KEY, DISALLOWED_TAG, ANCHOR_OR_ALIAS,
    INVALID_ENCODING, FILE_TOO_LARGE, NESTING_TOO_DEEP, UNREADABLE_FILE,
    UNKNOWN_KEY, MISSING_FIELD, WRONG_TYPE, INVALID_ID, INVALID_DATE, INVALID_URL,
    UNSAFE_TEXT, INVALID_SHA256, VALUE_TOO_LONG, PLACEHOLDER,
)
