"""The pure-Python floor script runs on the benchmark's own log and reads every event."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_floor_reads_every_event_of_the_benchmark_log_in_every_step(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "benchmarks.floor", "--recipients", "200"]
    cmd += ["--repetitions", "1", "--json", "--out", str(tmp_path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    events_file = Path(result["events_file"])
    with events_file.open(newline="", encoding="utf-8") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1  # the header is not an event
    steps = result["steps"]
    assert [s["source"] for s in steps] == ["file"] * 4 + ["objects"] * 2
    assert all(s["events"] == rows for s in steps)
    assert all(s["events_per_s"] > 0 and s["us_per_event"] > 0 for s in steps)
    assert result["targets"] == {"e2e_events_per_s": 700_000, "compute_events_per_s": 2_000_000}


def test_floor_refuses_a_size_below_one(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "benchmarks.floor", "--recipients", "0", "--out", str(tmp_path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "--recipients and --repetitions must be at least 1" in proc.stderr
