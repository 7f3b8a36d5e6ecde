"""Renderers that read a :class:`Report` (never the engine's state).

``render_terminal`` prints the readable terminal report with rich (the ``cli`` extra);
``report_text`` gives the same content as plain text, and ``report_html`` a small HTML
table for notebooks.
"""

from __future__ import annotations

from .blocks import Block as Block
from .blocks import _p as _p
from .blocks import _pinned as _pinned
from .blocks import _share as _share
from .blocks import fmt, report_blocks, verdict
from .output import _numeric as _numeric
from .output import _title as _title
from .output import render_rows, render_terminal, report_html, report_text, table_html

__all__ = [
    "fmt",
    "render_rows",
    "render_terminal",
    "report_blocks",
    "report_html",
    "report_text",
    "table_html",
    "verdict",
]
