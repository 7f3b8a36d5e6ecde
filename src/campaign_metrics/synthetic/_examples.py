"""The example campaigns of ``examples/``: their specs and their seed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ._files import write_campaign_dir
from ._spec import SyntheticSpec
from ._summary import SyntheticSummary

#: The seed of the example directories.
EXAMPLES_SEED = 20260414


def example_specs() -> dict[str, SyntheticSpec]:
    """The specs of the three example directories, by directory name.

    >>> sorted(example_specs())
    ['connector_webhook', 'mms_spring_sale', 'sms_weekly_digest']
    """
    utc = dt.timezone.utc
    mms = SyntheticSpec(
        campaign={
            "id": "mms_spring_sale",
            "name": "Spring sale (MMS)",
            "channel": "mms",
            "provider": "integrated",
            "click_tracking": True,
            "app_timezone": "America/Los_Angeles",
            "attribution_window_hours": 72,
            "default_region": "US",
            "status": "sent",
            "created_at": "2026-04-10T17:30:00Z",
            "last_modified_by": "marketing@example.com",
            "team": "growth",
            "goals": [
                {"name": "Purchase", "event": "purchase", "primary": True, "track_revenue": True},
                {
                    "name": "Cart with 2+ items",
                    "event": "add_to_cart",
                    "primary": False,
                    "filters": [{"property": "items", "op": "gte", "value": 2}],
                },
            ],
        },
        recipients=3000,
        start=dt.datetime(2026, 4, 14, 16, 0, tzinfo=utc),
        locales=(("en-US", 60), ("es-US", 25), ("fr-CA", 5), ("", 10)),
        variations=(("A", 50), ("B", 50)),
        control_rate=0.1,
        click_rate=0.15,
        purchase_rate=0.05,
        secondary_goal_rate=0.08,
        bad_line_rate=0.001,
        bad_conversion_line_rate=0.006,
    )
    weekly = SyntheticSpec(
        campaign={
            "id": "sms_weekly_digest",
            "name": "Weekly digest",
            "channel": "sms",
            "provider": "integrated",
            "delivery_type": "periodic",
            "click_tracking": True,
            "app_timezone": "America/New_York",
            "default_region": "US",
            "max_segments": 2,
            "status": "active",
            "goals": [{"name": "Article read", "event": "article_read", "primary": True}],
        },
        recipients=1500,
        instances=[
            (f"digest-{day:%Y-%m-%d}", day)
            for day in (
                dt.datetime(2026, 4, 6, 13, 0, tzinfo=utc),
                dt.datetime(2026, 4, 13, 13, 0, tzinfo=utc),
                dt.datetime(2026, 4, 20, 13, 0, tzinfo=utc),
            )
        ],
        send_spread_hours=1.0,
        unsubscribe_rate=0.01,
        purchase_rate=0.06,
        bad_line_rate=0.001,
        bad_conversion_line_rate=0.006,
    )
    connector = SyntheticSpec(
        campaign={
            "id": "connector_webhook",
            "name": "Order update webhook",
            "channel": "connector",
            "delivery_type": "active",
            "app_timezone": "Europe/Berlin",
            "click_tracking": False,
            "default_region": None,
            "goals": [
                {"name": "Purchase", "event": "purchase", "primary": True, "track_revenue": True}
            ],
        },
        recipients=2500,
        start=dt.datetime(2026, 4, 14, 0, 0, tzinfo=utc),
        locales=(("de-DE", 60), ("en-GB", 30), ("", 10)),
        timezones=(("Europe/Berlin", 70), ("Europe/London", 20), ("", 10)),
        active_participation_rate=0.4,
        personalization_failed_rate=0.02,
        send_failed_rate=0.03,
        untracked_receipt_rate=0.005,
        purchase_rate=0.05,
        bad_line_rate=0.001,
        bad_conversion_line_rate=0.006,
    )
    return {
        "mms_spring_sale": mms,
        "sms_weekly_digest": weekly,
        "connector_webhook": connector,
    }


def write_examples(
    out: str | Path = "examples", seed: int = EXAMPLES_SEED
) -> dict[str, SyntheticSummary]:
    """Regenerate the example directories under ``out``; return their summaries.

    >>> summaries = write_examples("/tmp/examples")  # doctest: +SKIP
    """
    return {
        name: write_campaign_dir(Path(out) / name, spec, seed)
        for name, spec in example_specs().items()
    }
