"""Sourced Briefings: cited facts in YAML → linted → Markdown → a static site."""

from __future__ import annotations

__version__ = "0.1.0"
