"""Seeded synthetic campaign logs, built from per-user journeys.

Every output is a function of a :class:`SyntheticSpec` and an integer seed: the generator
draws from :class:`random.Random` instances seeded from the seed alone and never reads the
clock. Each targeted user lives one journey per instance of the campaign — number checks,
frequency capping, attempt, send, receipt, clicks, unsubscribe, conversions — and the
records of a journey are emitted together, so logs of millions of recipients stream in
constant memory. The imperfections of real logs (late, duplicated and conflicting receipts,
receipts without a send, out-of-order lines, bad lines) are knobs of the spec.

The records follow FORMATS.md: events are JSON-ready dicts with only the keys their type
allows; conversions carry ``revenue`` as an exact :class:`~decimal.Decimal`, written by
:func:`to_json_line` in plain notation (``19.99``). Bad lines (a line cut off mid-write, a
time without offset, an unknown type or a revenue that is not a number) exist only in
files: :func:`write_campaign_dir` adds them and counts them in its summary, while
:func:`iter_events` and :func:`iter_conversions` yield well-formed records only.

>>> spec = SyntheticSpec(recipients=20)
>>> next(iter_events(spec, seed=1))["type"]
'segmentation_started'
>>> summary = write_campaign_dir("/tmp/demo_campaign", spec, seed=1)  # doctest: +SKIP

From the command line::

    python -m campaign_metrics.synthetic examples --out examples
    python -m campaign_metrics.synthetic campaign DIR --recipients 1000 --seed 7 --channel mms
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _examples, _files, _spec
from ._benchmark import benchmark_spec
from ._cli import main
from ._examples import example_specs, write_examples
from ._files import to_json_line, write_campaign_dir
from ._spec import SyntheticSpec
from ._streams import iter_conversions, iter_events, iter_recipients
from ._summary import SyntheticSummary

__all__ = [
    "DEFAULT_CAMPAIGN",
    "EVENT_COLUMNS",
    "EXAMPLES_SEED",
    "RECIPIENT_COLUMNS",
    "EventsFormat",
    "SyntheticSpec",
    "SyntheticSummary",
    "benchmark_spec",
    "example_specs",
    "iter_conversions",
    "iter_events",
    "iter_recipients",
    "main",
    "to_json_line",
    "write_campaign_dir",
    "write_examples",
]


# Bound again here, so that autodoc reads their documentation comments with this module.
#: The two file forms of a campaign's events (FORMATS.md).
EventsFormat = _files.EventsFormat
#: The columns of recipients.csv (FORMATS.md).
RECIPIENT_COLUMNS = _files.RECIPIENT_COLUMNS
#: The columns of events.csv: every key an event may carry (FORMATS.md).
EVENT_COLUMNS = _files.EVENT_COLUMNS
#: The campaign.json mapping that a spec's ``campaign`` overrides are merged over.
DEFAULT_CAMPAIGN: Mapping[str, Any] = _spec.DEFAULT_CAMPAIGN
#: The seed of the example directories.
EXAMPLES_SEED = _examples.EXAMPLES_SEED
