"""The command line: argument parsing and rendering only.

    campaign-metrics report DIR... [--conversions FILE] [--as-of TIME] [--from DATE --to DATE]
                                   [--attribution TYPE] [--naive-tz ZONE] [--json] [--strict]

Lenient by default (a bad record is reported on stderr and in ``data_quality.rejected``,
exit 0); ``--strict`` stops at the first bad record with exit status 2. A configuration
error or an unreadable directory exits 2 with a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import IO

from .errors import CampaignMetricsError, ConfigurationError
from .report import Report, dumps

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="campaign-metrics",
        description="Exact analytics for SMS, MMS and connector campaigns.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = sub.add_parser("report", help="report on one or more campaign directories")
    report.add_argument("dirs", nargs="+", metavar="DIR", help="campaign directories")
    report.add_argument(
        "--conversions",
        action="append",
        default=[],
        metavar="FILE",
        help="a conversions file shared by every campaign (repeatable)",
    )
    report.add_argument("--as-of", metavar="TIME", help="report as of this ISO-8601 instant")
    report.add_argument("--from", dest="date_from", metavar="DATE", help="first day (app zone)")
    report.add_argument("--to", dest="date_to", metavar="DATE", help="last day (app zone)")
    report.add_argument(
        "--attribution",
        choices=("view_through", "click_through", "in_session"),
        default="view_through",
        help="the attribution type the other sections use (A-12)",
    )
    report.add_argument(
        "--naive-tz", metavar="ZONE", help="the IANA zone of times written without an offset"
    )
    out = report.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the JSON report")
    report.add_argument("--strict", action="store_true", help="stop at the first bad record")
    return parser


def _warn(stream: IO[str], message: str) -> None:
    from .phone import mask_numbers_in_text

    print(f"campaign-metrics: warning: {mask_numbers_in_text(message)}", file=stream)


def _run_report(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .api import analyze
    from .engine import RejectedRecord

    if (args.date_from is None) != (args.date_to is None):
        raise ConfigurationError("--from and --to go together: give both dates")
    date_range = (args.date_from, args.date_to) if args.date_from is not None else None

    def on_reject(record: RejectedRecord) -> None:
        where = f"{record.file}:{record.line}" if record.line is not None else record.file
        field = f" field '{record.field}':" if record.field else ""
        _warn(stderr, f"{where}:{field} {record.reason} (record skipped)")

    reports = analyze(
        *args.dirs,
        conversions=args.conversions or None,
        as_of=args.as_of,
        attribution=args.attribution,
        date_range=date_range,
        strict=args.strict,
        naive_tz=args.naive_tz,
        on_reject=on_reject,
    )
    _emit(reports, args, stdout)
    return EXIT_OK


def _emit(reports: Sequence[Report], args: argparse.Namespace, stdout: IO[str]) -> None:
    if args.json:
        stdout.write(dumps([r.to_dict() for r in reports]) + "\n")
        return
    from .render import render_terminal

    render_terminal(reports, file=stdout)


def main(argv: Sequence[str] | None = None, *, stdout: IO[str] | None = None,
         stderr: IO[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            return _run_report(args, out, err)
    except CampaignMetricsError as exc:
        from .phone import mask_numbers_in_text

        print(f"campaign-metrics: error: {mask_numbers_in_text(str(exc))}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("campaign-metrics: interrupted", file=err)
        return 130
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
