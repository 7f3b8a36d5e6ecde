"""Charts of a report with matplotlib (extra ``plot``: ``pip install 'campaign-metrics[plot]'``).

Each function returns a matplotlib ``Figure``; nothing is shown or saved unless you do it.

>>> import campaign_metrics as cm  # doctest: +SKIP
>>> from campaign_metrics.plot import plot_funnel  # doctest: +SKIP
>>> plot_funnel(cm.analyze("examples/mms_spring_sale")[0]).savefig("funnel.png")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from .errors import MissingDependencyError
from .report import Report

__all__ = ["plot_daily", "plot_funnel", "plot_outcomes"]


def _figure() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError("matplotlib", "plot") from None
    return Figure(figsize=(8, 4.5), layout="constrained")


def plot_funnel(report: Report) -> Any:
    """F-1..F-3: the funnel stages as horizontal bars (stages that cannot be computed
    are left out)."""
    fig = _figure()
    ax = fig.add_subplot()
    stages = [s for s in report.funnel if s.users is not None]
    names = [s.stage.replace("_", " ") for s in stages][::-1]
    users = [s.users for s in stages][::-1]
    bars = ax.barh(names, users, color="#4C72B0")
    ax.bar_label(bars, labels=[f"{u:,}" for u in users], padding=3)
    ax.set_xlabel("users")
    ax.set_title(f"Funnel — {report.name}")
    return fig


def plot_outcomes(report: Report) -> Any:
    """X-1: the outcomes of Sent messages (they add up to Sent), as one stacked bar."""
    fig = _figure()
    ax = fig.add_subplot()
    d = report.delivery
    parts = [
        ("delivered", d.delivered),
        ("sent as SMS", d.sent_as_sms),
        ("failed to deliver", d.failed_to_deliver),
        ("in transit", d.in_transit),
    ]
    left = 0
    for label, value in parts:
        if value:
            ax.barh(["sent"], [value], left=left, label=f"{label} ({value:,})")
            left += value
    ax.set_xlabel("messages")
    ax.set_title(f"Outcomes of sent messages — {report.name}")
    if left:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=2)
    return fig


def plot_daily(report: Report) -> Any:
    """T-1: sent, delivered, clicks and conversions per calendar day of the app's zone."""
    fig = _figure()
    ax = fig.add_subplot()
    rows = report.daily or ()
    days = [r.date for r in rows]
    for key, label in (
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("total_clicks", "clicks"),
        ("conversion_events", "conversions"),
    ):
        values = [getattr(r, key) for r in rows]
        if values and all(v is not None for v in values):
            ax.plot(days, values, marker="o", label=label)
    ax.set_title(f"Daily — {report.name} ({report.parameters.time_zone})")
    ax.tick_params(axis="x", labelrotation=45)
    if rows:
        ax.legend()
    return fig
