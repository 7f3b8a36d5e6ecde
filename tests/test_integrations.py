"""The optional integrations: pandas frames and matplotlib charts of a report."""

from __future__ import annotations

import pytest

import campaign_metrics as cm
from campaign_metrics import CAMPAIGN_COLUMNS


@pytest.fixture(scope="module")
def reports() -> list[cm.Report]:
    return cm.analyze("examples/mms_spring_sale", "examples/sms_weekly_digest")


def test_frames_hold_the_report_numbers(reports: list[cm.Report]) -> None:
    """O-5, T-1: frames carry exactly the report's values."""
    pd = pytest.importorskip("pandas")
    from campaign_metrics.pandas import (
        campaigns_frame,
        daily_frame,
        failed_to_send_frame,
        funnel_frame,
        locale_variation_frame,
        summary_frame,
    )

    table = campaigns_frame(reports)
    assert list(table.columns) == list(CAMPAIGN_COLUMNS)
    assert table["total_sent"].tolist() == [r.delivery.sent for r in reports]
    daily = daily_frame(reports)
    for r in reports:
        sent = daily.loc[daily["campaign_id"] == r.campaign_id, "sent"].sum()
        assert sent == r.delivery.sent
    assert set(funnel_frame(reports)["stage"]) >= {"sent", "valid_mobile_numbers"}
    assert not failed_to_send_frame(reports).empty
    assert "locale" in locale_variation_frame(reports).columns
    summary = summary_frame(reports)
    assert summary["delivery.delivered"].tolist() == [r.delivery.delivered for r in reports]
    assert isinstance(summary, pd.DataFrame)


def test_charts_are_axes_of_a_figure(reports: list[cm.Report]) -> None:
    """The charts draw the funnel, the outcomes and the daily series on an Axes."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from campaign_metrics.plot import plot_daily, plot_funnel, plot_outcomes

    for chart in (plot_funnel, plot_outcomes, plot_daily):
        ax = chart(reports[0])
        assert ax.figure.axes == [ax], chart.__name__
        ax.figure.canvas.draw()
        plt.close(ax.figure)


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """An optional integration without its extra says how to install it."""
    import builtins

    real_import = builtins.__import__

    def no_pandas(name: str, *args: object, **kwargs: object) -> object:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    from campaign_metrics.pandas import daily_frame

    with pytest.raises(cm.MissingDependencyError, match=r"campaign-metrics\[pandas\]"):
        daily_frame([])
