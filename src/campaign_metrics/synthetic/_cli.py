"""The command line of ``python -m campaign_metrics.synthetic``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs

from ..errors import ConfigurationError
from ..model import Channel, DeliveryType
from ._benchmark import benchmark_spec
from ._examples import EXAMPLES_SEED, write_examples
from ._files import write_campaign_dir
from ._spec import SyntheticSpec


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``examples [--out DIR]`` or ``campaign DIR --recipients N --seed S``.

    Prints the summary of what it wrote as JSON and returns the exit status.

    >>> main(["campaign", "/tmp/c2", "--recipients", "10", "--seed", "1"])  # doctest: +SKIP
    {
      "recipients": 10,
    ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m campaign_metrics.synthetic",
        description="Write seeded synthetic campaign directories (FORMATS.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    examples = commands.add_parser("examples", help="regenerate the example directories")
    examples.add_argument("--out", default="examples", help="the parent directory")
    examples.add_argument("--seed", type=int, default=EXAMPLES_SEED)
    one = commands.add_parser("campaign", help="write one campaign directory")
    one.add_argument("dir")
    one.add_argument("--recipients", type=int, default=1000)
    one.add_argument("--seed", type=int, default=0)
    one.add_argument("--channel", choices=[c.value for c in Channel])
    one.add_argument("--delivery-type", choices=[d.value for d in DeliveryType])
    one.add_argument("--events-format", choices=["jsonl", "csv"], default="jsonl")
    one.add_argument("--bad-line-rate", type=float, default=0.0)
    one.add_argument("--benchmark", action="store_true", help="use the benchmark profile")
    args = parser.parse_args(argv)
    try:
        if args.command == "examples":
            for name, summary in write_examples(args.out, args.seed).items():
                print(
                    f"{Path(args.out) / name}: {summary.recipients} recipients, "
                    f"{summary.events} events, {summary.conversions} conversions, "
                    f"{summary.bad_event_lines + summary.bad_conversion_lines} bad lines"
                )
            return 0
        base = benchmark_spec(args.recipients) if args.benchmark else SyntheticSpec()
        overrides = dict(base.campaign)
        if args.channel:
            overrides["channel"] = args.channel
        if args.delivery_type:
            overrides["delivery_type"] = args.delivery_type
        spec = attrs.evolve(
            base, campaign=overrides, recipients=args.recipients, bad_line_rate=args.bad_line_rate
        )
        summary = write_campaign_dir(args.dir, spec, args.seed, events_format=args.events_format)
    except (ConfigurationError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary.to_dict(), indent=2))
    return 0
