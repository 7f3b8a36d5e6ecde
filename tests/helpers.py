"""Small builders shared by the plain rule tests: instants, events, campaigns, reports.

Every number a test asserts is worked out by hand from RULES.md; these helpers only
build inputs and run the library once.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import campaign_metrics as cm
from campaign_metrics import (
    Campaign,
    CampaignInput,
    ConversionEvent,
    MessageEvent,
    Recipient,
    Report,
)
from campaign_metrics.cli import main

__all__ = [
    "T0",
    "conversion",
    "ev",
    "make_campaign",
    "report",
    "run_cli",
    "t",
    "write_campaign_dir",
]

#: The instant every test log starts from (a Monday, 07:00 UTC).
T0 = dt.datetime(2026, 5, 4, 7, tzinfo=dt.timezone.utc)


def t(hours: float = 0.0, *, microseconds: int = 0) -> dt.datetime:
    """``T0`` plus ``hours`` hours and ``microseconds`` microseconds."""
    return T0 + dt.timedelta(hours=hours, microseconds=microseconds)


def ev(
    type_: str, at: float | dt.datetime = 0.0, user: str | None = "u1", **fields: Any
) -> MessageEvent:
    """A message event of ``type_`` at ``t(at)`` (or at the datetime ``at``) for ``user``."""
    when = at if isinstance(at, dt.datetime) else t(at)
    return MessageEvent(type=type_, time=when, user_id=user, **fields)


def conversion(
    user: str, at: float | dt.datetime, name: str = "purchase", **fields: Any
) -> ConversionEvent:
    """A conversion (app event) of ``user`` at ``t(at)``."""
    when = at if isinstance(at, dt.datetime) else t(at)
    return ConversionEvent(user_id=user, name=name, time=when, **fields)


def make_campaign(channel: str = "sms", campaign_id: str = "c1", **settings: Any) -> Campaign:
    """A campaign with defaults for everything the test does not set."""
    return Campaign(id=campaign_id, name=f"Campaign {campaign_id}", channel=channel, **settings)


def report(
    campaign: Campaign,
    events: Iterable[MessageEvent],
    *,
    recipients: Iterable[Recipient] | None = None,
    conversions: Iterable[ConversionEvent] = (),
    as_of: dt.datetime | None = None,
    attribution: str = "view_through",
) -> Report:
    """The one report of a run holding only ``campaign``."""
    [result] = cm.analyze(
        CampaignInput(
            campaign,
            events=list(events),
            recipients=None if recipients is None else list(recipients),
            conversions=list(conversions),
        ),
        as_of=as_of,
        attribution=attribution,
    )
    return result


def write_campaign_dir(
    root: Path,
    campaign: Mapping[str, Any],
    *,
    events: Sequence[Mapping[str, Any] | str] = (),
    events_name: str = "events.jsonl",
    recipients: str | None = None,
) -> Path:
    """A campaign directory under ``root`` named after the campaign id.

    ``events`` items are JSON objects (one line each) or raw lines written as given;
    for ``events.csv`` pass raw lines, the header first.
    """
    directory = root / str(campaign["id"])
    directory.mkdir(parents=True)
    (directory / "campaign.json").write_text(json.dumps(campaign), encoding="utf-8")
    lines = [item if isinstance(item, str) else json.dumps(item) for item in events]
    (directory / events_name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    if recipients is not None:
        (directory / "recipients.csv").write_text(recipients, encoding="utf-8")
    return directory


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """Run ``campaign-metrics`` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()
