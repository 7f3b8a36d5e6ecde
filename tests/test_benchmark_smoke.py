"""The benchmark runs end to end at a tiny size, and every engine gives the same answers.

Needs the ``bench`` extra (pandas and DuckDB); skipped without it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("pandas")
pytest.importorskip("duckdb")


def test_benchmark_tiny_run_answers_equal_and_reports_every_key(tmp_path: Path) -> None:
    """pandas, DuckDB and campaign_metrics agree (D-10, D-1..D-5, K-2, A-3, A-11)."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--recipients",
        "300",
        "--repetitions",
        "1",
        "--repeat-callbacks",
        "--json",
        "--out",
        str(tmp_path),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)  # stdout holds the JSON object only
    assert result["answers_equal"] is True, result["disagreements"]
    assert {"recipients", "events", "campaign_metrics", "pandas", "duckdb", "answers_equal"} <= set(
        result
    )
    assert result["recipients"] == 300
    assert result["events"] > 300 * 2
    assert result["repeated_callbacks"] > 0
    cm = result["campaign_metrics"]
    assert {
        "e2e_events_per_s",
        "compute_events_per_s",
        "peak_rss_mb",
        "e2e_jsonl_events_per_s",
    } <= (set(cm))
    for peer in ("pandas", "duckdb"):
        assert {"e2e_events_per_s", "peak_rss_mb"} <= set(result[peer])
        assert result[peer]["e2e_events_per_s"] > 0
        assert result[peer]["peak_rss_mb"] > 0
    assert all(cm[k] > 0 for k in ("e2e_events_per_s", "compute_events_per_s", "peak_rss_mb"))
    # the repeated callbacks are exact repeats: counted as duplicates, never as events (D-10)
    assert result["duplicates"] >= result["repeated_callbacks"]
