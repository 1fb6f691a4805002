"""Project → Markdown pages. Plain Markdown, so any Python-Markdown publisher can consume it."""

from __future__ import annotations

from build_tools.render.pages import render_pages
from build_tools.render.shared import Links

__all__ = ["Links", "render_pages"]
