"""Sphinx configuration of the campaign_metrics documentation site.

Build it with ``.venv/bin/python -m sphinx -W -b html docs docs/_build/html``; the test
``tests/test_docs.py`` builds it the same way with warnings as errors. The pages are the
Markdown files of ``docs/`` (MyST); the API reference is read from the docstrings.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# autodoc imports the package; the source tree comes first so that the pages always
# describe the code of this checkout, installed or not.
sys.path.insert(0, str(ROOT / "src"))

import campaign_metrics  # noqa: E402

project = "campaign_metrics"
author = "campaign_metrics developers"
copyright = "campaign_metrics developers"
release = campaign_metrics.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# MyST: headings become link targets down to level 3, so the pages' own
# `[text](#anchor)` links and cross-page `page.md#anchor` links resolve.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc: members in source order; signatures keep their annotations (defaults shown
# by value: attrs classes have no source text for them); the docstrings are reST already
# (no napoleon needed).
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = False
add_module_names = False

# Untagged code blocks are plain text, not Python: most of them are terminal output.
highlight_language = "text"

html_theme = "furo"
html_title = f"campaign_metrics {release}"
html_show_sourcelink = False
