"""The benchmark profile of ``benchmarks/``."""

from __future__ import annotations

from ._spec import SyntheticSpec


def benchmark_spec(recipients: int) -> SyntheticSpec:
    """The benchmark profile: a delivery-tracked SMS campaign, about 3 events a recipient.

    ``attempted`` for 80 % of messages, ``sent``, receipts with 1 % exact duplicates and
    2 % of lines out of order, clicks, purchases with revenue (one primary goal
    ``purchase`` tracking revenue); no bad lines.

    >>> benchmark_spec(3_000_000).recipients
    3000000
    """
    return SyntheticSpec(
        campaign={
            "id": "benchmark_sms",
            "name": "Benchmark SMS",
            "channel": "sms",
            "provider": "integrated",
            "click_tracking": True,
            "app_timezone": "America/Los_Angeles",
            "default_region": "US",
            "goals": [
                {"name": "purchase", "event": "purchase", "primary": True, "track_revenue": True}
            ],
        },
        recipients=recipients,
        send_spread_hours=6.0,
        invalid_number_rate=0.005,
        duplicate_number_rate=0.002,
        fc_removed_rate=0.005,
        attempted_rate=0.8,
        click_rate=0.15,
        duplicate_receipt_rate=0.01,
        shuffle_rate=0.02,
        bad_line_rate=0.0,
    )
