"""What Zensical would silently ignore in an mkdocs.yml: the guard that makes a Zensical build fail loudly instead.

Zensical 0.0.73 reads mkdocs.yml but skips, without a word even under `--strict`, `hooks:` (so a site
built from our mkdocs.yml would have no briefings), plugins it does not implement, some options of
the plugins it does, MkDocs-only validation settings and any setting it does not know. The tables
below are what the installed, tested version reads (tests/test_zensical.py compares them with it).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ZENSICAL_VERSION = "0.0.73"

SETTINGS = frozenset({
    "site_name", "site_url", "site_description", "site_author", "copyright", "docs_dir", "site_dir",
    "use_directory_urls", "strict", "dev_addr", "watch", "exclude_docs", "draft_docs", "not_in_nav",
    "remote_branch", "remote_name", "repo_url", "repo_name", "edit_uri", "edit_uri_template", "theme", "extra",
    "extra_css", "extra_javascript", "extra_templates", "nav", "validation", "markdown_extensions", "plugins",
    "INHERIT",
})

# Plugins Zensical implements, and the options of each that it accepts but ignores.
PLUGINS: Mapping[str, tuple[str, ...]] = {
    "api-autonav": (), "autorefs": (), "awesome-nav": (), "blog": (),
    "callouts": ("aliases", "breakless_lists", "title_from_first_bold"), "exclude": (), "gh-admonitions": (),
    "glightbox": ("touchNavigation", "loop", "effect", "slide_effect", "zoomable", "draggable", "background",
                  "shadow"),
    "include-markdown": ("trailing_newlines", "comments", "rewrite_relative_urls", "heading_offset", "order",
                         "start", "end", "exclude", "cache", "cache_dir", "recursive"),
    "literate-nav": (), "llmstxt": ("preprocess",), "macros": (), "mkdocs-nav-weight": (), "markdown-exec": (),
    "markdownextradata": (), "meta": (), "mike": ("css_dir", "javascript_dir"), "minify": (), "mkdocs-audio": (),
    "mkdocs-autoapi": (), "mkdocs-video": (), "mkdocstrings": ("watch",), "offline": (), "privacy": (),
    "redirects": (), "rss": (), "search": ("fields", "indexing", "jieba_dict", "jieba_dict_user", "lang",
                                            "min_search_length", "pipeline", "prebuild_index"),
    "social": (), "table-reader": (),
    "tags": ("tags_compare", "tags_compare_reverse", "tags_pages_compare", "tags_pages_compare_reverse",
             "tags_file", "tags_extra_files", "export", "export_file", "export_only"),
}

# `validation:` keys Zensical reads: its own, and the MkDocs ones it maps (`links:` is unpacked first).
VALIDATION = frozenset({
    "unresolved_references", "unresolved_footnotes", "unused_definitions", "unused_footnotes",
    "shadowed_definitions", "shadowed_footnotes", "invalid_links", "invalid_link_anchors", "not_found", "anchors",
    "links",
})


@dataclass(frozen=True)
class Ignored:
    """One setting Zensical would skip without saying so."""

    key: str  # e.g. "hooks", "plugins.search.lang"
    line: int  # 1-based line in the configuration file, 0 when unknown
    reason: str

    def message(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: '{self.key}' would be silently ignored by Zensical {ZENSICAL_VERSION}: {self.reason}"


class ZensicalConfigError(Exception):
    """The configuration has settings Zensical would ignore; the message lists each, with its line."""


def ignored_settings(config: Mapping[str, Any], lines: Mapping[str, int] | None = None) -> list[Ignored]:
    """Every setting in `config` (an mkdocs.yml as loaded) that Zensical would silently ignore.
    `lines` gives the line of each key path ("plugins.search.lang"), as `key_lines` finds them."""
    lines = lines or {}
    found = list(_ignored(config))
    return [Ignored(key, lines.get(key, lines.get(key.split(".")[0], 0)), reason) for key, reason in found]


def _ignored(config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for key in config:
        if key == "hooks":
            yield key, ("Zensical runs no MkDocs hooks, so nothing they generate (here: the briefings) would be "
                        "built; build with `make site-zensical` or `make serve-zensical`, which generate the "
                        "pages first and keep them current")
        elif key not in SETTINGS:
            yield key, "Zensical does not read this setting"
    yield from _ignored_plugins(config.get("plugins"))
    validation = config.get("validation")
    if isinstance(validation, Mapping):
        links = validation.get("links")
        nested = [(f"links.{key}", key) for key in links] if isinstance(links, Mapping) else []
        for path, key in [(key, key) for key in validation] + nested:
            if key not in VALIDATION:
                yield f"validation.{path}", "Zensical checks links and anchors itself and has no such check"


def _ignored_plugins(plugins: Any) -> Iterator[tuple[str, str]]:
    for name, options in _plugin_entries(plugins):
        canonical = name.removeprefix("material/").split("/", 1)[0]
        if canonical not in PLUGINS:
            yield f"plugins.{name}", "Zensical does not implement this plugin and skips it"
            continue
        for option in options:
            if option in PLUGINS[canonical]:
                yield f"plugins.{name}.{option}", "Zensical accepts this option but does not implement it"


def _plugin_entries(plugins: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, options) of each plugin, whether `plugins:` is a mapping or a list of names and one-key mappings."""
    if isinstance(plugins, Mapping):
        pairs = list(plugins.items())
    else:
        pairs = [next(iter(p.items())) if isinstance(p, Mapping) and len(p) == 1 else (p, {})
                 for p in plugins or ()]
    for name, options in pairs:
        if isinstance(name, str):
            yield name, options if isinstance(options, Mapping) else {}


# --- reading mkdocs.yml with its tags (!ENV, !!python/name:…) kept as they are -------------------

@dataclass(frozen=True)
class Tagged:
    """A YAML value with an application tag (`!ENV [OFFLINE, false]`), kept to be written back unchanged."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.MappingNode):
        value: Any = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(Tagged, _represent_tagged)


def load_mkdocs_yml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """An mkdocs.yml as data (tags kept as `Tagged`), and the line of each key path."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader that only wraps tags: no code runs
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise ZensicalConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ZensicalConfigError(f"{path}: expected a mapping of settings")
    return data, key_lines(node)


def key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """The line of every mapping key, by dotted path; list items that are one-key mappings (plugins) count
    as their key."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}{key.value}"
            lines[path] = key.start_mark.line + 1
            lines.update(key_lines(value, f"{path}."))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                lines[f"{prefix}{item.value}"] = item.start_mark.line + 1
            else:
                lines.update(key_lines(item, prefix))
    return lines


def dump_config(config: Mapping[str, Any]) -> str:
    return yaml.dump(dict(config), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


def check_file(path: Path) -> None:
    """Raise `ZensicalConfigError` listing every setting of `path` (mkdocs.yml, or zensical.toml) Zensical
    would silently ignore."""
    lines: dict[str, int] = {}
    if path.suffix == ".toml":
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        config = data.get("project", data)
    else:
        config, lines = load_mkdocs_yml(path)
    ignored = ignored_settings(config, lines)
    if ignored:
        raise ZensicalConfigError("\n".join(i.message(str(path)) for i in ignored))
