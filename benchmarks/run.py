"""The benchmark: campaign_metrics against pandas and DuckDB on one seeded synthetic log.

::

    python -m benchmarks.run --recipients 1000000 [--repetitions 3] [--json]
                             [--repeat-callbacks] [--seed 1] [--out DIR] [--regenerate]

The log comes from :func:`campaign_metrics.synthetic.benchmark_spec` (about 3 message
events a recipient) and is written once as ``events.csv`` and as ``events.jsonl`` (with
the same ``conversions.jsonl``) under ``--out`` (``benchmarks/out/`` by default, kept and
reused by later runs of the same size and seed; generation is never timed). Every
measurement runs in a fresh Python process, so its peak RSS is its own:

- ``cm_e2e_csv`` — ``campaign_metrics.analyze(dir)`` on the CSV directory, parse + full
  report (the hot path); ``cm_e2e_jsonl`` — the same on the JSONL directory;
- ``cm_compute`` — events read into ``MessageEvent``/``ConversionEvent`` objects first
  (untimed), then ``CampaignAccumulator(campaign).add_all(events)`` and ``.report()``;
- ``pandas`` and ``duckdb`` — the subset of :mod:`benchmarks.peers` from the same files.

Each runs ``--repetitions`` times (interleaved); the median time gives events/second
(message events + conversions, divided by the time of the timed section; interpreter
start-up and imports are not timed), the peak RSS is the largest ``ru_maxrss`` of the
repetitions. Every engine's answers must equal campaign_metrics' (ints and decimals
exactly, rates to 1e-12 relative), or the run prints the disagreements and exits 1.
``--repeat-callbacks`` writes every status callback (receipt, failure, bounce, deleted,
fallback) twice, as the exact repeat a provider sends, to measure what repeated callbacks
cost in memory.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks.peers import ANSWER_KEYS

__all__ = ["MODES", "STATUS_CALLBACKS", "compare_answers", "main", "prepare"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "out"

#: The measured modes, in the order each repetition runs them.
MODES = ("cm_e2e_csv", "cm_e2e_jsonl", "cm_compute", "cm_e2e_csv_w2", "pandas", "duckdb")
#: The e2e CSV measurement of an older commit's library (``--baseline REF``).
BASELINE = "baseline_e2e_csv"
_LABELS = {
    "cm_e2e_csv": "campaign_metrics e2e (events.csv)",
    "cm_e2e_csv_w2": "campaign_metrics e2e, workers=2",
    BASELINE: "baseline commit e2e (events.csv)",
    "cm_e2e_jsonl": "campaign_metrics e2e (events.jsonl)",
    "cm_compute": "campaign_metrics compute-only",
    "pandas": "pandas e2e",
    "duckdb": "DuckDB e2e",
}
#: The provider status callbacks ``--repeat-callbacks`` writes twice.
STATUS_CALLBACKS = frozenset(
    {"delivered", "delivery_failed", "soft_bounce", "hard_bounce", "deleted", "sms_fallback"}
)
_MONEY = frozenset({"revenue", "average_order_value", "average_revenue_per_user"})
_RATES = frozenset({"sent_rate", "failed_rate", "delivered_rate", "ctr", "cvr"})
_REL_TOL = 1e-12
_STAMP = "benchmark.json"


# --------------------------------------------------------------------------- the data


def _count_records(path: Path) -> int:
    with open(path, "rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines - 1 if path.suffix == ".csv" else lines  # a CSV's header is no record


def _repeat_callbacks(path: Path) -> int:
    """Write every status callback of an events file twice (the exact repeat follows it)."""
    import csv

    tmp = path.with_name(path.name + ".tmp")
    added = 0
    with (
        open(path, encoding="utf-8", newline="") as src,
        open(tmp, "w", encoding="utf-8", newline="") as dst,
    ):
        if path.suffix == ".csv":
            reader = csv.reader(src)
            writer = csv.writer(dst, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            column = header.index("type")
            for row in reader:
                writer.writerow(row)
                if row[column] in STATUS_CALLBACKS:
                    writer.writerow(row)
                    added += 1
        else:
            for line in src:
                dst.write(line)
                if line.strip() and json.loads(line).get("type") in STATUS_CALLBACKS:
                    dst.write(line)
                    added += 1
    tmp.replace(path)
    return added


def _data_name(recipients: int, seed: int, repeat_callbacks: bool) -> str:
    return f"r{recipients}-s{seed}" + ("-repeat-callbacks" if repeat_callbacks else "")


def prepare(
    out: Path, recipients: int, seed: int, *, repeat_callbacks: bool, regenerate: bool = False
) -> dict[str, Any]:
    """Write (or reuse) the CSV and JSONL campaign directories; return their stamp."""
    from campaign_metrics import __version__
    from campaign_metrics.synthetic import benchmark_spec, write_campaign_dir

    root = out / _data_name(recipients, seed, repeat_callbacks)
    wanted = {
        "recipients": recipients,
        "seed": seed,
        "repeat_callbacks": repeat_callbacks,
        "campaign_metrics": __version__,
    }
    stamp_file = root / _STAMP
    if not regenerate and stamp_file.exists():
        stamp: dict[str, Any] = json.loads(stamp_file.read_text("utf-8"))
        sizes = stamp.get("sizes", {})
        if {k: stamp.get(k) for k in wanted} == wanted and all(
            (root / rel).exists() and (root / rel).stat().st_size == size
            for rel, size in sizes.items()
        ):
            return stamp
    stamp_file.unlink(missing_ok=True)
    spec = benchmark_spec(recipients)
    counts: dict[str, int] = {}
    for fmt in ("csv", "jsonl"):
        directory = root / fmt
        _log(f"generating {directory} ({recipients:,} recipients, seed {seed})")
        summary = write_campaign_dir(directory, spec, seed, events_format=fmt)
        events_file = directory / f"events.{fmt}"
        repeated = _repeat_callbacks(events_file) if repeat_callbacks else 0
        counts[f"{fmt}_message_events"] = summary.events + repeated
        counts[f"{fmt}_conversions"] = summary.conversions
        counts["repeated_callbacks"] = repeated
        if _count_records(events_file) != summary.events + repeated:
            raise RuntimeError(f"{events_file}: unexpected number of records")
    if counts["csv_message_events"] != counts["jsonl_message_events"]:
        raise RuntimeError("the CSV and JSONL logs differ in size")
    sizes = {
        str(p.relative_to(root)): p.stat().st_size for p in sorted(root.glob("*/*")) if p.is_file()
    }
    stamp = {
        **wanted,
        "message_events": counts["csv_message_events"],
        "conversions": counts["csv_conversions"],
        "repeated_callbacks": counts["repeated_callbacks"],
        "sizes": sizes,
    }
    stamp_file.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return stamp


# --------------------------------------------------------------------------- one measurement


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _cm_answers(report: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The subset from a campaign_metrics report, as JSON values; and facts to check."""
    d = report.to_dict()
    delivery, engagement = d["delivery"], d["engagement"]
    view = d["conversion"]["view_through"]
    values = {**delivery, **engagement, **view}
    answers = {
        key: (None if values[key] is None else str(values[key])) if key in _MONEY else values[key]
        for key in ANSWER_KEYS
    }
    quality = d["data_quality"]
    facts = {
        "duplicates": quality["duplicates"],
        "id_conflicts": quality["id_conflicts"],
        "rejected": len(quality["rejected"]),
    }
    return answers, facts


def _measure_cm_e2e(data: Path, workers: int = 1) -> tuple[float, dict[str, Any], dict[str, Any]]:
    import campaign_metrics as cm

    start = time.perf_counter()
    report = cm.analyze(data, workers=workers)[0] if workers > 1 else cm.analyze(data)[0]
    seconds = time.perf_counter() - start
    return (seconds, *_cm_answers(report))


def _measure_cm_compute(data: Path) -> tuple[float, dict[str, Any], dict[str, Any]]:
    from campaign_metrics import CampaignAccumulator, ConversionEvent, InputError, MessageEvent
    from campaign_metrics.io.readers import iter_conversions, iter_events, read_campaign

    campaign = read_campaign(data / "campaign.json")
    items: list[MessageEvent | ConversionEvent] = []
    for source in (iter_events(data / "events.csv"), iter_conversions(data / "conversions.jsonl")):
        for line, item in source:
            if isinstance(item, InputError):
                raise RuntimeError(f"line {line}: {item}")
            items.append(item)
    # The objects are the caller's, not the library's garbage: keep them out of the
    # collector's generations so the timed part pays only for its own allocations.
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    report = CampaignAccumulator(campaign).add_all(items).report()
    seconds = time.perf_counter() - start
    return (seconds, *_cm_answers(report))


def _measure_peer(name: str, data: Path) -> tuple[float, dict[str, Any], dict[str, Any]]:
    from benchmarks.peers import PEERS

    for module in ("numpy", "pandas") if name == "pandas" else ("duckdb",):
        __import__(module)  # imports are not timed
    start = time.perf_counter()
    answers = PEERS[name](data)
    seconds = time.perf_counter() - start
    return seconds, answers, {}


def child(mode: str, data: Path) -> dict[str, Any]:
    """One measurement in this process (the runner starts a fresh process per call)."""
    measure: Callable[[Path], tuple[float, dict[str, Any], dict[str, Any]]]
    if mode in ("cm_e2e_csv", "cm_e2e_jsonl", BASELINE):
        measure = _measure_cm_e2e
    elif mode == "cm_e2e_csv_w2":

        def measure(path: Path) -> tuple[float, dict[str, Any], dict[str, Any]]:
            return _measure_cm_e2e(path, workers=2)

    elif mode == "cm_compute":
        measure = _measure_cm_compute
    else:

        def measure(path: Path) -> tuple[float, dict[str, Any], dict[str, Any]]:
            return _measure_peer(mode, path)

    import campaign_metrics  # noqa: F401  (start-up is not timed)

    seconds, answers, facts = measure(data)
    return {
        "mode": mode,
        "seconds": seconds,
        "peak_rss_mb": _peak_rss_mb(),
        "answers": answers,
        "facts": facts,
    }


def _run_child(mode: str, data: Path, library: Path | None = None) -> dict[str, Any]:
    """One measurement in a fresh process; ``library``: the ``src`` directory of another
    commit's campaign_metrics to measure instead of this one."""
    cmd = [sys.executable, "-m", "benchmarks.run", "--child", mode, "--data", str(data)]
    env = dict(os.environ)
    if library is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(library), str(ROOT)])
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- comparing


def _equal(key: str, expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if key in _MONEY:
        return Decimal(str(expected)) == Decimal(str(got))
    if key in _RATES:
        scale = max(abs(float(expected)), abs(float(got)), 1e-300)
        return abs(float(expected) - float(got)) <= _REL_TOL * scale
    return isinstance(got, int) and not isinstance(got, bool) and expected == got


def compare_answers(
    reference: dict[str, Any], answers: dict[str, Any], engine: str
) -> list[dict[str, Any]]:
    """The metrics where ``answers`` differ from ``reference`` (campaign_metrics e2e)."""
    return [
        {"engine": engine, "metric": key, "campaign_metrics": reference[key], engine: answers[key]}
        for key in ANSWER_KEYS
        if not _equal(key, reference[key], answers.get(key))
    ]


# --------------------------------------------------------------------------- the run


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _git_state() -> dict[str, Any]:
    """The commit measured, and whether the library's sources differ from it."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
            )
        except OSError:
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    changed = git("status", "--porcelain", "--", "src")
    return {"commit": git("rev-parse", "HEAD"), "src_modified": bool(changed)}


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def run(
    recipients: int,
    *,
    repetitions: int,
    seed: int,
    out: Path,
    repeat_callbacks: bool,
    regenerate: bool,
    baseline: str | None = None,
) -> dict[str, Any]:
    """Prepare the data, measure every mode ``repetitions`` times; return the result.

    ``baseline``: a git revision whose library is measured beside this one (e2e CSV),
    from a worktree of it; its answers must be equal too."""
    library = _baseline_worktree(baseline) if baseline else None
    modes = (*MODES, BASELINE) if library is not None else MODES
    stamp = prepare(out, recipients, seed, repeat_callbacks=repeat_callbacks, regenerate=regenerate)
    root = out / _data_name(recipients, seed, repeat_callbacks)
    events = stamp["message_events"] + stamp["conversions"]
    git_state = _git_state()
    load_start = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    for rep in range(repetitions):
        for mode in modes:
            data = root / ("jsonl" if mode == "cm_e2e_jsonl" else "csv")
            _log(f"repetition {rep + 1}/{repetitions}: {_LABELS[mode]} ...")
            result = _run_child(mode, data, library if mode == BASELINE else None)
            _log(
                f"  {result['seconds']:.2f} s, {events / result['seconds']:,.0f} events/s, "
                f"peak RSS {result['peak_rss_mb']:.0f} MB"
            )
            runs[mode].append(result)
    load_end = os.getloadavg()

    reference = runs["cm_e2e_csv"][0]["answers"]
    disagreements: list[dict[str, Any]] = []
    for mode in modes:
        for result in runs[mode]:
            for d in compare_answers(reference, result["answers"], mode):
                if d not in disagreements:
                    disagreements.append(d)
    facts = runs["cm_e2e_csv"][0]["facts"]
    if facts["id_conflicts"] or facts["rejected"]:
        # the peers deduplicate exact repeats; id conflicts or bad lines are not this data
        disagreements.append({"engine": "data", "metric": "data_quality", "facts": facts})

    summary: dict[str, dict[str, float]] = {}
    for mode in modes:
        seconds = statistics.median(r["seconds"] for r in runs[mode])
        summary[mode] = {
            "seconds": seconds,
            "events_per_s": events / seconds,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[mode]),
        }
    cm_e2e, cm_jsonl, cm_compute = (
        summary["cm_e2e_csv"],
        summary["cm_e2e_jsonl"],
        summary["cm_compute"],
    )
    pandas, duckdb = summary["pandas"], summary["duckdb"]
    w2 = summary["cm_e2e_csv_w2"]
    extra: dict[str, Any] = {}
    if library is not None:
        old = summary[BASELINE]
        extra["baseline"] = {
            "revision": baseline,
            "commit": _git_head(library.parent),
            "e2e_events_per_s": round(old["events_per_s"]),
            "e2e_seconds": round(old["seconds"], 3),
            "peak_rss_mb": _rounded(old["peak_rss_mb"]),
            "e2e_vs_pandas": round(old["events_per_s"] / pandas["events_per_s"], 4),
            "new_vs_baseline": round(cm_e2e["events_per_s"] / old["events_per_s"], 4),
        }
    return {
        **extra,
        "recipients": recipients,
        "events": events,
        "campaign_metrics": {
            "e2e_events_per_s": round(cm_e2e["events_per_s"]),
            "compute_events_per_s": round(cm_compute["events_per_s"]),
            "peak_rss_mb": _rounded(cm_e2e["peak_rss_mb"]),
            "e2e_jsonl_events_per_s": round(cm_jsonl["events_per_s"]),
            "e2e_seconds": round(cm_e2e["seconds"], 3),
            "e2e_jsonl_seconds": round(cm_jsonl["seconds"], 3),
            "compute_seconds": round(cm_compute["seconds"], 3),
            "e2e_jsonl_peak_rss_mb": _rounded(cm_jsonl["peak_rss_mb"]),
            "compute_peak_rss_mb": _rounded(cm_compute["peak_rss_mb"]),
            "e2e_vs_pandas": round(cm_e2e["events_per_s"] / pandas["events_per_s"], 4),
            "e2e_vs_duckdb": round(cm_e2e["events_per_s"] / duckdb["events_per_s"], 4),
            "compute_vs_pandas": round(cm_compute["events_per_s"] / pandas["events_per_s"], 4),
            "compute_vs_duckdb": round(cm_compute["events_per_s"] / duckdb["events_per_s"], 4),
            "e2e_workers2_events_per_s": round(w2["events_per_s"]),
            "e2e_workers2_seconds": round(w2["seconds"], 3),
            "e2e_workers2_peak_rss_mb": _rounded(w2["peak_rss_mb"]),
            "workers2_speedup": round(cm_e2e["seconds"] / w2["seconds"], 4),
        },
        "pandas": {
            "e2e_events_per_s": round(pandas["events_per_s"]),
            "peak_rss_mb": _rounded(pandas["peak_rss_mb"]),
            "e2e_seconds": round(pandas["seconds"], 3),
        },
        "duckdb": {
            "e2e_events_per_s": round(duckdb["events_per_s"]),
            "peak_rss_mb": _rounded(duckdb["peak_rss_mb"]),
            "e2e_seconds": round(duckdb["seconds"], 3),
        },
        "answers_equal": not disagreements,
        "disagreements": disagreements,
        "answers": reference,
        "message_events": stamp["message_events"],
        "conversions": stamp["conversions"],
        "repeated_callbacks": stamp["repeated_callbacks"],
        "repetitions": repetitions,
        "seed": seed,
        "repeat_callbacks": repeat_callbacks,
        "duplicates": facts["duplicates"],
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in load_end],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "versions": {
            dist: _version(dist) for dist in ("campaign-metrics", "pandas", "duckdb", "numpy")
        },
        "git": git_state,
    }


def _git_head(path: Path) -> str | None:
    proc = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() or None


def _baseline_worktree(revision: str) -> Path:
    """The ``src`` of a detached worktree of ``revision`` in the temporary directory
    (made once; outside the project, so its files are not linted or type-checked)."""
    proc = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"error: --baseline {revision!r} is not a commit of this repository")
    commit = proc.stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"campaign-metrics-baseline-{commit[:12]}"
    if not (tree / "src" / "campaign_metrics").is_dir():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
            check=True,
            capture_output=True,
        )
    return tree / "src"


def render(result: dict[str, Any]) -> str:
    """The human table."""
    cm, pandas, duckdb = result["campaign_metrics"], result["pandas"], result["duckdb"]
    rows = [
        ("cm_e2e_csv", cm["e2e_seconds"], cm["e2e_events_per_s"], cm["peak_rss_mb"]),
        (
            "cm_e2e_jsonl",
            cm["e2e_jsonl_seconds"],
            cm["e2e_jsonl_events_per_s"],
            cm["e2e_jsonl_peak_rss_mb"],
        ),
        (
            "cm_compute",
            cm["compute_seconds"],
            cm["compute_events_per_s"],
            cm["compute_peak_rss_mb"],
        ),
        (
            "cm_e2e_csv_w2",
            cm["e2e_workers2_seconds"],
            cm["e2e_workers2_events_per_s"],
            cm["e2e_workers2_peak_rss_mb"],
        ),
        ("pandas", pandas["e2e_seconds"], pandas["e2e_events_per_s"], pandas["peak_rss_mb"]),
        ("duckdb", duckdb["e2e_seconds"], duckdb["e2e_events_per_s"], duckdb["peak_rss_mb"]),
    ]
    if "baseline" in result:
        b = result["baseline"]
        rows.append((BASELINE, b["e2e_seconds"], b["e2e_events_per_s"], b["peak_rss_mb"]))
    lines = [
        f"{result['recipients']:,} recipients, {result['events']:,} events "
        f"({result['message_events']:,} message events + {result['conversions']:,} "
        f"conversions{', status callbacks written twice' if result['repeat_callbacks'] else ''})"
        f"; median of {result['repetitions']} run(s), each in a fresh process",
        "",
        f"{'engine':<38}{'median s':>10}{'events/s':>13}{'vs pandas':>11}"
        f"{'vs DuckDB':>11}{'peak RSS MB':>13}",
    ]
    for mode, seconds, rate, rss in rows:
        lines.append(
            f"{_LABELS[mode]:<38}{seconds:>10.2f}{rate:>13,}"
            f"{rate / pandas['e2e_events_per_s']:>11.3f}{rate / duckdb['e2e_events_per_s']:>11.3f}"
            f"{rss:>13.0f}"
        )
    m = result["machine"]
    lines += [
        "",
        "answers equal: "
        + (
            "yes (16 metrics of every engine equal campaign_metrics e2e)"
            if result["answers_equal"]
            else "NO"
        ),
        f"load average (1, 5, 15 min): start {m['load_average_start']}, "
        f"end {m['load_average_end']} on {m['cpus']} CPUs",
    ]
    for d in result["disagreements"]:
        lines.append(f"  disagreement: {json.dumps(d, default=str)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Benchmark campaign_metrics against pandas and DuckDB on a synthetic log.",
    )
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=3, help="runs per engine (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument(
        "--repeat-callbacks", action="store_true", help="write every status callback twice"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the logs go")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the logs")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also measure the library of git revision REV (e2e CSV), from a worktree",
    )
    parser.add_argument("--child", choices=(*MODES, BASELINE), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.data)))
        return 0
    if args.recipients < 1 or args.repetitions < 1:
        parser.error("--recipients and --repetitions must be at least 1")
    missing = [m for m in ("pandas", "duckdb") if importlib.util.find_spec(m) is None]
    if missing:
        print(
            f"error: {', '.join(missing)} not installed: pip install 'campaign-metrics[bench]'",
            file=sys.stderr,
        )
        return 2
    result = run(
        args.recipients,
        repetitions=args.repetitions,
        seed=args.seed,
        out=args.out.resolve(),
        repeat_callbacks=args.repeat_callbacks,
        regenerate=args.regenerate,
        baseline=args.baseline,
    )
    if args.json:
        print(json.dumps(result, default=str))
    else:
        print(render(result))
    if not result["answers_equal"]:
        _log("error: the engines' answers differ (see 'disagreements')")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
