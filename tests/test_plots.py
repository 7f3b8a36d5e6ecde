"""The charts (extra ``plot``): each draws the report's own numbers on an ``Axes``, labels
its axes with the metric names, works without a display, and backs
``campaign-metrics plot``."""

from __future__ import annotations

import datetime as dt
import doctest
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics.cli import main

pytest.importorskip("matplotlib")

import matplotlib.pyplot as plt
from matplotlib.container import ErrorbarContainer

from campaign_metrics import plot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def reports() -> list[cm.Report]:
    return cm.analyze(*(EXAMPLES / n for n in ("mms_spring_sale", "sms_weekly_digest")))


@pytest.fixture(scope="module")
def webhook() -> cm.Report:
    [report] = cm.analyze(EXAMPLES / "connector_webhook")
    return report


def _ticks(labels: Any) -> list[str]:
    return [t.get_text() for t in labels]


# --------------------------------------------------------------------------- funnel


def test_funnel_bar_heights_are_the_funnel_counts(
    reports: list[cm.Report], webhook: cm.Report
) -> None:
    """F-1..F-3: one bar per stage, in funnel order, as high as its users."""
    for report in [*reports, webhook]:
        ax = plot.plot_funnel(report)
        stages = [s for s in report.funnel if s.users is not None]
        assert [bar.get_height() for bar in ax.patches] == [s.users for s in stages]
        assert [t.replace("\n", " ") for t in _ticks(ax.get_xticklabels())] == [
            s.stage.replace("_", " ") for s in stages
        ]
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("funnel stage", "users")
        shown = [t.get_text() for t in ax.texts]
        assert shown == [f"{s.users:,}" for s in stages]


def test_funnel_leaves_out_a_stage_that_cannot_be_computed() -> None:
    """F-3: a stage with ``users: None`` has no bar (a zero would be a false number)."""
    utc = dt.timezone.utc
    t = dt.datetime(2026, 5, 4, 7, tzinfo=utc)
    c = cm.Campaign(id="c", name="No recipients", channel="sms")
    [r] = cm.analyze(
        cm.CampaignInput(c, events=[cm.MessageEvent(type="sent", time=t, user_id="u")])
    )
    assert any(s.users is None for s in r.funnel)
    ax = plot.plot_funnel(r)
    assert [bar.get_height() for bar in ax.patches] == [
        s.users for s in r.funnel if s.users is not None
    ]


# --------------------------------------------------------------------------- outcomes


def test_outcome_bars_are_the_x1_partition_of_sent(reports: list[cm.Report]) -> None:
    """X-1: delivered, sent as SMS, failed to deliver and in transit, each bar its count,
    adding up to Sent."""
    for report in reports:
        d = report.delivery
        ax = plot.plot_outcomes(report)
        heights = [bar.get_height() for bar in ax.patches]
        assert heights == [d.delivered, d.sent_as_sms, d.failed_to_deliver, d.in_transit]
        assert sum(heights) == d.sent
        assert _ticks(ax.get_xticklabels()) == [
            "delivered",
            "sent as SMS",
            "failed to deliver",
            "in transit",
        ]
        assert ax.get_ylabel() == "messages"
        assert f"{d.sent:,} sent messages (X-1)" in ax.get_xlabel()


def test_outcomes_of_a_sent_only_campaign_is_an_error(webhook: cm.Report) -> None:
    """CH-2: a sent-only campaign tracks no delivery outcome: no chart to draw."""
    with pytest.raises(cm.ConfigurationError, match="sent-only"):
        plot.plot_outcomes(webhook)


# --------------------------------------------------------------------------- daily


def test_daily_lines_are_the_daily_series(reports: list[cm.Report]) -> None:
    """T-1: one line per metric; its x-data the days, its y-data the day's values."""
    for report in reports:
        rows = report.daily or ()
        assert rows
        ax = plot.plot_daily(report)
        metrics = ["sent", "delivered", "total_clicks", "conversion_events"]
        assert [line.get_label() for line in ax.get_lines()] == metrics
        for line, metric in zip(ax.get_lines(), metrics):
            assert list(line.get_ydata()) == [getattr(row, metric) for row in rows]
            assert list(line.get_xdata()) == [dt.date.fromisoformat(row.date) for row in rows]
        assert ax.get_ylabel() == "sent, delivered, total clicks, conversion events"
        assert report.parameters.time_zone in ax.get_xlabel()
        assert _ticks(ax.get_legend().get_texts()) == metrics


def test_daily_revenue_is_drawn_as_the_exact_amounts(reports: list[cm.Report]) -> None:
    mms = reports[0]
    ax = mms.plot_daily(metrics=["revenue"])
    [line] = ax.get_lines()
    expected = [float(row.revenue) for row in mms.daily or () if row.revenue is not None]
    assert list(line.get_ydata()) == expected
    assert sum(Decimal(str(y)) for y in line.get_ydata()) == sum(
        (row.revenue or Decimal(0) for row in mms.daily or ()), Decimal(0)
    )
    assert ax.get_ylabel() == "revenue"


def test_daily_defaults_to_the_tracked_metrics_and_refuses_the_others(
    webhook: cm.Report,
) -> None:
    """CH-2: a sent-only campaign has no delivered or clicks line; asking for one, or for
    an unknown column, is an error."""
    ax = plot.plot_daily(webhook)
    assert [line.get_label() for line in ax.get_lines()] == ["sent", "conversion_events"]
    with pytest.raises(cm.ConfigurationError, match="'delivered' is not tracked"):
        plot.plot_daily(webhook, metrics=["delivered"])
    with pytest.raises(cm.ConfigurationError, match="one of sent, delivered") as info:
        plot.plot_daily(webhook, metrics=["opens"])
    assert info.value.field == "metrics"


def test_daily_of_a_campaign_that_sent_nothing_draws_only_what_it_tracks() -> None:
    """CH-2: with no day to draw yet, a sent-only campaign still has no delivered line."""
    t = dt.datetime(2026, 5, 4, tzinfo=dt.timezone.utc)
    c = cm.Campaign(id="c", name="Nothing sent", channel="connector")
    failed = cm.MessageEvent(type="send_failed", time=t, user_id="u", response_code=500)
    [r] = cm.analyze(cm.CampaignInput(c, events=[failed]))
    assert not r.daily
    ax = r.plot_daily()
    assert [line.get_label() for line in ax.get_lines()] == ["sent"]
    assert list(ax.get_lines()[0].get_ydata()) == []


# --------------------------------------------------------------------------- comparisons


def _error_bars(ax: Any) -> list[tuple[float, float, float]]:
    """(point, low, high) of each horizontal error bar of ``ax``."""
    found = []
    for container in ax.containers:
        assert isinstance(container, ErrorbarContainer)
        data_line, _, (bar_lines,) = container.lines
        [segment] = bar_lines.get_segments()
        (low, y_low), (high, y_high) = segment
        xs: Any = data_line.get_xdata()
        ys: Any = data_line.get_ydata()
        assert y_low == y_high == ys[0]
        found.append((float(xs[0]), float(low), float(high)))
    return found


def test_comparison_error_bars_are_the_intervals(reports: list[cm.Report]) -> None:
    """B-2, X-3: each comparison's point and 95 % interval, target first, then each
    variation; significant ones in colour."""
    mms = reports[0]
    assert mms.uplift is not None
    assert mms.uplift.overall is not None
    listed = [mms.uplift.overall, *mms.uplift.by_variation]
    ax = cm.plot_comparison(mms)
    got = _error_bars(ax)
    assert len(got) == len(listed) == 3
    for (point, low, high), c in zip(got, listed):
        assert c.difference_pp is not None
        assert c.difference_ci_pp is not None
        assert point == pytest.approx(c.difference_pp, abs=1e-12)
        assert (low, high) == pytest.approx(c.difference_ci_pp, abs=1e-12)
    assert _ticks(ax.get_yticklabels()) == [f"{c.label} vs {c.baseline}" for c in listed]
    assert ax.get_xlabel() == "difference pp (95 % interval)"
    assert ax.get_ylabel() == "comparison"


def test_comparison_leaves_out_an_undefined_uplift() -> None:
    """X-3: a comparison whose baseline converted nobody has no uplift: it has no bar; the
    difference in points still has one."""
    from tests.test_notebook_api import hostile_report

    r = hostile_report()
    assert r.uplift is not None
    listed = [r.uplift.overall, *r.uplift.by_variation]
    assert all(c is not None and c.uplift_pct is None for c in listed)
    with pytest.raises(cm.ConfigurationError, match="has a uplift_pct to draw"):
        plot.plot_comparison(r, measure="uplift_pct")
    ax = plot.plot_comparison(r, by="goal")
    got = _error_bars(ax)
    assert [point for point, _, _ in got] == pytest.approx(
        [c.difference_pp for c in r.uplift.by_goal]
    )
    assert ax.get_ylabel() == "goal"
    mms = cm.analyze(EXAMPLES / "mms_spring_sale")[0]
    assert mms.uplift is not None
    ax = plot.plot_comparison(mms, measure="uplift_pct", by="goal")
    shown = [c for c in mms.uplift.by_goal if c.uplift_pct is not None]
    assert 0 < len(shown) < len(mms.uplift.by_goal)
    got = _error_bars(ax)
    for (point, low, high), c in zip(got, shown):
        assert c.uplift_ci_pct is not None
        assert point == pytest.approx(c.uplift_pct, abs=1e-12)
        assert (low, high) == pytest.approx(c.uplift_ci_pct, abs=1e-12)
    assert ax.get_xlabel() == "uplift pct (95 % interval)"


def test_comparison_without_comparisons_or_with_a_bad_measure_is_an_error(
    reports: list[cm.Report],
) -> None:
    digest = reports[1]
    assert digest.uplift is None
    with pytest.raises(cm.ConfigurationError, match=r"no comparisons.*\(X-3\)"):
        plot.plot_comparison(digest)
    with pytest.raises(cm.ConfigurationError, match="measure must be one of"):
        plot.plot_comparison(reports[0], measure="p_value")
    with pytest.raises(cm.ConfigurationError, match="by must be"):
        plot.plot_comparison(reports[0], by="locale")


# --------------------------------------------------------------------------- axes and backends


def test_charts_draw_on_the_axes_given_and_report_methods_delegate(
    reports: list[cm.Report],
) -> None:
    mms = reports[0]
    fig, axes = plt.subplots(2, 2)
    drawn = [
        mms.plot_funnel(ax=axes[0][0]),
        mms.plot_daily(ax=axes[0][1]),
        mms.plot_outcomes(ax=axes[1][0]),
        cm.plot_comparison(mms, ax=axes[1][1]),
    ]
    assert drawn == [axes[0][0], axes[0][1], axes[1][0], axes[1][1]]
    assert plt.get_fignums() == [fig.number]
    assert [bar.get_height() for bar in drawn[0].patches] == [s.users for s in mms.funnel]
    new = mms.plot_funnel()
    assert new.figure is not fig
    assert new.figure.axes == [new]
    fig.canvas.draw()


def _run(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "DISPLAY")}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        check=True,
    )
    return result.stdout.strip()


HEADLESS = """
import campaign_metrics as cm, matplotlib
[r] = cm.analyze("examples/sms_weekly_digest")
ax = r.plot_funnel()
ax.figure.savefig("{out}")
print(matplotlib.get_backend())
"""


def test_charts_work_headless_with_agg_unless_a_backend_was_chosen(tmp_path: Path) -> None:
    """No display and no chosen backend: Agg. A chosen backend (a notebook's) is kept."""
    out = tmp_path / "funnel.png"
    assert _run(HEADLESS.format(out=out)).lower() == "agg"
    assert out.read_bytes().startswith(b"\x89PNG")
    # a display that is not there: matplotlib alone might pick a GUI toolkit and fail
    assert _run(HEADLESS.format(out=out), DISPLAY=":99").lower() == "agg"
    assert _run(HEADLESS.format(out=tmp_path / "f.svg"), MPLBACKEND="svg").lower() == "svg"


def test_missing_matplotlib_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, reports: list[cm.Report], tmp_path: Path
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(
        name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
    ) -> Any:
        if level == 0 and name.split(".")[0] == "matplotlib":
            raise ImportError(name)
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    install = r"pip install 'campaign-metrics\[plot\]'"
    for draw in (reports[0].plot_funnel, reports[0].plot_outcomes, reports[0].plot_daily):
        with pytest.raises(cm.MissingDependencyError, match=install):
            draw()
    with pytest.raises(ImportError, match=install):
        cm.plot_comparison(reports[0])
    err = io.StringIO()
    args = ["plot", str(EXAMPLES / "sms_weekly_digest"), "--funnel", "-o", str(tmp_path / "f.png")]
    assert main(args, stdout=io.StringIO(), stderr=err) == 2
    assert "pip install 'campaign-metrics[plot]'" in err.getvalue()
    assert not (tmp_path / "f.png").exists()


# --------------------------------------------------------------------------- the command


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["plot", *args, "--no-progress"], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("chart", "magic"),
    [
        ("--funnel", b"\x89PNG"),
        ("--daily", b"\x89PNG"),
        ("--outcomes", b"\x89PNG"),
        ("--comparison", b"\x89PNG"),
    ],
)
def test_plot_command_writes_the_image(tmp_path: Path, chart: str, magic: bytes) -> None:
    target = tmp_path / "chart.png"
    status, out, _ = _cli(str(EXAMPLES / "mms_spring_sale"), chart, "-o", str(target))
    assert status == 0
    assert out == ""
    assert target.read_bytes().startswith(magic)
    assert plt.get_fignums() == [], "the command closes its figure"


def test_plot_command_picks_the_campaign_and_the_format(tmp_path: Path) -> None:
    target = tmp_path / "daily.svg"
    status, _, err = _cli(
        str(EXAMPLES / "mms_spring_sale"),
        str(EXAMPLES / "sms_weekly_digest"),
        "--daily",
        "--metric",
        "sent",
        "--metric",
        "revenue",
        "--campaign",
        "mms_spring_sale",
        "--output",
        str(target),
    )
    assert status == 0, err
    assert b"<svg" in target.read_bytes()[:400]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--funnel"], "the following arguments are required: -o/--output"),
        (["-o", "x.png"], "one of the arguments --funnel --daily --outcomes --comparison"),
        (["--funnel", "--daily", "-o", "x.png"], "not allowed with argument"),
        (["--funnel", "--metric", "sent", "-o", "x.png"], "--metric goes with --daily"),
        (["--daily", "--metric", "opens", "-o", "x.png"], "invalid choice: 'opens'"),
        (["--funnel", "-o", "x.docx"], "--output: cannot write x.docx: an image name ends"),
        (["--comparison", "-o", "x.png"], "has no comparisons"),
    ],
)
def test_plot_command_bad_usage_exits_2_with_a_message(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Wrong arguments print the usage and exit 2; a bad value exits 2 with one line."""
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    status: Any
    try:
        status = main(
            ["plot", str(EXAMPLES / "sms_weekly_digest"), *args, "--no-progress"],
            stdout=io.StringIO(),
            stderr=err,
        )
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    stderr = capsys.readouterr().err + err.getvalue()
    assert status == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_plot_command_needs_one_campaign_and_outcomes_need_delivery(tmp_path: Path) -> None:
    target = str(tmp_path / "x.png")
    status, _, err = _cli(
        str(EXAMPLES / "mms_spring_sale"),
        str(EXAMPLES / "sms_weekly_digest"),
        "--funnel",
        "-o",
        target,
    )
    assert status == 2
    assert "choose it with --campaign ID (one of mms_spring_sale, sms_weekly_digest)" in err
    status, _, err = _cli(
        str(EXAMPLES / "mms_spring_sale"), "--funnel", "--campaign", "x", "-o", target
    )
    assert status == 2
    assert "no campaign 'x' in the run" in err
    status, _, err = _cli(str(EXAMPLES / "connector_webhook"), "--outcomes", "-o", target)
    assert status == 2
    assert "campaign-metrics: error: campaign 'connector_webhook' is sent-only (CH-2)" in err
    status, _, err = _cli(
        str(EXAMPLES / "sms_weekly_digest"), "--funnel", "-o", str(tmp_path / "no" / "x.png")
    )
    assert status == 2
    assert "--output: cannot write" in err
    assert not (tmp_path / "x.png").exists()


# --------------------------------------------------------------------------- docstrings


def test_docstring_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``>>>`` example of campaign_metrics.plot prints what it shows."""
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(plot, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
