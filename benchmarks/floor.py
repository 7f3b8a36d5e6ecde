"""The pure-Python floor: how fast the least any report must do runs on this machine.

::

    python -m benchmarks.floor --recipients 1000000 [--repetitions 2] [--json]

It reads the benchmark's own log (the same seeded ``events.csv`` that
``python -m benchmarks.run`` writes and reuses under ``--out``) and times, in this one
process with the cyclic collector paused, loops that each add one step to the previous
one. None of them is a report; each is a lower bound on what any pure-Python engine that
follows RULES.md pays per event:

From the file (the end-to-end path):

1. ``csv.reader`` — every row of ``events.csv`` split into cells by the standard reader,
   nothing else (the reference);
2. ``str.split`` — every line split on commas instead, after checking it holds no quote
   (the least a reader can do; the benchmark's log has no quoted cell, and a quote stops
   the run with an error);
3. ``+ fromisoformat`` — and the ``time`` cell parsed (D-7 needs every record's instant;
   the log mixes UTC offsets, so comparing texts would not do);
4. ``+ message minimum`` — and the row's message ((user, instance) pair) looked up in a
   dict that keeps its earliest instant: the smallest per-message state (D-2, D-7);
5. ``+ event_id set`` — and a row whose event id was seen before skipped, by one set of
   the ids: the cheapest repeat check (weaker than D-10, which also compares content);
6. ``+ BLAKE2s id digests instead`` — step 5 with an 8-byte BLAKE2s digest of the id in
   the set: a stable identity, as state merged across processes needs (the library keeps
   an identity and a content digest per record).

From in-memory ``MessageEvent`` objects (the compute-only path; the objects are built
first, untimed, and frozen out of the collector's generations as the benchmark does):

7. ``attributes + message minimum`` — each event's user, instance and time read, and the
   message's earliest instant kept, as in step 4;
8. ``+ event_id set`` — and every event whose id was seen before skipped, as in step 5.

Each step runs ``--repetitions`` times; the best time gives events/second (message events
only: the conversions are not read). The issue's throughput targets are printed beside
them: 700 k events/s end to end and 2 M events/s compute-only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import hashlib
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.run import DEFAULT_OUT, _data_name, prepare

__all__ = ["TARGETS", "file_steps", "main", "object_steps"]

#: The scale issue's throughput targets (events/s on this machine, one core).
TARGETS = {"e2e_events_per_s": 700_000, "compute_events_per_s": 2_000_000}

Step = tuple[str, Callable[[], int]]


def _columns(path: Path) -> dict[str, int]:
    with path.open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    return {name: i for i, name in enumerate(header)}


def file_steps(path: Path) -> list[Step]:
    """Steps 1–6 on ``events.csv``: each returns the number of rows it read."""
    col = _columns(path)
    e, i, u, t = col["event_id"], col["instance_id"], col["user_id"], col["time"]
    parse = dt.datetime.fromisoformat
    blake2s = hashlib.blake2s

    def csv_only() -> int:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            n = 0
            for _ in reader:
                n += 1
        return n

    def lines() -> Any:
        f = path.open(encoding="utf-8")
        next(f)
        return f

    def unquoted(line: str) -> None:
        # the least a real reader checks: a quoted cell needs the csv module
        if '"' in line:
            raise ValueError(f"{path}: a quoted cell; the str.split steps need none")

    def split_only() -> int:
        with lines() as f:
            n = 0
            for line in f:
                unquoted(line)
                line.split(",")
                n += 1
        return n

    def with_time() -> int:
        with lines() as f:
            n = 0
            for line in f:
                unquoted(line)
                parse(line.split(",")[t])
                n += 1
        return n

    def with_minimum() -> int:
        first: dict[Any, dt.datetime] = {}
        get = first.get
        with lines() as f:
            n = 0
            for line in f:
                unquoted(line)
                row = line.split(",")
                when = parse(row[t])
                key = row[u] if not row[i] else (row[u], row[i])
                earliest = get(key)
                if earliest is None or when < earliest:
                    first[key] = when
                n += 1
        return n

    def with_repeats(digest: bool) -> Callable[[], int]:
        def run() -> int:
            first: dict[Any, dt.datetime] = {}
            get = first.get
            seen: set[Any] = set()
            remember = seen.add
            with lines() as f:
                n = 0
                for line in f:
                    unquoted(line)
                    row = line.split(",")
                    n += 1
                    identity: Any = row[e]
                    if digest:
                        identity = blake2s(identity.encode(), digest_size=8).digest()
                    if identity in seen:
                        continue  # a repeat (by id only: weaker than D-10)
                    remember(identity)
                    when = parse(row[t])
                    key = row[u] if not row[i] else (row[u], row[i])
                    earliest = get(key)
                    if earliest is None or when < earliest:
                        first[key] = when
            return n

        return run

    return [
        ("csv.reader", csv_only),
        ("str.split", split_only),
        ("+ fromisoformat", with_time),
        ("+ message minimum", with_minimum),
        ("+ event_id set", with_repeats(False)),
        ("+ BLAKE2s id digests instead", with_repeats(True)),
    ]


def object_steps(events: Sequence[Any]) -> list[Step]:
    """Steps 5–6 on in-memory ``MessageEvent`` objects."""

    def with_minimum() -> int:
        first: dict[Any, dt.datetime] = {}
        get = first.get
        for ev in events:
            when = ev.time
            key = ev.user_id if ev.instance_id is None else (ev.user_id, ev.instance_id)
            seen = get(key)
            if seen is None or when < seen:
                first[key] = when
        return len(events)

    def with_ids() -> int:
        first: dict[Any, dt.datetime] = {}
        get = first.get
        seen: set[str | None] = set()
        remember = seen.add
        for ev in events:
            event_id = ev.event_id
            if event_id in seen:
                continue  # a repeat (by id only: weaker than D-10)
            remember(event_id)
            when = ev.time
            key = ev.user_id if ev.instance_id is None else (ev.user_id, ev.instance_id)
            seen_first = get(key)
            if seen_first is None or when < seen_first:
                first[key] = when
        return len(events)

    return [
        ("attributes + message minimum", with_minimum),
        ("+ event_id set", with_ids),
    ]


def _time(steps: list[Step], repetitions: int, source: str) -> list[dict[str, Any]]:
    out = []
    for label, run in steps:
        best: float | None = None
        count = 0
        for _ in range(repetitions):
            start = time.perf_counter()
            count = run()
            seconds = time.perf_counter() - start
            best = seconds if best is None or seconds < best else best
        assert best is not None
        out.append(
            {
                "source": source,
                "step": label,
                "events": count,
                "seconds": round(best, 3),
                "events_per_s": round(count / best),
                "us_per_event": round(best / count * 1e6, 3),
            }
        )
    return out


def _load_events(path: Path) -> list[Any]:
    from campaign_metrics import InputError
    from campaign_metrics.io.readers import iter_events

    events = []
    for line, item in iter_events(path):
        if isinstance(item, InputError):
            raise RuntimeError(f"{path}:{line}: {item}")
        events.append(item)
    return events


def measure(recipients: int, seed: int, out: Path, repetitions: int) -> dict[str, Any]:
    """Every step on the benchmark's log of ``recipients`` (written first if missing)."""
    prepare(out, recipients, seed, repeat_callbacks=False)
    path = out / _data_name(recipients, seed, False) / "csv" / "events.csv"
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        results = _time(file_steps(path), repetitions, "file")
        events = _load_events(path)
        gc.collect()
        gc.freeze()
        results += _time(object_steps(events), repetitions, "objects")
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
    return {
        "recipients": recipients,
        "seed": seed,
        "events_file": str(path),
        "python": platform.python_version(),
        "repetitions": repetitions,
        "steps": results,
        "targets": TARGETS,
    }


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"pure-Python floor, {result['recipients']:,} recipients "
        f"(best of {result['repetitions']}, Python {result['python']})",
        f"{'source':8} {'step':32} {'events':>10} {'events/s':>12} {'µs/event':>9}",
    ]
    for s in result["steps"]:
        lines.append(
            f"{s['source']:8} {s['step']:32} {s['events']:>10,} "
            f"{s['events_per_s']:>12,} {s['us_per_event']:>9.3f}"
        )
    t = result["targets"]
    lines.append(
        f"targets: end to end {t['e2e_events_per_s']:,} events/s, "
        f"compute-only {t['compute_events_per_s']:,} events/s"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.floor",
        description="Time the least any pure-Python report must do on the benchmark's log.",
    )
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=2, help="runs per step (best)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the logs go")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args(argv)
    if args.recipients < 1 or args.repetitions < 1:
        parser.error("--recipients and --repetitions must be at least 1")
    result = measure(args.recipients, args.seed, args.out.resolve(), args.repetitions)
    print(json.dumps(result) if args.json else _table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
