"""The engine's laws over generated journeys (D-7, D-10, X-1, D-4, F-3, R-4).

The laws are necessary; the comparison with the one-pass reference fold
(``tests/reference.py``) is what counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import random
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_metrics import CampaignAccumulator, ConversionEvent, MessageEvent
from campaign_metrics.report import Report

from .reference import reference
from .strategies import T0, campaigns, conversions, logs, recipients

Event = MessageEvent | ConversionEvent

DELIVERY_KEYS = (
    "attempted",
    "sent",
    "failed_to_send",
    "awaiting_response",
    "delivered",
    "sent_as_sms",
    "failed_to_deliver",
    "in_transit",
    "unique_sent_users",
    "unique_delivered_users",
    "total_segments",
)
QUALITY_KEYS = (
    "duplicates",
    "id_conflicts",
    "delivery_conflicts",
    "send_conflicts",
    "receipts_without_send",
    "receipt_before_send",
    "ignored_events",
)


@st.composite
def scenarios(draw: st.DrawFn, /, **fixed: Any) -> tuple[Any, list[Event], Any]:
    campaign = draw(campaigns(**fixed))
    log: list[Event] = list(draw(logs(campaign)))
    log.extend(draw(conversions()))
    people = draw(st.one_of(st.none(), recipients()))
    return campaign, log, people


def fold(campaign: Any, events: Sequence[Event], people: Any = None) -> CampaignAccumulator:
    acc = CampaignAccumulator(campaign, people)
    acc.add_all(events)
    return acc


def report_of(acc: CampaignAccumulator, as_of: dt.datetime | None = None) -> Report:
    return acc.report(as_of=as_of)


def as_ofs() -> st.SearchStrategy[dt.datetime | None]:
    return st.one_of(st.none(), st.integers(-10, 4000).map(lambda m: T0 + dt.timedelta(minutes=m)))


@given(scenarios(), as_ofs())
@settings(max_examples=150)
def test_engine_agrees_with_the_reference_fold(scenario: Any, as_of: dt.datetime | None) -> None:
    """D-1..D-12, K-1..K-3, CH-2, CH-3: the engine equals the literal reading of the rules."""
    campaign, log, people = scenario
    messages = [e for e in log if isinstance(e, MessageEvent)]
    expected = reference(campaign, messages, as_of if as_of is not None else _latest(log))
    r = report_of(fold(campaign, messages, people), as_of).to_dict()
    if not messages:
        return
    for key in DELIVERY_KEYS:
        assert r["delivery"][key] == expected[key], key
    for key in QUALITY_KEYS:
        assert r["data_quality"][key] == expected[key], key
    for key in ("total_clicks", "unique_clickers", "expired_clicks"):
        assert r["engagement"][key] == expected[key], key


def _latest(log: list[Event]) -> dt.datetime | None:
    return max((e.time for e in log), default=None)


@given(scenarios(), st.randoms(use_true_random=False))
def test_report_is_the_same_for_every_permutation_of_the_log(
    scenario: Any, rnd: random.Random
) -> None:
    """D-10: no rule depends on the order of the log."""
    campaign, log, people = scenario
    shuffled = list(log)
    rnd.shuffle(shuffled)
    assert (
        report_of(fold(campaign, log, people)).to_dict()
        == report_of(fold(campaign, shuffled, people)).to_dict()
    )


@given(scenarios(), st.data())
def test_repeating_records_changes_nothing_but_duplicates(
    scenario: Any, data: st.DataObject
) -> None:
    """D-10: a repeat of an identity with the same content counts once."""
    campaign, log, people = scenario
    if not log:
        return
    repeats = data.draw(st.lists(st.sampled_from(log), min_size=1, max_size=5))
    base = report_of(fold(campaign, log, people)).to_dict()
    more = report_of(fold(campaign, log + repeats, people)).to_dict()
    assert more["data_quality"]["duplicates"] == base["data_quality"]["duplicates"] + len(repeats)
    more["data_quality"]["duplicates"] = base["data_quality"]["duplicates"]
    assert more == base


@given(scenarios(), st.data())
@settings(max_examples=40)
def test_merging_the_states_of_any_split_equals_the_whole(
    scenario: Any, data: st.DataObject
) -> None:
    """D-10, DESIGN: fold(xs + ys) == fold(xs).merge(fold(ys)), splits cutting messages."""
    campaign, log, people = scenario
    n = len(log)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    bounds = [0, *cuts, n]
    parts = [fold(campaign, log[a:b], people) for a, b in itertools.pairwise(bounds)]
    whole = fold(campaign, log, people)
    merged = parts[0]
    for p in parts[1:]:
        merged = merged.merge(p)
    assert merged == whole
    assert report_of(merged).to_dict() == report_of(whole).to_dict()
    # commutative, with empty() as identity
    reverse = parts[-1]
    for p in reversed(parts[:-1]):
        reverse = reverse.merge(p)
    assert reverse == whole
    assert whole.merge(CampaignAccumulator.empty(campaign, people)) == whole


@given(scenarios(), st.data())
@settings(max_examples=30)
def test_merge_is_associative_and_overlaps_fold_once(scenario: Any, data: st.DataObject) -> None:
    """D-10: merging states that share records counts each record's content once."""
    campaign, log, people = scenario
    n = len(log)
    a, b = sorted((data.draw(st.integers(0, n)), data.draw(st.integers(0, n))))
    x, y, z = (fold(campaign, part, people) for part in (log[:a], log[a:b], log[b:]))
    assert x.merge(y).merge(z) == x.merge(y.merge(z))
    # an overlapping part: its records are repeats, so only `records` differs
    overlap = fold(campaign, log[a:b], people)
    doubled = x.merge(y).merge(z).merge(overlap)
    assert doubled.messages.keys() == fold(campaign, log, people).messages.keys()


@given(scenarios())
@settings(max_examples=20)
def test_accumulators_survive_pickling(scenario: Any) -> None:
    """Accumulators travel between processes (Dask) unchanged."""
    campaign, log, people = scenario
    acc = fold(campaign, log, people)
    clone = pickle.loads(pickle.dumps(acc))
    assert clone == acc
    assert report_of(clone).to_dict() == report_of(acc).to_dict()


MONOTONE = (
    ("delivery", "attempted"),
    ("delivery", "sent"),
    ("delivery", "sent_as_sms"),
    ("engagement", "total_clicks"),
    ("engagement", "unique_clickers"),
    ("engagement", "expired_clicks"),
)


@given(scenarios(), st.integers(-10, 4000), st.integers(0, 4000))
def test_cumulative_counts_never_fall_for_a_later_as_of(scenario: Any, m: int, step: int) -> None:
    """D-7: for a ≤ b the cumulative counts never decrease; Delivered falls only by the
    messages that moved to Sent as SMS."""
    campaign, log, people = scenario
    acc = fold(campaign, log, people)
    a = T0 + dt.timedelta(minutes=m)
    b = a + dt.timedelta(minutes=step)
    ra, rb = report_of(acc, a).to_dict(), report_of(acc, b).to_dict()
    for section, key in MONOTONE:
        if ra[section][key] is not None:
            assert rb[section][key] >= ra[section][key], key
    da, db = ra["delivery"], rb["delivery"]
    if da["delivered"] is not None:
        assert da["delivered"] - db["delivered"] <= db["sent_as_sms"] - da["sent_as_sms"]
    sent_a = next(s for s in ra["funnel"] if s["stage"] == "sent")["users"]
    sent_b = next(s for s in rb["funnel"] if s["stage"] == "sent")["users"]
    assert sent_b >= sent_a
    for t in ("view_through", "click_through", "in_session"):
        ca, cb = ra["conversion"][t], rb["conversion"][t]
        if ca["conversion_events"] is not None and not db["sent_as_sms"]:
            assert cb["conversion_events"] >= ca["conversion_events"]
            assert cb["converted_users"] >= ca["converted_users"]


@given(scenarios(), as_ofs())
def test_outcomes_partition_sent_and_attempted_adds_up(
    scenario: Any, as_of: dt.datetime | None
) -> None:
    """X-1, D-4, E-3: the outcomes add up to Sent; Attempted = Sent + Failed + Awaiting;
    the failed-to-deliver rows plus Delivered add up to Sent."""
    campaign, log, people = scenario
    r = report_of(fold(campaign, log, people), as_of).to_dict()
    d = r["delivery"]
    assert d["attempted"] == d["sent"] + d["failed_to_send"] + d["awaiting_response"]
    if d["delivered"] is not None:
        assert (
            d["delivered"] + d["sent_as_sms"] + d["failed_to_deliver"] + d["in_transit"]
            == d["sent"]
        )
    rows = r["errors"]["failed_to_deliver"]
    if campaign.channel.value != "connector":  # D-8: a connector's list is empty
        assert sum(row["messages"] for row in rows) + (d["delivered"] or 0) == d["sent"]


@given(scenarios(), as_ofs())
def test_funnel_stages_never_increase_and_unique_rates_are_bounded(
    scenario: Any, as_of: dt.datetime | None
) -> None:
    """F-3, R-4: stages never grow; unique rates lie in [0, 100] or are None."""
    campaign, log, people = scenario
    r = report_of(fold(campaign, log, people), as_of).to_dict()
    users = [s["users"] for s in r["funnel"] if s["users"] is not None]
    assert users == sorted(users, reverse=True)
    for s in r["funnel"]:
        assert s["removed"] is None or s["removed"] >= 0
    rates = [
        r["delivery"]["sent_rate"],
        r["delivery"]["delivered_rate"],
        r["delivery"]["failed_rate"],
        r["engagement"]["click_to_delivered_rate"],
        r["delivery"]["time_to_deliver"]["young_share"],
    ]
    for t in ("view_through", "click_through", "in_session"):
        rates.append(r["conversion"][t]["cvr"])
    for value in rates:
        assert value is None or 0 <= value <= 100
    ctr = r["engagement"]["ctr"]
    assert ctr is None or ctr >= 0
