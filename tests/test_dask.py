"""Past one machine: the distributed report equals the single-process report exactly.

A real ``distributed.LocalCluster`` with two worker processes folds random partitions —
including partitions that cut a user's or a message's events in two — and merges them
in a tree reduction.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("dask.bag")
pytest.importorskip("distributed")

import dask.bag as db
from distributed import Client, LocalCluster

from campaign_metrics import CampaignAccumulator, ConversionEvent, MessageEvent, analyze
from campaign_metrics.dask import report_bag, report_files
from campaign_metrics.synthetic import SyntheticSpec, write_campaign_dir

from .strategies import campaigns, conversions, logs, recipients

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@given(st.data())
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_distributed_report_equals_single_process_for_random_partitionings(
    client: Client, data: st.DataObject
) -> None:
    """D-10, DESIGN: fold partitions on workers, merge, report — equal to one process."""
    campaign = data.draw(campaigns(goals=True))
    log: list[MessageEvent | ConversionEvent] = list(data.draw(logs(campaign)))
    log += data.draw(conversions())
    people = data.draw(st.one_of(st.none(), recipients()))
    rnd = random.Random(data.draw(st.integers(0, 2**32)))
    rnd.shuffle(log)  # partitions are not aligned with users or messages
    whole = CampaignAccumulator(campaign, people).add_all(log).report()
    parts = data.draw(st.integers(1, 6))
    bag = db.from_sequence(log, npartitions=parts) if log else db.from_sequence([], npartitions=1)
    distributed = report_bag(bag, campaign, recipients=people, split_every=2, scheduler=client)
    assert distributed.to_dict() == whole.to_dict()


def test_report_files_equals_analyze_on_a_generated_campaign(
    client: Client, tmp_path: Path
) -> None:
    """A log split over many files, one task per file, equals analyze() on the directory."""
    spec = SyntheticSpec(recipients=400, bad_line_rate=0.0)
    directory = tmp_path / "c"
    write_campaign_dir(directory, spec, seed=7, events_format="csv")
    lines = (directory / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    random.Random(3).shuffle(body)
    paths = []
    for i in range(5):
        part = tmp_path / f"events-{i}.csv"
        part.write_text(header + "".join(body[i::5]), encoding="utf-8")
        paths.append(part)
    paths.append(directory / "conversions.jsonl")
    [expected] = analyze(directory)
    from campaign_metrics.io.readers import iter_recipients, read_campaign

    campaign = read_campaign(directory / "campaign.json")
    people = [
        r for _, r in iter_recipients(directory / "recipients.csv") if not isinstance(r, Exception)
    ]
    got = report_files(paths, campaign, recipients=people, scheduler=client)
    want: dict[str, Any] = expected.to_dict()
    have: dict[str, Any] = got.to_dict()
    # the rejected records name their own files; this log has none
    assert want["data_quality"]["rejected"] == have["data_quality"]["rejected"] == []
    assert have == want
