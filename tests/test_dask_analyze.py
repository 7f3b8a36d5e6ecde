"""``campaign_metrics.dask.analyze``: report partials on the workers, equal to one process.

Every test compares the distributed reports with :func:`campaign_metrics.analyze` on
the same campaign, key by key (``Report.to_dict``), on a real ``distributed.LocalCluster``
of two worker processes — with the events cut over many files at random, a user's and
a message's events split between files, big files read in byte ranges, and the users
cut into any number of parts.
"""

from __future__ import annotations

import gzip
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("dask.bag")
pytest.importorskip("distributed")

from distributed import Client, LocalCluster

import campaign_metrics as cm
from campaign_metrics import dask as cm_dask
from campaign_metrics.errors import ConfigurationError, InputError
from campaign_metrics.synthetic import SyntheticSpec, write_campaign_dir

pytestmark = pytest.mark.dask

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_DIRS = [EXAMPLES / n for n in ("connector_webhook", "mms_spring_sale", "sms_weekly_digest")]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _dicts(reports: list[cm.Report]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in reports]


def _cut(source: Path, target: Path, files: int, rnd: random.Random, subdir: bool) -> Path:
    """A copy of a campaign directory whose events are cut over ``files`` files, each
    line to a file at random (so users and messages are split between files)."""
    target.mkdir(parents=True)
    for name in ("campaign.json", "recipients.csv", "conversions.jsonl"):
        if (source / name).exists():
            shutil.copyfile(source / name, target / name)
    events = next(p for p in source.iterdir() if p.name in ("events.jsonl", "events.csv"))
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = ([lines[0]], lines[1:]) if events.suffix == ".csv" else ([], lines)
    buckets: list[list[str]] = [[] for _ in range(files)]
    for line in body:
        buckets[rnd.randrange(files)].append(line)
    where = target / "events" if subdir else target
    where.mkdir(exist_ok=True)
    for i, bucket in enumerate(buckets):
        (where / f"events-{i:03}{events.suffix}").write_text(
            "".join(header + bucket), encoding="utf-8"
        )
    return target


@given(st.data())
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_reports_equal_one_process_for_random_cuts_of_the_log(
    client: Client, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """D-10, DESIGN: any cut of the log over files and of the users over parts gives the
    report of one process (F-4 numbers, D-10 identities and B-2 settled across parts)."""
    seed = data.draw(st.integers(0, 2**16), label="seed")
    channel = data.draw(st.sampled_from(["sms", "mms", "connector"]), label="channel")
    kind = data.draw(st.sampled_from(["one_time", "periodic"]), label="delivery_type")
    fmt: Literal["jsonl", "csv"] = data.draw(st.sampled_from(["jsonl", "csv"]), label="format")
    root = tmp_path_factory.mktemp("cut")
    spec = SyntheticSpec(
        recipients=data.draw(st.integers(20, 300), label="recipients"),
        campaign={"channel": channel, "delivery_type": kind},
        bad_line_rate=0.02,
    )
    whole = root / "whole"
    write_campaign_dir(whole, spec, seed, events_format=fmt)
    rnd = random.Random(seed)
    files = data.draw(st.integers(1, 6), label="files")
    cut = _cut(whole, root / "cut", files, rnd, subdir=data.draw(st.booleans(), label="subdir"))
    parts = data.draw(st.integers(1, 5), label="parts")
    # byte ranges of any size: a piece may end inside a user's or a message's events
    piece = data.draw(st.sampled_from([64 << 20, 4096, 700]), label="piece_bytes")
    want = _dicts(cm.analyze(whole))
    got = _dicts(cm_dask.analyze(cut, client=client, parts=parts, piece_bytes=piece))
    # rejected records name their own files: compare them apart
    for w, g in zip(want, got):
        w_rej, g_rej = w["data_quality"].pop("rejected"), g["data_quality"].pop("rejected")
        assert len(w_rej) == len(g_rej)
        assert sorted(r["reason"] for r in w_rej) == sorted(r["reason"] for r in g_rej)
    assert got == want


def test_a_run_of_campaigns_equals_one_process(client: Client) -> None:
    """A-6, X-8, O-2, O-3: the three examples as one run (conversions and contacts shared
    across campaigns, bad lines kept with file and line), under every attribution type."""
    for attribution in ("view_through", "click_through", "in_session"):
        want = _dicts(cm.analyze(*EXAMPLE_DIRS, attribution=attribution))
        got = _dicts(cm_dask.analyze(*EXAMPLE_DIRS, client=client, attribution=attribution))
        assert got == want


def test_as_of_and_date_range_equal_one_process(client: Client) -> None:
    """D-7, T-1: a report as of an instant, over a date range, equals one process's."""
    sms = EXAMPLES / "sms_weekly_digest"
    kwargs: dict[str, Any] = {"as_of": "2026-05-05T12:00:00Z"}
    assert _dicts(cm_dask.analyze(sms, client=client, **kwargs)) == _dicts(
        cm.analyze(sms, **kwargs)
    )
    kwargs = {"date_range": ("2026-05-04", "2026-05-06")}
    assert _dicts(cm_dask.analyze(sms, client=client, parts=3, **kwargs)) == _dicts(
        cm.analyze(sms, **kwargs)
    )


def test_big_files_are_read_in_byte_ranges(tmp_path: Path) -> None:
    """A file larger than a piece is read as line-aligned byte ranges, on any worker:
    the same report, rejected records with their own file lines."""
    from campaign_metrics.dask._graph import campaign_files, run_graph

    spec = SyntheticSpec(recipients=400, bad_line_rate=0.02)
    write_campaign_dir(tmp_path, spec, 5)
    [want] = _dicts(cm.analyze(tmp_path))
    graph = run_graph(
        [campaign_files(tmp_path)],
        [],
        parts=3,
        as_of_us=None,
        date_range=None,
        attribution="view_through",
        strict=False,
        naive_zone=None,
        piece_bytes=16 << 10,  # many pieces of one events.jsonl
    )
    (partial,) = __import__("dask").compute(graph, scheduler="sync")
    [got] = _dicts(partial.reports())
    assert got == want


def test_gzip_events_files_are_read(tmp_path: Path) -> None:
    """``events*.jsonl.gz`` in the directory are read like the plain files."""
    source = EXAMPLES / "sms_weekly_digest"
    cut = _cut(source, tmp_path / "c", 3, random.Random(1), subdir=False)
    for p in sorted(cut.glob("events-*.jsonl")):
        with gzip.open(p.with_suffix(".jsonl.gz"), "wt", encoding="utf-8") as f:
            f.write(p.read_text(encoding="utf-8"))
        p.unlink()
    want = _dicts(cm.analyze(source))
    got = _dicts(cm_dask.analyze(cut, scheduler="sync"))
    for w, g in zip(want, got):
        assert len(w["data_quality"].pop("rejected")) == len(g["data_quality"].pop("rejected"))
    assert got == want


def test_strict_mode_raises_the_located_error(client: Client, tmp_path: Path) -> None:
    """Strict mode: the first bad record's InputError, naming the directory, the file,
    the line and the field, reaches the caller."""
    source = EXAMPLES / "sms_weekly_digest"
    with pytest.raises(InputError) as info:
        cm_dask.analyze(source, client=client, strict=True)
    # whichever worker meets its bad line first: the directory, the file and the line
    assert re.search(r"sms_weekly_digest/(events|conversions)\.jsonl:\d+: ", str(info.value))


def test_bad_arguments_are_refused_before_any_work(tmp_path: Path) -> None:
    """The options are checked as analyze checks them."""
    sms = EXAMPLES / "sms_weekly_digest"
    with pytest.raises(ConfigurationError):
        cm_dask.analyze()
    with pytest.raises(ConfigurationError, match="attribution"):
        cm_dask.analyze(sms, attribution="first_touch", scheduler="sync")
    with pytest.raises(ConfigurationError, match="twice"):
        cm_dask.analyze(sms, sms, scheduler="sync")
    with pytest.raises(ConfigurationError, match="parts"):
        cm_dask.analyze(sms, parts=0, scheduler="sync")
    with pytest.raises(InputError, match=r"campaign\.json"):
        cm_dask.analyze(tmp_path, scheduler="sync")
    with pytest.raises(ConfigurationError, match="no events file"):
        cm_dask.analyze(cm_dask.campaign_files(sms, events="nothing-*.jsonl"), scheduler="sync")


def test_on_reject_is_told_of_every_rejected_record_once() -> None:
    """Lenient mode: ``on_reject`` hears each record of ``data_quality.rejected``."""
    seen: list[Any] = []
    [report] = cm_dask.analyze(
        EXAMPLES / "mms_spring_sale", scheduler="sync", on_reject=seen.append
    )
    assert len(seen) == len(report.data_quality.rejected) > 0
