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
    assert [s["source"] for s in steps] == ["file"] * 6 + ["objects"] * 2
    assert all(s["events"] == rows for s in steps)
    assert all(s["events_per_s"] > 0 and s["us_per_event"] > 0 for s in steps)
    assert result["targets"] == {"e2e_events_per_s": 700_000, "compute_events_per_s": 2_000_000}


def test_floor_refuses_a_size_below_one(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "benchmarks.floor", "--recipients", "0", "--out", str(tmp_path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "--recipients and --repetitions must be at least 1" in proc.stderr


def test_the_split_steps_refuse_a_quoted_cell(tmp_path: Path) -> None:
    """str.split is a floor only for unquoted logs: a quoted cell stops the step."""
    header = "event_id,campaign_id,instance_id,user_id,type,time\n"
    events = tmp_path / "events.csv"
    events.write_text(
        header + 'e1,c,,u1,sent,2026-04-14T16:00:00Z\ne2,c,,"u,2",sent,2026-04-14T16:00:01Z\n',
        encoding="utf-8",
    )
    code = (
        "import sys; from pathlib import Path; from benchmarks.floor import file_steps\n"
        "steps = dict(file_steps(Path(sys.argv[1])))\n"
        "print(steps['csv.reader']())\n"
        "steps['str.split']()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(events)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stdout.strip() == "2"  # the standard reader reads both rows
    assert proc.returncode == 1
    assert "a quoted cell; the str.split steps need none" in proc.stderr
