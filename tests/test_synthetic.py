"""The synthetic generator: deterministic, FORMATS.md-shaped, realistic journeys.

Each written directory is read back independently of the generator — raw lines, the
model's own constructors, the phone-number library — and its deliberate imperfections
are recounted from the files and compared with the summary.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_metrics.errors import ConfigurationError
from campaign_metrics.model import (
    EXTRA_KEYS,
    Campaign,
    ConversionEvent,
    EventType,
    MessageEvent,
)
from campaign_metrics.synthetic import (
    EVENT_COLUMNS,
    RECIPIENT_COLUMNS,
    EventsFormat,
    SyntheticSpec,
    SyntheticSummary,
    benchmark_spec,
    example_specs,
    iter_conversions,
    iter_events,
    iter_recipients,
    main,
    to_json_line,
    write_campaign_dir,
    write_examples,
)
from campaign_metrics.timezones import parse_instant

COMMON_KEYS = frozenset({"event_id", "campaign_id", "instance_id", "user_id", "type", "time"})
CONVERSION_KEYS = frozenset({"event_id", "user_id", "name", "time", "revenue", "properties"})
INT_COLUMNS = frozenset({"response_code", "segments", "status_code"})
OUTCOMES = frozenset(
    {"delivered", "delivery_failed", "sms_fallback", "soft_bounce", "hard_bounce", "deleted"}
)
POST_SEND = OUTCOMES | {"clicked"}
FAILURES = frozenset({"send_failed", "skipped", "personalization_failed"})
OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")
REPO = Path(__file__).resolve().parents[1]

# Every imperfection switched on, so that each check has something to count.
NOISY: dict[str, Any] = {
    "recipients": 400,
    "control_rate": 0.1,
    "variations": (("A", 1), ("B", 1)),
    "invalid_number_rate": 0.03,
    "duplicate_number_rate": 0.03,
    "fc_removed_rate": 0.03,
    "personalization_failed_rate": 0.02,
    "skipped_rate": 0.02,
    "send_failed_rate": 0.03,
    "content_api_error_rate": 0.02,
    "late_receipt_rate": 0.05,
    "duplicate_receipt_rate": 0.05,
    "conflicting_receipt_rate": 0.05,
    "receipt_without_send_rate": 0.03,
    "receipt_before_send_rate": 0.03,
    "untracked_receipt_rate": 0.03,
    "click_rate": 0.3,
    "expired_click_rate": 0.1,
    "unsubscribe_rate": 0.05,
    "shuffle_rate": 0.1,
    "bad_line_rate": 0.01,
    "bad_conversion_line_rate": 0.05,
}
CAMPAIGNS: dict[str, dict[str, Any]] = {
    "sms": {"channel": "sms"},
    "mms": {"channel": "mms", "attribution_window_hours": 168},
    "connector": {"channel": "connector", "click_tracking": False},
    "custom_tracked": {"channel": "sms", "provider": "custom", "delivery_tracking": True},
    "custom_sent_only": {"channel": "mms", "provider": "custom", "default_region": None},
    "periodic": {"channel": "sms", "delivery_type": "periodic", "max_segments": 1},
    "active": {"channel": "mms", "delivery_type": "active", "goals": []},
}


def noisy(name: str, **changes: Any) -> SyntheticSpec:
    return SyntheticSpec(campaign=CAMPAIGNS[name], **{**NOISY, **changes})


# --------------------------------------------------------------------------- reading back


def check_event(record: Mapping[str, Any]) -> MessageEvent:
    """FORMATS.md's keys for the type, a time with an offset, values the model accepts."""
    type_ = EventType(record["type"])
    extra = set(record) - COMMON_KEYS
    assert extra <= EXTRA_KEYS[type_], (record, extra)
    assert OFFSET.search(record["time"]), record
    fields = {k: v for k, v in record.items() if k not in ("type", "time")}
    return MessageEvent(type=type_, time=parse_instant(record["time"]), **fields)


def check_conversion(record: Mapping[str, Any]) -> ConversionEvent:
    assert set(record) <= CONVERSION_KEYS, record
    assert {"event_id", "user_id", "name", "time"} <= set(record), record
    assert OFFSET.search(record["time"]), record
    if "revenue" in record:
        revenue = record["revenue"]
        assert isinstance(revenue, Decimal), record
        assert revenue.as_tuple().exponent == -2, record
    fields = {k: v for k, v in record.items() if k != "time"}
    return ConversionEvent(time=parse_instant(record["time"]), **fields)


def bad_kind(record: Mapping[str, Any], conversion: bool) -> str | None:
    """The deliberate flaw of a parsed record, or ``None`` for a good one."""
    if not OFFSET.search(str(record.get("time", ""))):
        return "naive_time"
    if conversion:
        if "revenue" in record and not isinstance(record["revenue"], Decimal):
            return "revenue_not_a_number"
        check_conversion(record)
        return None
    if record.get("type") not in EventType._value2member_map_:
        return "unknown_type"
    check_event(record)
    return None


def csv_record(row: Mapping[str | None, Any]) -> dict[str, Any] | None:
    if None in row or any(v is None for v in row.values()):
        return None  # a short or long row
    out: dict[str, Any] = {}
    for key, value in row.items():
        assert key is not None
        if value != "":
            out[key] = int(value) if key in INT_COLUMNS else value
    return out


@attrs.frozen
class Contents:
    campaign: dict[str, Any]
    recipients: list[dict[str, str]]
    events: list[dict[str, Any]]
    event_lines: list[str]
    conversions: list[dict[str, Any]]
    bad: Counter[str]


def read_dir(root: Path) -> Contents:
    campaign = json.loads((root / "campaign.json").read_text(encoding="utf-8"))
    with open(root / "recipients.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == RECIPIENT_COLUMNS
        recipients = list(reader)
    bad: Counter[str] = Counter()
    events: list[dict[str, Any]] = []
    lines: list[str] = []
    if (root / "events.jsonl").exists():
        for line in (root / "events.jsonl").read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line, parse_float=Decimal)
            except json.JSONDecodeError:
                bad["malformed"] += 1
                continue
            kind = bad_kind(record, conversion=False)
            if kind:
                bad[kind] += 1
            else:
                events.append(record)
                lines.append(line)
    else:
        with open(root / "events.csv", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == EVENT_COLUMNS
            for row in reader:
                parsed = csv_record(row)
                if parsed is None:
                    bad["malformed"] += 1
                    continue
                kind = bad_kind(parsed, conversion=False)
                if kind:
                    bad[kind] += 1
                else:
                    events.append(parsed)
                    lines.append(json.dumps(parsed, sort_keys=True))
    conversions: list[dict[str, Any]] = []
    for line in (root / "conversions.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError:
            bad["malformed"] += 1
            continue
        kind = bad_kind(record, conversion=True)
        if kind:
            bad[kind] += 1
        else:
            conversions.append(record)
    return Contents(campaign, recipients, events, lines, conversions, bad)


def is_valid_mobile(number: str, region: str | None) -> bool:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed)) and phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def e164(number: str, region: str | None) -> str:
    return str(
        phonenumbers.format_number(
            phonenumbers.parse(number, region), phonenumbers.PhoneNumberFormat.E164
        )
    )


def check_directory(root: Path, summary: SyntheticSummary) -> Contents:
    """Every invariant of a written directory, recounted from the files."""
    data = read_dir(root)
    campaign = Campaign.from_dict(data.campaign)
    assert len(data.events) == summary.events
    assert len(data.conversions) == summary.conversions
    assert dict(data.bad) == dict(summary.bad_lines_by_kind)
    assert sum(data.bad.values()) == summary.bad_event_lines + summary.bad_conversion_lines
    assert Counter(e["type"] for e in data.events) == Counter(summary.events_by_type)
    assert len(data.recipients) == summary.recipients
    for event in data.events:
        assert event["campaign_id"] == campaign.id
        assert ("instance_id" in event) == campaign.multi_instance
        if event["type"] == "sms_fallback":
            assert campaign.channel.value == "mms", event  # D-6: only an MMS falls back
        if event["type"] == "clicked":
            assert campaign.click_tracking, event

    # exact repeats are byte-identical lines; every other line has its own event id
    repeats = sum(n - 1 for n in Counter(data.event_lines).values())
    assert repeats == summary.exact_duplicates
    ids = Counter(e["event_id"] for e in data.events)
    assert sum(n - 1 for n in ids.values()) == summary.exact_duplicates

    messages: defaultdict[tuple[str, str | None], list[dict[str, Any]]] = defaultdict(list)
    for event in data.events:
        if "user_id" in event:
            messages[event["user_id"], event.get("instance_id")].append(event)
        else:
            assert EventType(event["type"]).is_timeline
    by_user: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for (user, _), events in messages.items():
        by_user[user].extend(events)

    # recipients: invalid numbers and later duplicates never get a message (F-1, F-4)
    region = campaign.default_region
    invalid = duplicates = controls = 0
    keepers: dict[str, str] = {}
    for row in sorted(data.recipients, key=lambda r: r["user_id"]):
        user, number = row["user_id"], row["mobile_number"]
        seen = {e["type"] for e in by_user.get(user, [])}
        if row["group"] == "control":
            assert seen <= {"control_removed"}, row
        else:
            assert "control_removed" not in seen, row
        if not is_valid_mobile(number, region):
            invalid += 1
            assert user not in by_user, row
            continue
        key = e164(number, region)
        if key in keepers:
            duplicates += 1
            assert user not in by_user, (row, keepers[key])
            # F-4: duplicates are found among the users left by frequency capping
            kept = {e["type"] for e in by_user.get(keepers[key], [])}
            assert kept - {"fc_removed", "control_removed"}, (row, keepers[key])
            continue
        keepers[key] = user
        controls += row["group"] == "control"
    assert invalid == summary.invalid_numbers
    assert duplicates == summary.duplicate_numbers
    assert controls == summary.control_users
    assert set(by_user) <= {r["user_id"] for r in data.recipients}

    # journeys: no receipt without a send unless deliberate (D-12), no send after a failure
    without_send = before_send = conflicts = repeated = ignored = expired = 0
    for events in messages.values():
        types = Counter(e["type"] for e in events)
        instants = [(parse_instant(e["time"]), e) for e in events]
        sends = [
            t for t, e in instants if e["type"] == "sent" and e.get("response_code", 200) == 200
        ]
        post = [t for t, e in instants if e["type"] in POST_SEND]
        if types["fc_removed"] or types["control_removed"]:
            assert len(types) == 1, events
        if types.keys() & FAILURES:
            assert not sends, events
            assert not post, events
        if not campaign.delivery_tracked:
            # CH-2: outcome events of a sent-only log are ignored before every rule
            ignored += sum(types[t] for t in OUTCOMES)
            post = [t for t, e in instants if e["type"] == "clicked"]
        if sends or post:
            sent_at = min(sends + post)  # D-1: the message's send instant
            expired += sum(
                1
                for t, e in instants
                if e["type"] == "clicked" and (t - sent_at).total_seconds() > 360 * 3600
            )
        if not campaign.delivery_tracked:
            continue
        if post and not sends:
            without_send += 1
        receipts = [t for t, e in instants if e["type"] in OUTCOMES]
        if sends and receipts and min(receipts) < min(sends):
            before_send += 1
        delivered_ids = {e["event_id"] for e in events if e["type"] == "delivered"}
        if delivered_ids and types.keys() & (OUTCOMES - {"delivered"}):
            conflicts += 1  # D-11
        repeated += len(delivered_ids) > 1
    assert without_send == summary.receipts_without_send
    assert before_send == summary.receipts_before_send
    assert conflicts == summary.delivery_conflicts
    assert repeated == summary.repeated_receipts
    assert ignored == summary.ignored_receipts
    assert expired == summary.expired_clicks
    return data


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("events_format", ["jsonl", "csv"])
def test_same_seed_writes_byte_identical_files(tmp_path: Path, events_format: EventsFormat) -> None:
    spec = noisy("mms")
    first = write_campaign_dir(tmp_path / "a", spec, 11, events_format=events_format)
    second = write_campaign_dir(tmp_path / "b", spec, 11, events_format=events_format)
    assert first == second
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert f"events.{events_format}" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_different_seeds_write_different_logs(tmp_path: Path) -> None:
    spec = noisy("sms")
    write_campaign_dir(tmp_path / "a", spec, 1)
    write_campaign_dir(tmp_path / "b", spec, 2)
    for name in ("recipients.csv", "events.jsonl", "conversions.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()
    assert list(iter_events(spec, 1)) != list(iter_events(spec, 2))


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("name", sorted(CAMPAIGNS))
def test_written_directory_keeps_formats_and_journeys(tmp_path: Path, name: str) -> None:
    spec = noisy(name)
    summary = write_campaign_dir(tmp_path, spec, 5)
    data = check_directory(tmp_path, summary)
    assert data.events
    assert data.conversions
    # every imperfection the spec asks for is present, not only consistent
    assert summary.bad_event_lines > 0
    assert summary.bad_conversion_lines > 0
    assert summary.out_of_order > 0
    assert summary.control_users > 0
    if spec.build_campaign().channel.value != "connector":
        assert summary.invalid_numbers > 0
        assert summary.duplicate_numbers > 0
    if spec.build_campaign().delivery_tracked:
        assert summary.receipts_without_send > 0
        assert summary.receipts_before_send > 0
        assert summary.exact_duplicates > 0
        assert summary.delivery_conflicts > 0
        assert summary.repeated_receipts > 0
    else:
        assert summary.ignored_receipts > 0


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    name=st.sampled_from(sorted(CAMPAIGNS)),
    events_format=st.sampled_from(["jsonl", "csv"]),
)
def test_any_seed_keeps_formats_and_journeys(
    seed: int, name: str, events_format: EventsFormat
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        summary = write_campaign_dir(
            tmp, noisy(name, recipients=60), seed, events_format=events_format
        )
        check_directory(Path(tmp), summary)


def test_iterators_yield_the_good_records_of_the_files(tmp_path: Path) -> None:
    spec = noisy("periodic", recipients=150)
    write_campaign_dir(tmp_path, spec, 3)
    data = read_dir(tmp_path)
    assert [to_json_line(e) for e in iter_events(spec, 3)] == data.event_lines
    conversions = [
        json.loads(to_json_line(c), parse_float=Decimal) for c in iter_conversions(spec, 3)
    ]
    assert conversions == data.conversions
    assert list(iter_recipients(spec, 3)) == data.recipients


def test_csv_events_hold_the_same_records_as_jsonl(tmp_path: Path) -> None:
    spec = noisy("connector", recipients=200)
    write_campaign_dir(tmp_path / "j", spec, 8)
    write_campaign_dir(tmp_path / "c", spec, 8, events_format="csv")
    jsonl, as_csv = read_dir(tmp_path / "j"), read_dir(tmp_path / "c")
    assert as_csv.events == jsonl.events
    assert as_csv.bad == jsonl.bad


def test_writing_another_format_replaces_the_events_file(tmp_path: Path) -> None:
    spec = SyntheticSpec(recipients=10)
    write_campaign_dir(tmp_path, spec, 1)
    write_campaign_dir(tmp_path, spec, 1, events_format="csv")
    assert not (tmp_path / "events.jsonl").exists()
    assert (tmp_path / "events.csv").exists()


def test_times_mix_utc_spellings_and_offsets() -> None:
    suffixes = Counter(
        "Z" if e["time"].endswith("Z") else e["time"][-6:]
        for e in iter_events(SyntheticSpec(recipients=300), 4)
    )
    assert suffixes["Z"]
    assert suffixes["+00:00"]
    assert len(suffixes) >= 4


def test_revenue_is_written_exactly_with_refunds_and_gaps(tmp_path: Path) -> None:
    spec = SyntheticSpec(recipients=800, purchase_rate=0.5, refund_rate=0.2, no_revenue_rate=0.2)
    write_campaign_dir(tmp_path, spec, 9)
    lines = (tmp_path / "conversions.jsonl").read_text(encoding="utf-8").splitlines()
    purchases = [line for line in lines if '"name":"purchase"' in line]
    amounts = [re.search(r'"revenue":([^,}]*)', line) for line in purchases]
    written = [m.group(1) for m in amounts if m]
    assert written
    assert all(re.fullmatch(r"-?\d+\.\d\d", text) for text in written)
    assert any(text.startswith("-") for text in written)
    assert len(written) < len(purchases)
    assert to_json_line({"revenue": Decimal("19.90")}) == '{"revenue":19.90}'


def test_phone_numbers_look_real_and_vary_in_style() -> None:
    rows = list(iter_recipients(SyntheticSpec(recipients=300, invalid_number_rate=0.0), 2))
    numbers = [r["mobile_number"] for r in rows]
    assert all(is_valid_mobile(n, "US") for n in numbers)
    assert {e164(n, "US")[2:5] for n in numbers} == {"415", "650"}
    assert len({re.sub(r"\d", "9", n) for n in numbers}) >= 4


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    "spec",
    [
        SyntheticSpec(),
        benchmark_spec(10),
        *example_specs().values(),
        *(SyntheticSpec(campaign=c) for c in CAMPAIGNS.values()),
    ],
)
def test_campaign_json_passes_the_model(tmp_path: Path, spec: SyntheticSpec) -> None:
    write_campaign_dir(tmp_path, attrs.evolve(spec, recipients=5), 0)
    mapping = json.loads((tmp_path / "campaign.json").read_text(encoding="utf-8"))
    assert Campaign.from_dict(mapping) == spec.build_campaign()


@pytest.mark.parametrize(
    "changes",
    [
        {"click_rate": 1.5},
        {"bad_line_rate": -0.1},
        {"bad_conversion_line_rate": 2},
        {"delivered_rate": 0.9, "soft_bounce_rate": 0.2},
        {"campaign": {"channel": "mms", "attribution_window_hours": 200}},
        {"campaign": {"channel": "fax"}},
        {"instances": [("x", "2026-04-14T00:00:00Z")]},  # a one-time campaign
        {"time_styles": {"local": 1}},
        {"timezones": {"Mars/Olympus": 1}},
    ],
)
def test_spec_rejects_bad_knobs(changes: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        SyntheticSpec(**changes)


def test_periodic_instances_follow_the_spec() -> None:
    spec = SyntheticSpec(
        campaign={"delivery_type": "periodic"},
        recipients=50,
        instances=[("w1", "2026-04-06T13:00:00Z"), ("w2", "2026-04-13T13:00:00Z")],
    )
    seen = {e.get("instance_id") for e in iter_events(spec, 1)}
    assert seen == {"w1", "w2"}


# --------------------------------------------------------------------------- scale


def test_benchmark_profile_has_about_three_events_per_recipient(tmp_path: Path) -> None:
    summary = write_campaign_dir(tmp_path, benchmark_spec(3000), 1)
    check_directory(tmp_path, summary)
    assert 2.7 <= summary.events / summary.recipients <= 3.5
    assert summary.bad_event_lines == summary.bad_conversion_lines == 0
    receipts = summary.events_by_type["delivered"]
    assert 0.005 * receipts <= summary.exact_duplicates <= 0.02 * receipts
    assert summary.out_of_order > 0
    assert summary.events_by_type["attempted"] < summary.events_by_type["sent"]
    assert summary.events_by_type["clicked"] > 0
    assert summary.conversions > 0
    assert Campaign.from_dict(benchmark_spec(1).campaign_mapping()).delivery_tracked


def test_events_stream_without_materialising_the_log() -> None:
    started = time.perf_counter()
    head = list(itertools.islice(iter_events(benchmark_spec(100_000_000), 2000), 2000))
    assert len(head) == 2000
    assert time.perf_counter() - started < 30


def test_out_of_order_lines_stay_within_the_window() -> None:
    spec = noisy("sms", recipients=300, shuffle_rate=0.3, shuffle_window=8)
    ids = [int(e["event_id"][1:]) for e in iter_events(spec, 6)]
    rank = {event_id: i for i, event_id in enumerate(sorted(set(ids)))}
    moves = [i - rank[event_id] for i, event_id in enumerate(dict.fromkeys(ids))]
    assert max(abs(m) for m in moves) <= 2 * spec.shuffle_window
    assert ids != sorted(ids)


# --------------------------------------------------------------------------- command line


def test_command_writes_one_campaign(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["campaign", str(tmp_path), "--recipients", "40", "--seed", "3", "--channel", "mms"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["recipients"] == 40
    mapping = json.loads((tmp_path / "campaign.json").read_text(encoding="utf-8"))
    assert Campaign.from_dict(mapping).channel.value == "mms"


def test_command_reports_a_bad_knob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["campaign", str(tmp_path), "--bad-line-rate", "2"]) == 2
    assert "bad_line_rate" in capsys.readouterr().err


@pytest.mark.slow
def test_examples_are_small_flawed_and_up_to_date(tmp_path: Path) -> None:
    summaries = write_examples(tmp_path)
    assert sorted(summaries) == ["connector_webhook", "mms_spring_sale", "sms_weekly_digest"]
    for name, summary in summaries.items():
        root = tmp_path / name
        data = check_directory(root, summary)
        assert sum(p.stat().st_size for p in root.iterdir()) < 3_000_000
        assert set(data.bad) >= {"malformed", "naive_time", "unknown_type"}
        assert summary.bad_conversion_lines > 0
        committed = REPO / "examples" / name
        if committed.exists():
            for path in root.iterdir():
                assert (committed / path.name).read_bytes() == path.read_bytes(), path.name
    mms = read_dir(tmp_path / "mms_spring_sale")
    assert {r["group"] for r in mms.recipients} == {"target", "control"}
    assert {r["variation"] for r in mms.recipients} == {"A", "B"}
