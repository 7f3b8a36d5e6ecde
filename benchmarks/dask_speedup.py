"""Dask speed-up: one process, then a LocalCluster of 1 and 2 workers, on the same files.

    python -m benchmarks.dask_speedup --recipients 200000 [--files 8] [--json]

Generates a seeded synthetic campaign (``campaign_metrics.synthetic.benchmark_spec``),
splits its events into ``--files`` CSV files by user (the cheapest merge), and times
``analyze`` on the directory against ``campaign_metrics.dask.report_files`` on the split
files with 1 and 2 worker processes. The reports must be equal, or the run fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import campaign_metrics as cm
from campaign_metrics.io.readers import iter_recipients, read_campaign
from campaign_metrics.synthetic import benchmark_spec, write_campaign_dir

OUT = Path(__file__).resolve().parent / "out"


def _prepare(recipients: int, files: int, seed: int) -> tuple[Path, list[Path]]:
    directory = OUT / f"dask-r{recipients}-s{seed}"
    if not (directory / "events.csv").exists():
        write_campaign_dir(directory, benchmark_spec(recipients), seed, events_format="csv")
    parts = [directory / "split" / f"events-{i:03}.csv" for i in range(files)]
    if not all(p.exists() for p in parts):
        parts[0].parent.mkdir(exist_ok=True)
        lines = (directory / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        header = lines[0]
        user_col = header.rstrip("\r\n").split(",").index("user_id")
        buckets: list[list[str]] = [[header] for _ in range(files)]
        for line in lines[1:]:
            user = line.split(",")[user_col]
            buckets[zlib.crc32(user.encode()) % files].append(line)
        for path, bucket in zip(parts, buckets):
            path.write_text("".join(bucket), encoding="utf-8")
    return directory, parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dask_speedup")
    parser.add_argument("--recipients", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from distributed import Client, LocalCluster

    from campaign_metrics.dask import report_files

    directory, parts = _prepare(args.recipients, args.files, args.seed)
    with open(directory / "events.csv", encoding="utf-8") as f:
        events = sum(1 for _ in f) - 1
    campaign = read_campaign(directory / "campaign.json")
    people = [
        r for _, r in iter_recipients(directory / "recipients.csv") if isinstance(r, cm.Recipient)
    ]
    start = time.perf_counter()
    [single] = cm.analyze(directory)
    results: dict[str, Any] = {
        "recipients": args.recipients,
        "events": events,
        "files": args.files,
        "single_process_s": time.perf_counter() - start,
    }
    paths = [*parts, directory / "conversions.jsonl"]
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            start = time.perf_counter()
            report = report_files(paths, campaign, recipients=people, scheduler=client)
            results[f"dask_{workers}_workers_s"] = time.perf_counter() - start
            if report.to_dict() != single.to_dict():
                print("the distributed report differs from the single-process one", file=sys.stderr)
                return 1
    results["speedup_1_to_2"] = results["dask_1_workers_s"] / results["dask_2_workers_s"]
    results["reports_equal"] = True
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>22}: {value:.2f}" if isinstance(value, float) else f"{key:>22}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
