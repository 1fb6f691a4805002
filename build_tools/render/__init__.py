"""Project → Markdown pages. Plain Markdown, so any Python-Markdown publisher can consume it.

The pages are made by `render.pages.render_pages`; this package imports nothing itself, so that a command
which only needs `render.markdown` (the lint report) does not load the page renderers.
"""
