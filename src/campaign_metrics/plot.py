"""Charts of a report with matplotlib (extra ``plot``: ``pip install 'campaign-metrics[plot]'``).

Each function draws on the ``Axes`` given as ``ax``, or on a new figure when ``ax`` is
``None``, and returns the ``Axes``; nothing is shown or saved unless you do it
(``ax.figure.savefig("funnel.png")``). The axes are labelled with the names of the
metrics drawn. When no matplotlib backend has been chosen (no ``MPLBACKEND``, no
``matplotlib.use``), the non-interactive ``Agg`` backend is selected, so the charts work
on a machine without a display; in Jupyter the notebook's own backend is kept, so a new
figure shows under its cell.

The :class:`~campaign_metrics.Report` methods ``plot_funnel``, ``plot_daily`` and
``plot_outcomes`` call these functions.

>>> import campaign_metrics as cm
>>> from campaign_metrics.plot import plot_funnel
>>> [r] = cm.analyze("examples/sms_weekly_digest")
>>> ax = plot_funnel(r)
>>> [int(bar.get_height()) for bar in ax.patches]
[1488, 1488, 1484, 1483, 1483]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .errors import ConfigurationError, MissingDependencyError
from .report import Report

__all__ = [
    "COMPARISON_MEASURES",
    "DAILY_METRICS",
    "OUTCOMES",
    "plot_comparison",
    "plot_daily",
    "plot_funnel",
    "plot_outcomes",
]

#: T-1: the columns of the daily series :func:`plot_daily` can draw.
DAILY_METRICS = ("sent", "delivered", "total_clicks", "conversion_events", "revenue")

#: X-1: the outcomes of a Sent message, as keys of the report's ``delivery`` section.
OUTCOMES = ("delivered", "sent_as_sms", "failed_to_deliver", "in_transit")

#: B-2, X-3: the statistics of a comparison :func:`plot_comparison` can draw, each with
#: the key of its 95 % interval.
COMPARISON_MEASURES = {"difference_pp": "difference_ci_pp", "uplift_pct": "uplift_ci_pct"}

_DEFAULT_DAILY = ("sent", "delivered", "total_clicks", "conversion_events")
_BLUE, _GREY = "#4C72B0", "#8C8C8C"
_OUTCOME_COLOURS = ("#55A868", "#CCB974", "#C44E52", "#8C8C8C")


def _axes(ax: Any) -> Any:
    """``ax``, or the ``Axes`` of a new figure (Agg when no backend was chosen)."""
    try:
        import matplotlib
    except ImportError:
        raise MissingDependencyError("matplotlib", "plot") from None
    if ax is not None:
        return ax
    if _backend_unchosen(matplotlib):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=(8, 4.5), layout="constrained")
    return new


def _backend_unchosen(matplotlib: Any) -> bool:
    # rcParams["backend"] itself would resolve (and import) an interactive backend
    getter = getattr(matplotlib.rcParams, "_get_backend_or_none", None)
    if getter is not None:
        return getter() is None
    from matplotlib import rcsetup

    return dict.__getitem__(matplotlib.rcParams, "backend") is rcsetup._auto_backend_sentinel


def _label(name: str) -> str:
    return name.replace("_", " ")


def plot_funnel(report: Report, ax: Any = None) -> Any:
    """F-1..F-3: the funnel stages as bars, one per stage in funnel order, each as high
    as the stage's users and labelled with the number. A stage that cannot be computed
    (``users`` is ``None``, F-3) is left out. Returns the ``Axes``.

    >>> import campaign_metrics as cm
    >>> [r] = cm.analyze("examples/connector_webhook")
    >>> ax = plot_funnel(r)
    >>> ax.get_xlabel(), ax.get_ylabel(), [t.get_text() for t in ax.get_xticklabels()][-1]
    ('funnel stage', 'users', 'sent')
    """
    ax = _axes(ax)
    stages = [s for s in report.funnel if s.users is not None]
    users = [s.users for s in stages]
    bars = ax.bar(range(len(stages)), users, color=_BLUE)
    ax.set_xticks(range(len(stages)), [_label(s.stage).replace(" ", "\n", 1) for s in stages])
    ax.bar_label(bars, labels=[f"{u:,}" for u in users], padding=3)
    ax.set_xlabel("funnel stage")
    ax.set_ylabel("users")
    ax.set_title(f"Funnel — {report.name}")
    ax.margins(y=0.12)
    return ax


def plot_outcomes(report: Report, ax: Any = None) -> Any:
    """X-1: the outcomes of Sent messages — delivered, sent as SMS, failed to deliver, in
    transit — as one bar each (as high as its count, labelled with its share of Sent);
    the four add up to Sent. Returns the ``Axes``.

    A sent-only campaign (CH-2) has no delivery outcomes: it raises
    :class:`~campaign_metrics.ConfigurationError`.

    >>> import campaign_metrics as cm
    >>> [r] = cm.analyze("examples/mms_spring_sale")
    >>> ax = plot_outcomes(r)
    >>> sum(int(bar.get_height()) for bar in ax.patches) == r.delivery.sent
    True
    """
    d = report.delivery
    counts = [getattr(d, key) for key in OUTCOMES]
    if any(c is None for c in counts):
        raise ConfigurationError(
            f"campaign '{report.campaign_id}' is sent-only (CH-2): it has no delivery "
            "outcomes to plot"
        )
    ax = _axes(ax)
    names = [_label(k).replace("sms", "SMS") for k in OUTCOMES]
    bars = ax.bar(names, counts, color=_OUTCOME_COLOURS)
    labels = [f"{c:,} ({100 * c / d.sent:.1f} %)" if d.sent else f"{c:,}" for c in counts]
    ax.bar_label(bars, labels=labels, padding=3)
    ax.set_xlabel(f"outcome of the {d.sent:,} sent messages (X-1)")
    ax.set_ylabel("messages")
    ax.set_title(f"Outcomes of sent messages — {report.name}")
    ax.margins(y=0.12)
    return ax


def plot_daily(report: Report, metrics: Sequence[str] | None = None, ax: Any = None) -> Any:
    """T-1: one line per metric of the daily series, over the calendar days of the app's
    time zone; each line is labelled with its metric's name and its y-data are the
    day's values (revenue as ``float``). Returns the ``Axes``.

    ``metrics`` are names of :data:`DAILY_METRICS`; by default the tracked ones of
    ``sent``, ``delivered``, ``total_clicks`` and ``conversion_events``. An unknown name,
    or one the campaign does not track (``delivered`` of a sent-only campaign), raises
    :class:`~campaign_metrics.ConfigurationError`.

    >>> import campaign_metrics as cm
    >>> [r] = cm.analyze("examples/connector_webhook")
    >>> ax = plot_daily(r)
    >>> [line.get_label() for line in ax.get_lines()], ax.get_ylabel()
    (['sent', 'conversion_events'], 'sent, conversion events')
    """
    rows = report.daily or ()
    selected = report.conversion.for_type(report.parameters.attribution_type)
    # CH-2, CH-3, A-10: what the campaign tracks, also when no day has been sent yet
    campaign_level = {
        "sent": report.delivery.sent,
        "delivered": report.delivery.delivered,
        "total_clicks": report.engagement.total_clicks,
        "conversion_events": selected.conversion_events,
        "revenue": selected.revenue,
    }

    def tracked(name: str) -> bool:
        return campaign_level[name] is not None and all(
            getattr(row, name) is not None for row in rows
        )

    if metrics is None:
        chosen = [m for m in _DEFAULT_DAILY if tracked(m)]
    else:
        chosen = list(metrics) if not isinstance(metrics, str) else [metrics]
        for name in chosen:
            if name not in DAILY_METRICS:
                raise ConfigurationError(
                    f"metrics: each must be one of {', '.join(DAILY_METRICS)} (got {name!r})",
                    field="metrics",
                )
            if not tracked(name):
                raise ConfigurationError(
                    f"metrics: '{name}' is not tracked by campaign '{report.campaign_id}'",
                    field="metrics",
                )
    ax = _axes(ax)
    days = [dt.date.fromisoformat(row.date) for row in rows]
    for name in chosen:
        values = [getattr(row, name) for row in rows]
        ys = [float(v) if isinstance(v, Decimal) else v for v in values]
        ax.plot(days, ys, marker="o", markersize=3, label=name)
    ax.set_xlabel(f"day ({report.parameters.time_zone})")
    ax.set_ylabel(", ".join(_label(m) for m in chosen))
    ax.set_title(f"Daily — {report.name}")
    ax.tick_params(axis="x", labelrotation=45)
    if chosen:
        ax.legend()
    return ax


def plot_comparison(
    report: Report,
    ax: Any = None,
    *,
    measure: str = "difference_pp",
    by: str = "variation",
) -> Any:
    """B-2, X-3: the comparisons of the report's ``uplift`` section as points with their
    95 % intervals as horizontal error bars, one row per comparison, and a line at 0 (no
    difference). Significant comparisons (Holm-adjusted p ≤ 0.05) are drawn in colour,
    the others in grey. Returns the ``Axes``.

    ``by="variation"`` (default) draws the target group against control (``overall``,
    when there is a control group) and each variation against its baseline
    (``by_variation``); ``by="goal"`` draws each goal (``by_goal``). ``measure`` is
    ``"difference_pp"`` (the difference of group CVRs in percentage points, with
    Newcombe's interval) or ``"uplift_pct"`` (the relative uplift in percent, with Katz's
    interval). A comparison whose statistic is ``None`` (an empty group, or no baseline
    conversions for the uplift) is left out. A report without comparisons (no primary
    goal or fewer than two groups, X-3), or without one that has the statistic, raises
    :class:`~campaign_metrics.ConfigurationError`.

    >>> import campaign_metrics as cm
    >>> [r] = cm.analyze("examples/mms_spring_sale")
    >>> ax = plot_comparison(r)
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['target vs control', 'A vs control', 'B vs control'], 'difference pp (95 % interval)')
    """
    if measure not in COMPARISON_MEASURES:
        raise ConfigurationError(
            f"measure must be one of {', '.join(COMPARISON_MEASURES)} (got {measure!r})",
            field="measure",
        )
    if by not in ("variation", "goal"):
        raise ConfigurationError(
            f"by must be 'variation' or 'goal' (got {by!r})",
            field="by",
        )
    uplift = report.uplift
    if uplift is None:
        raise ConfigurationError(
            f"campaign '{report.campaign_id}' has no comparisons: they need a primary goal "
            "and two groups (X-3)"
        )
    if by == "variation":
        listed = ([uplift.overall] if uplift.overall is not None else []) + list(
            uplift.by_variation
        )
    else:
        listed = list(uplift.by_goal)
    interval_key = COMPARISON_MEASURES[measure]
    shown = [
        c
        for c in listed
        if getattr(c, measure) is not None and getattr(c, interval_key) is not None
    ]
    if not shown:
        raise ConfigurationError(
            f"no comparison of campaign '{report.campaign_id}' has a {measure} to draw (an "
            "empty group, or for uplift_pct a baseline that converted nobody, X-3)",
            field="measure",
        )
    ax = _axes(ax)
    for y, c in enumerate(shown):
        value = getattr(c, measure)
        low, high = getattr(c, interval_key)
        ax.errorbar(
            [value],
            [y],
            xerr=[[value - low], [high - value]],
            fmt="o",
            capsize=4,
            color=_BLUE if c.significant else _GREY,
            label=c.label,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(shown)), [f"{c.label} vs {c.baseline}" for c in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)  # first comparison on top
    ax.set_xlabel(f"{_label(measure)} (95 % interval)")
    ax.set_ylabel("comparison" if by == "variation" else "goal")
    ax.set_title(f"Comparisons — {report.name}")
    return ax
