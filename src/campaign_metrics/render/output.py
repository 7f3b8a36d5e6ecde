"""Outputs of the report's blocks: plain text, the rich terminal report, HTML tables
for notebooks, and single tables for the command line."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import IO

from ..report import Report
from .blocks import report_blocks

__all__ = ["render_rows", "render_terminal", "report_html", "report_text", "table_html"]


def _numeric(cell: str) -> bool:
    return not cell or cell[0] in "0123456789+-—" or cell.endswith("%")


def _title(r: Report) -> str:
    return f"{r.name} ({r.campaign_id}, {r.channel}) as of {r.as_of or '—'}"


def report_text(reports: Sequence[Report]) -> str:
    """Every report as plain text tables."""
    out: list[str] = []
    for r in reports:
        out.append(_title(r))
        out.append("=" * len(_title(r)))
        for title, header, rows in report_blocks(r):
            out.append("")
            out.append(title)
            table = [header, *rows]
            widths = [max(len(row[i]) for row in table) for i in range(len(header))]
            for j, row in enumerate(table):
                out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
                if j == 0:
                    out.append("  ".join("-" * w for w in widths))
        out.append("")
    return "\n".join(out)


def render_terminal(reports: Sequence[Report], file: IO[str] | None = None) -> None:
    """Print the readable terminal report (rich when installed, plain text otherwise)."""
    try:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
    except ImportError:  # the cli extra is not installed: plain text says the same
        import sys

        print(report_text(reports), file=file or sys.stdout)
        return
    console = Console(file=file, highlight=False)
    for r in reports:
        # names, codes and warnings of the data are text, never rich markup
        console.rule(f"[bold]{escape(_title(r))}")
        for title, header, rows in report_blocks(r):
            table = Table(title=escape(title), title_justify="left", show_header=any(header))
            for i, h in enumerate(header):
                numeric = i > 0 and all(_numeric(row[i]) for row in rows)
                table.add_column(escape(h), justify="right" if numeric else "left")
            for row in rows:
                table.add_row(*(escape(cell) for cell in row))
            console.print(table)
        console.print()


def table_html(title: str | None, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """One titled HTML table; every text is escaped, so data never becomes markup.

    >>> table_html("Funnel", ["stage", "users"], [["sent", "1,483"], ["<b>", "&"]])
    '<h4>Funnel</h4><table><tr><th>stage</th><th>users</th></tr><tr><td>sent</td><td>1,483</td></tr><tr><td>&lt;b&gt;</td><td>&amp;</td></tr></table>'
    """
    parts = [] if title is None else [f"<h4>{html.escape(title)}</h4>"]
    parts.append("<table>")
    if any(header):
        parts.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    parts.append("</table>")
    return "".join(parts)


def report_html(r: Report) -> str:
    """A compact HTML rendering for notebooks (``Report._repr_html_``): the funnel, the
    delivery outcomes, engagement, conversions, errors, breakdowns, comparisons and the
    data-quality warnings, as the terminal report shows them. Every name, code and
    warning of the data is escaped.

    >>> import campaign_metrics as cm
    >>> [r] = cm.analyze("examples/sms_weekly_digest")
    >>> report_html(r)[:54]
    '<div class="campaign-metrics-report"><h3>Weekly digest'
    """
    parts = [f'<div class="campaign-metrics-report"><h3>{html.escape(_title(r))}</h3>']
    parts += [table_html(title, header, rows) for title, header, rows in report_blocks(r)]
    parts.append("</div>")
    return "".join(parts)


def render_rows(
    title: str, header: list[str], rows: list[list[str]], file: IO[str] | None = None
) -> None:
    """Print one table (rich when installed, plain text otherwise)."""
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        import sys

        out = file or sys.stdout
        print(title, file=out)
        for row in [header, *rows]:
            print("  ".join(row), file=out)
        return
    table = Table(title=title, title_justify="left")
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    Console(file=file, highlight=False).print(table)
