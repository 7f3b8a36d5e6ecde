"""Dask speed-up: one process, then a LocalCluster of 1 and 2 workers, on the same log.

    python -m benchmarks.dask_speedup --recipients 1000000 [--files 8] [--split users] [--json]

Generates a seeded synthetic campaign (``campaign_metrics.synthetic.benchmark_spec``),
splits its events into ``--files`` CSV files (``--split users``: each user's events in
one file; ``--split lines``: every ``files``-th line, so each user is spread over every
file) in a copy of the directory, and times ``campaign_metrics.analyze`` on the
directory against ``campaign_metrics.dask.analyze`` on the copy with 1 and 2 worker
processes (cluster start-up not timed). The reports must be equal, or the run fails.

``--json`` prints one object: ``recipients``, ``events``, ``files``, ``single_s``,
``dask_1_s``, ``dask_2_s``, ``equal``, and, per cluster, the client's share of the wall
time (``client_share_1``, ``client_share_2``: building the graph and formatting the
merged partial, over the whole run).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import campaign_metrics as cm
from campaign_metrics.synthetic import benchmark_spec, write_campaign_dir

OUT = Path(__file__).resolve().parent / "out"


def _prepare(recipients: int, files: int, seed: int, split: str) -> tuple[Path, Path, int]:
    directory = OUT / f"dask-r{recipients}-s{seed}"
    if not (directory / "events.csv").exists():
        write_campaign_dir(directory, benchmark_spec(recipients), seed, events_format="csv")
    copy = OUT / f"dask-r{recipients}-s{seed}-{split}{files}"
    parts = [copy / "events" / f"events-{i:03}.csv" for i in range(files)]
    with open(directory / "events.csv", encoding="utf-8") as f:
        events = sum(1 for _ in f) - 1
    if all(p.exists() for p in parts):
        return directory, copy, events
    (copy / "events").mkdir(parents=True, exist_ok=True)
    for name in ("campaign.json", "recipients.csv", "conversions.jsonl"):
        if (directory / name).exists():
            shutil.copyfile(directory / name, copy / name)
    lines = (directory / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0]
    user_col = header.rstrip("\r\n").split(",").index("user_id")
    buckets: list[list[str]] = [[header] for _ in range(files)]
    for i, line in enumerate(lines[1:]):
        if split == "users":
            k = zlib.crc32(line.split(",")[user_col].encode()) % files
        else:
            k = i % files
        buckets[k].append(line)
    for path, bucket in zip(parts, buckets):
        path.write_text("".join(bucket), encoding="utf-8")
    return directory, copy, events


def _dask_run(copy: Path, workers: int) -> tuple[Any, float, float]:
    """The reports on a LocalCluster of ``workers`` processes: (reports, wall, client)."""
    from distributed import Client, LocalCluster

    from campaign_metrics.dask import collector_paused
    from campaign_metrics.dask._graph import campaign_files, run_graph

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("campaign_metrics.dask._tasks"))  # warm the workers
        start = time.perf_counter()
        files = campaign_files(copy)
        graph = run_graph(
            [files],
            [],
            parts=2 * workers,
            as_of_us=None,
            date_range=None,
            attribution="view_through",
            strict=False,
            naive_zone=None,
            workers=sorted(client.scheduler_info()["workers"]),
        )
        built = time.perf_counter()
        with collector_paused(client):
            partial = client.compute(graph, optimize_graph=False).result()
        computed = time.perf_counter()
        reports = partial.reports()
        end = time.perf_counter()
    return reports, end - start, (built - start) + (end - computed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dask_speedup")
    parser.add_argument("--recipients", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--split", choices=("users", "lines"), default="users")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    directory, copy, events = _prepare(args.recipients, args.files, args.seed, args.split)
    start = time.perf_counter()
    [single] = cm.analyze(directory)
    results: dict[str, Any] = {
        "recipients": args.recipients,
        "events": events,
        "files": args.files,
        "single_s": round(time.perf_counter() - start, 3),
    }
    equal = True
    for workers in (1, 2):
        [report], wall, client = _dask_run(copy, workers)
        results[f"dask_{workers}_s"] = round(wall, 3)
        results[f"client_share_{workers}"] = round(client / wall, 4)
        equal = equal and report.to_dict() == single.to_dict()
    results["equal"] = equal
    results["speedup_vs_single"] = round(results["single_s"] / results["dask_2_s"], 3)
    results["speedup_1_to_2"] = round(results["dask_1_s"] / results["dask_2_s"], 3)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>18}: {value}")
    if not equal:
        print("the distributed report differs from the single-process one", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
