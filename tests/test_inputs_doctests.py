"""The examples in the docstrings of issue 17's modules (compressed and columnar
inputs, the Twilio adapter, the rejected-record summary) run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "campaign_metrics.io.opening",
    "campaign_metrics.io.frames",
    "campaign_metrics.io.spans",
    "campaign_metrics.adapters.twilio",
    "campaign_metrics.report.rejections",
    "campaign_metrics.sources",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name: str) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_summary_names_three_files_then_counts_the_rest() -> None:
    """The summary line names at most three files, then "N more files"."""
    from campaign_metrics import RejectedRecord
    from campaign_metrics.report import rejected_summary

    records = [RejectedRecord(f"f{i}.jsonl", 1, None, "x: y", "d") for i in range(5)]
    assert rejected_summary(records) == (
        "5 records rejected in d/f0.jsonl (1), d/f1.jsonl (1), d/f2.jsonl (1), 2 more files "
        "(by reason: x 5); the full list is in data_quality.rejected (--json) or with "
        "--show-rejected"
    )
