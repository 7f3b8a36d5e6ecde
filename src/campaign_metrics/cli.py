"""The command line: argument parsing and rendering only.

    campaign-metrics report DIR... [--conversions FILE] [--as-of TIME] [--from DATE --to DATE]
                                   [--attribution TYPE] [--naive-tz ZONE] [--json | --csv]
                                   [--output PATH] [--strict] [--show-rejected]
                                   [--provider twilio] [--show-numbers]
    campaign-metrics contacts DIR... [--csv] [--show-numbers] [...]
    campaign-metrics overview DIR... [--json] [...]
    campaign-metrics plot DIR... (--funnel | --daily | --outcomes | --comparison)
                                 -o FILE [--campaign ID] [--metric NAME] [...]

Lenient by default (the first bad records are reported on stderr, then one summary line;
every one is in ``data_quality.rejected``; exit 0); ``--strict`` stops at the first bad
record with exit status 2. A configuration error or an unreadable directory exits 2 with
a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO

from .errors import CampaignMetricsError, ConfigurationError, MissingDependencyError
from .report import Report, dumps

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 2
#: Rejected records warned about one by one before the summary line (``--show-rejected``:
#: all of them).
SHOWN_REJECTED = 5


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _add_run_options(p: argparse.ArgumentParser, *, output: bool = True) -> None:
    p.add_argument("dirs", nargs="+", metavar="DIR", help="campaign directories")
    p.add_argument(
        "--conversions",
        action="append",
        default=[],
        metavar="FILE",
        help="a conversions file shared by every campaign (repeatable)",
    )
    p.add_argument("--as-of", metavar="TIME", help="report as of this ISO-8601 instant")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day (app zone)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day (app zone)")
    p.add_argument(
        "--attribution",
        choices=("view_through", "click_through", "in_session"),
        default="view_through",
        help="the attribution type the other sections use (A-12)",
    )
    p.add_argument(
        "--naive-tz", metavar="ZONE", help="the IANA zone of times written without an offset"
    )
    p.add_argument("--strict", action="store_true", help="stop at the first bad record")
    p.add_argument(
        "--show-rejected",
        action="store_true",
        help=f"warn about every rejected record (default: the first {SHOWN_REJECTED}, "
        "then a summary line)",
    )
    p.add_argument(
        "--provider",
        choices=("twilio",),
        help="read each events file as this provider's status-callback log",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="fold each events file on N local processes (default 1; same reports)",
    )
    p.add_argument(
        "--show-numbers",
        action="store_true",
        help="show mobile numbers unmasked in output and messages (X-7)",
    )
    if output:
        p.add_argument("--output", metavar="PATH", help="write the output to PATH")
    p.add_argument(
        "--no-progress", action="store_true", help="never show the progress bar on stderr"
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="campaign-metrics",
        description="Exact analytics for SMS, MMS and connector campaigns.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = sub.add_parser("report", help="report on one or more campaign directories")
    _add_run_options(report)
    out = report.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the JSON report")
    out.add_argument("--csv", action="store_true", help="print the campaigns table (O-5)")
    contacts = sub.add_parser(
        "contacts", help="list the contacts with status, hard bounces and suppression"
    )
    _add_run_options(contacts)
    contacts.add_argument("--csv", action="store_true", help="write CSV instead of a table")
    overview = sub.add_parser("overview", help="the overview tiles over a set of campaigns")
    _add_run_options(overview)
    overview.add_argument("--json", action="store_true", help="print the JSON object")
    plot = sub.add_parser("plot", help="draw one chart of a campaign to an image file")
    _add_run_options(plot, output=False)
    chart = plot.add_mutually_exclusive_group(required=True)
    chart.add_argument("--funnel", action="store_true", help="the funnel stages (F-1..F-3)")
    chart.add_argument(
        "--daily", action="store_true", help="the daily series, one line per metric (T-1)"
    )
    chart.add_argument(
        "--outcomes", action="store_true", help="the outcomes of sent messages (X-1)"
    )
    chart.add_argument(
        "--comparison",
        action="store_true",
        help="the comparisons with their 95 %% intervals (B-2, X-3)",
    )
    plot.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the image to write; its extension gives the format (.png, .svg, .pdf)",
    )
    plot.add_argument(
        "--campaign", metavar="ID", help="the campaign to draw when DIR... holds several"
    )
    plot.add_argument(
        "--metric",
        action="append",
        choices=("sent", "delivered", "total_clicks", "conversion_events", "revenue"),
        metavar="NAME",
        help="with --daily: a daily column to draw (repeatable; default: the tracked counts)",
    )
    return parser


def _analyze(args: argparse.Namespace, stderr: IO[str]) -> list[Report]:
    from .api import analyze
    from .engine import RejectedRecord
    from .progress import progress_for

    if (args.date_from is None) != (args.date_to is None):
        raise ConfigurationError("--from and --to go together: give both dates")
    date_range = (args.date_from, args.date_to) if args.date_from is not None else None
    show = args.show_numbers

    rejected: list[RejectedRecord] = []
    limit = None if args.show_rejected else SHOWN_REJECTED

    def on_reject(record: RejectedRecord) -> None:
        rejected.append(record)
        if limit is not None and len(rejected) > limit:
            return  # counted in the summary line below
        where = record.where
        field = f" field '{record.field}':" if record.field else ""
        _warn(stderr, f"{where}:{field} {record.reason} (record skipped)", show)

    machine = getattr(args, "json", False) or getattr(args, "csv", False)
    with progress_for(stderr, enabled=not (args.no_progress or machine)) as progress:
        reports = analyze(
            *args.dirs,
            conversions=args.conversions or None,
            as_of=args.as_of,
            attribution=args.attribution,
            date_range=date_range,
            strict=args.strict,
            naive_tz=args.naive_tz,
            workers=args.workers,
            on_reject=on_reject,
            progress=progress,
            provider=args.provider,
        )
    if rejected:
        from .report import rejected_summary

        _warn(stderr, rejected_summary(rejected), show)
    return reports


def _warn(stream: IO[str], message: str, show_numbers: bool = False) -> None:
    from .phone import mask_numbers_in_text

    text = message if show_numbers else mask_numbers_in_text(message)
    print(f"campaign-metrics: warning: {text}", file=stream)


class _Output:
    """stdout, or the file of ``--output``."""

    def __init__(self, path: str | None, stdout: IO[str]) -> None:
        self.path = path
        self.stdout = stdout
        self.file: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return self.stdout
        try:
            self.file = open(self.path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise ConfigurationError(
                f"--output: cannot write {self.path}: {exc.strerror}"
            ) from None
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()


def _run_report(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    reports = _analyze(args, stderr)
    if args.csv:
        from .tables import table_schema, write_campaigns_csv

        with _Output(args.output, stdout) as out:
            write_campaigns_csv(reports, out)
        if args.output is not None:  # the schema travels beside the export
            schema = args.output + ".schema.json"
            with open(schema, "w", encoding="utf-8") as f:
                f.write(dumps(table_schema(reports)) + "\n")
        return EXIT_OK
    with _Output(args.output, stdout) as out:
        if args.json:
            out.write(dumps([r.to_dict() for r in reports]) + "\n")
        else:
            from .render import render_terminal

            render_terminal(reports, file=out)
    return EXIT_OK


def _run_contacts(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .tables import CONTACT_COLUMNS, suppression_list, write_contacts_csv

    rows = suppression_list(_analyze(args, stderr), show_numbers=args.show_numbers)
    with _Output(args.output, stdout) as out:
        if args.csv:
            write_contacts_csv(rows, out)
        else:
            from .render import render_rows

            render_rows(
                "Contacts",
                list(CONTACT_COLUMNS),
                [[_cell(getattr(r, c)) for c in CONTACT_COLUMNS] for r in rows],
                file=out,
            )
    return EXIT_OK


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _run_overview(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .tables import overview

    tiles = overview(_analyze(args, stderr))
    with _Output(args.output, stdout) as out:
        if args.json:
            out.write(dumps(tiles.to_dict()) + "\n")
        else:
            from .render import fmt, render_rows

            data = tiles.to_dict()
            render_rows(
                "Overview",
                ["tile", "value"],
                [[k, fmt(v) if k != "campaigns" else ", ".join(v)] for k, v in data.items()],
                file=out,
            )
    return EXIT_OK


def _run_plot(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.metric and not args.daily:
        raise ConfigurationError("--metric goes with --daily")
    try:
        import matplotlib
    except ImportError:
        raise MissingDependencyError("matplotlib", "plot") from None
    matplotlib.use("Agg")  # files only: never open a window
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import FigureCanvasBase

    from . import plot

    suffix = os.path.splitext(args.output)[1].lstrip(".").lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in formats:  # said before the run is read, not after
        raise ConfigurationError(
            f"--output: cannot write {args.output}: an image name ends with one of "
            f"{', '.join('.' + f for f in sorted(formats))} (got '.{suffix}')",
            field="output",
        )

    report = _one_report(_analyze(args, stderr), args.campaign)
    if args.funnel:
        ax = plot.plot_funnel(report)
    elif args.daily:
        ax = plot.plot_daily(report, metrics=args.metric)
    elif args.outcomes:
        ax = plot.plot_outcomes(report)
    else:
        ax = plot.plot_comparison(report)
    try:
        ax.figure.savefig(args.output)
    except OSError as exc:
        raise ConfigurationError(
            f"--output: cannot write {args.output}: {exc.strerror}", field="output"
        ) from None
    except ValueError as exc:  # an extension matplotlib has no writer for
        raise ConfigurationError(
            f"--output: cannot write {args.output}: {exc}", field="output"
        ) from None
    finally:
        plt.close(ax.figure)
    return EXIT_OK


def _one_report(reports: list[Report], campaign: str | None) -> Report:
    ids = ", ".join(r.campaign_id for r in reports)
    if campaign is None:
        if len(reports) > 1:
            raise ConfigurationError(
                f"plot draws one campaign: choose it with --campaign ID (one of {ids})"
            )
        return reports[0]
    for r in reports:
        if r.campaign_id == campaign:
            return r
    raise ConfigurationError(f"--campaign: no campaign '{campaign}' in the run (it has {ids})")


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            return _run_report(args, out, err)
        if args.command == "contacts":
            return _run_contacts(args, out, err)
        if args.command == "overview":
            return _run_overview(args, out, err)
        if args.command == "plot":
            return _run_plot(args, out, err)
    except CampaignMetricsError as exc:
        from .phone import mask_numbers_in_text

        text = str(exc) if getattr(args, "show_numbers", False) else mask_numbers_in_text(str(exc))
        print(f"campaign-metrics: error: {text}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("campaign-metrics: interrupted", file=err)
        return 130
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
