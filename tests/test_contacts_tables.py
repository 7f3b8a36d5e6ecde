"""Contacts, suppression, unsubscribes (O-1..O-3), the overview (O-4), the campaigns
table and its schema (O-5, X-5), safe cells (X-6) and masking (X-7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_metrics import (
    CAMPAIGN_COLUMNS,
    Campaign,
    CampaignInput,
    MessageEvent,
    Recipient,
    analyze,
    campaigns_table,
    overview,
    suppression_list,
    table_schema,
)
from campaign_metrics.cli import main

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 5, 4, 7, tzinfo=UTC)
H = dt.timedelta(hours=1)


def ev(type_: str, user: str, hours: float = 0, **kw: Any) -> MessageEvent:
    return MessageEvent(type=type_, time=T0 + hours * H, user_id=user, **kw)


def sms(id_: str = "c1", **kw: Any) -> Campaign:
    return Campaign.from_dict({"id": id_, "name": id_.upper(), "channel": "sms", **kw})


def test_contact_statuses_by_latest_sent_message() -> None:
    """O-1: users by the outcome of their latest sent message; generic failures split
    soft/hard by the taxonomy; Sent as SMS users in none."""
    events = [
        ev("sent", "d"),
        ev("delivered", "d", 1),
        ev("sent", "p"),  # pending with the network
        ev("sent", "s"),
        ev("soft_bounce", "s", 1),
        ev("sent", "h"),
        ev("hard_bounce", "h", 1),
        ev("sent", "x"),
        ev("deleted", "x", 1),
        ev("sent", "t"),
        ev("delivery_failed", "t", 1, error_code="30003"),  # transient
        ev("sent", "q"),
        ev("delivery_failed", "q", 1, error_code="30005"),  # permanent
    ]
    [r] = analyze(CampaignInput(sms(), events=events))
    c = r.contacts
    assert (c.delivered, c.pending, c.soft_bounces, c.hard_bounces, c.deleted) == (1, 1, 2, 2, 1)
    mms = Campaign(id="m", name="M", channel="mms")
    [r] = analyze(CampaignInput(mms, events=[ev("sent", "f"), ev("sms_fallback", "f", 1)]))
    assert (r.contacts.delivered, r.contacts.pending, r.contacts.soft_bounces) == (0, 0, 0)


def test_the_latest_message_decides_and_ties_go_by_instance_id() -> None:
    """O-1: greatest send instant; ties by instance id in code-point order, none first."""
    periodic = sms(delivery_type="periodic")
    events = [
        ev("sent", "u", 0, instance_id="i1"),
        ev("hard_bounce", "u", 1, instance_id="i1"),
        ev("sent", "u", 5, instance_id="i2"),
        ev("delivered", "u", 6, instance_id="i2"),
        ev("sent", "v", 0, instance_id="b"),
        ev("hard_bounce", "v", 1, instance_id="b"),
        ev("sent", "v", 0, instance_id="a"),
        ev("delivered", "v", 1, instance_id="a"),
    ]
    [r] = analyze(CampaignInput(periodic, events=events))
    # u: the later i2 was delivered; v: tie at the same instant, 'b' sorts last
    assert (r.contacts.delivered, r.contacts.hard_bounces) == (1, 1)


def test_suppression_after_three_hard_bounces_across_the_run() -> None:
    """O-2: three hard-bounced messages across the run's campaigns, or one opted-out
    failure; null when the campaign turns automatic suppression off."""
    a = [
        ev("sent", "u"),
        ev("hard_bounce", "u", 1),
        ev("sent", "w"),
        ev("send_failed", "o", error_code="21610"),
    ]
    b_periodic = sms("c2", delivery_type="periodic")
    b = [
        ev("sent", "u", 2, instance_id="1"),
        ev("hard_bounce", "u", 3, instance_id="1"),
        ev("sent", "u", 4, instance_id="2"),
        ev("hard_bounce", "u", 5, instance_id="2"),
    ]
    r1, r2 = analyze(CampaignInput(sms(), events=a), CampaignInput(b_periodic, events=b))
    assert r1.contacts.suppressed == 2  # u (3 hard bounces in two campaigns) and o (opted out)
    assert r2.contacts.suppressed == 1
    [r] = analyze(CampaignInput(sms(auto_suppression=False), events=a))
    assert r.contacts.suppressed is None
    r1_early, _ = analyze(
        CampaignInput(sms(), events=a), CampaignInput(b_periodic, events=b), as_of=T0 + 4 * H
    )
    assert r1_early.contacts.suppressed == 1  # only two hard bounces yet; o still counts


def test_unsubscribes_go_to_the_last_campaign_sent_before_them() -> None:
    """O-3: the last SMS/MMS campaign sent at or before the unsubscribe (ties: the id
    sorting first); with none, the campaign whose log holds it; deduplicated by
    (user, time)."""
    first = [ev("sent", "u", 0), ev("sent", "v", 0), ev("unsubscribed", "u", 3)]
    second = [
        ev("sent", "u", 2),
        ev("unsubscribed", "u", 3),
        ev("sent", "v", 0),
        ev("unsubscribed", "v", 1),
        ev("unsubscribed", "z", 1),
    ]
    r_b, r_a = analyze(
        CampaignInput(sms("b"), events=first), CampaignInput(sms("a"), events=second)
    )
    # u: b at 0 h and a at 2 h before 3 h → a; v: both at 0 h → the id sorting first, a;
    # z: never sent → a, whose log holds it; u's repeat at 3 h counts once
    assert (r_a.contacts.unsubscribes, r_b.contacts.unsubscribes) == (3, 0)


def test_overview_counts_users_once_across_campaigns() -> None:
    """O-4: users counted once; a user's status from their latest sent message."""
    a = [ev("sent", "u"), ev("hard_bounce", "u", 1), ev("sent", "w"), ev("delivered", "w", 1)]
    b = [ev("sent", "u", 5), ev("delivered", "u", 6), ev("sent", "x", 5)]
    reports = analyze(CampaignInput(sms("a"), events=a), CampaignInput(sms("b"), events=b))
    o = overview(reports).to_dict()
    assert o["campaigns"] == ["a", "b"]
    assert (o["unique_sends"], o["unique_deliveries"]) == (3, 2)
    assert (o["pending"], o["hard_bounced"], o["soft_bounces"]) == (1, 0, 0)
    assert set(o) == {
        "campaigns",
        "revenue",
        "unique_sends",
        "unique_deliveries",
        "pending",
        "soft_bounces",
        "hard_bounced",
        "deleted",
        "unsubscribes",
    }


def test_campaigns_table_has_the_columns_of_o5_in_order() -> None:
    """O-5: one row per campaign, snake_case columns in O-5's order."""
    [r] = analyze(CampaignInput(sms(), events=[ev("sent", "u", segments=3)]))
    [row] = campaigns_table([r])
    assert tuple(row) == CAMPAIGN_COLUMNS
    assert (row["total_sent"], row["total_segments"], row["type"]) == (1, 3, "sms")


def _write_dir(root: Path, name: str, **campaign: Any) -> Path:
    d = root / name
    d.mkdir()
    (d / "campaign.json").write_text(
        json.dumps({"id": name, "name": name, "channel": "sms", **campaign}), encoding="utf-8"
    )
    (d / "recipients.csv").write_text(
        "user_id,mobile_number,locale,variation,timezone,group\n"
        "u1,+1 415-555-0100,,,,\nu2,+1 650 253 0000,,,,\n",
        encoding="utf-8",
    )
    (d / "events.jsonl").write_text(
        '{"user_id": "u1", "type": "sent", "time": "2026-05-04T07:00:00Z"}\n'
        '{"user_id": "u2", "type": "sent", "time": "2026-05-04T07:00:00Z"}\n'
        '{"user_id": "u2", "type": "hard_bounce", "time": "2026-05-04T07:01:00Z"}\n'
        '{"user_id": "u9", "type": "sent", "time": "+1 415-555-0100"}\n',
        encoding="utf-8",
    )
    return d


def test_csv_export_is_spreadsheet_safe_with_its_schema(tmp_path: Path) -> None:
    """O-5, X-5, X-6: a formula-like campaign name is neutralised; numbers stay numbers;
    PATH.schema.json carries each column's formula and the report's parameters."""
    d = _write_dir(tmp_path, "c1", last_modified_by='=HYPERLINK("http://x")')
    d2 = tmp_path / "c2"
    d.rename(d2)
    (d2 / "campaign.json").write_text(
        json.dumps({"id": "c2", "name": "=1+2", "channel": "sms", "last_modified_by": "@admin"}),
        encoding="utf-8",
    )
    out = tmp_path / "table.csv"
    rc = main(
        ["report", str(d2), "--csv", "--output", str(out)],
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert rc == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == list(CAMPAIGN_COLUMNS)
    record = dict(zip(rows[0], rows[1]))
    assert record["campaign_name"] == "'=1+2"
    assert record["last_modified_by"] == "'@admin"
    assert record["total_sent"] == "2"
    schema = json.loads((tmp_path / "table.csv.schema.json").read_text(encoding="utf-8"))
    names = [f["name"] for f in schema["fields"]]
    assert names == list(CAMPAIGN_COLUMNS)
    rate = next(f for f in schema["fields"] if f["name"] == "click_to_delivered_rate")
    assert "Delivered" in rate["description"]
    assert rate["definition"]["rule"] == "R-5"
    assert schema["parameters"][0]["attribution_type"] == "view_through"
    assert schema == table_schema(analyze(d2))


def test_contacts_command_masks_numbers_unless_asked(tmp_path: Path) -> None:
    """X-7: numbers masked as +1*******00 in the contacts list and in every message;
    --show-numbers shows them."""
    d = _write_dir(tmp_path, "c1")
    out, err = io.StringIO(), io.StringIO()
    assert main(["contacts", str(d), "--csv"], stdout=out, stderr=err) == 0
    text = out.getvalue() + err.getvalue()
    assert "4155550100" not in text.replace("-", "").replace(" ", "")
    assert "+1*******00" in out.getvalue()
    assert "hard_bounce" in out.getvalue()
    shown = io.StringIO()
    main(["contacts", str(d), "--csv", "--show-numbers"], stdout=shown, stderr=io.StringIO())
    assert "+1 415-555-0100" in shown.getvalue()


def test_suppression_list_rows() -> None:
    """O-1, O-2: the contacts list with status, hard bounces and suppression."""
    events = [
        ev("sent", "u"),
        ev("hard_bounce", "u", 1),
        ev("sent", "o"),
        ev("delivery_failed", "o", 1, error_code="21610"),
    ]
    people = [Recipient(user_id="u", mobile_number="+1 415-555-0100")]
    rows = suppression_list(analyze(CampaignInput(sms(), events=events, recipients=people)))
    assert [(r.user_id, r.status, r.hard_bounces, r.suppressed) for r in rows] == [
        ("o", "hard_bounce", 1, True),
        ("u", "hard_bounce", 1, False),
    ]
    assert rows[1].mobile_number == "+1*******00"


_digits = st.text("0123456789", min_size=7, max_size=7)


@given(
    st.lists(
        st.tuples(st.sampled_from(["415", "650", "212"]), _digits),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
@settings(max_examples=25, deadline=None)
def test_no_generated_mobile_number_appears_in_any_output(numbers: list[tuple[str, str]]) -> None:
    """X-7: a recipient's number never appears in the report, exports or warnings."""
    people = [
        Recipient(user_id=f"u{i}", mobile_number=f"+1 {area}-{rest[:3]}-{rest[3:]}")
        for i, (area, rest) in enumerate(numbers)
    ]
    events = [ev("sent", f"u{i}") for i in range(len(numbers))]
    reports = analyze(CampaignInput(sms(default_region="US"), events=events, recipients=people))
    buf = io.StringIO()
    from campaign_metrics.tables import write_campaigns_csv, write_contacts_csv

    write_campaigns_csv(reports, buf)
    write_contacts_csv(suppression_list(reports), buf)
    blob = (
        reports[0].to_json() + buf.getvalue() + json.dumps(overview(reports).to_dict(), default=str)
    )
    for area, rest in numbers:
        assert area + rest not in blob
        assert rest not in blob


@pytest.mark.parametrize("flag", ["--json", "--csv"])
def test_report_outputs_never_hold_numbers(tmp_path: Path, flag: str) -> None:
    """X-7: the report and the table hold no number; warnings on stderr are masked."""
    d = _write_dir(tmp_path, "c1")
    out, err = io.StringIO(), io.StringIO()
    assert main(["report", str(d), flag], stdout=out, stderr=err) == 0
    assert "4155550100" not in out.getvalue() + err.getvalue()
    assert "+1*******00" in err.getvalue()  # the bad record's time held a number


@st.composite
def bounce_runs(draw: st.DrawFn) -> list[tuple[Campaign, list[MessageEvent]]]:
    runs = []
    for n in range(draw(st.integers(1, 3))):
        campaign = sms(f"c{n}", delivery_type="periodic")
        events = []
        for i in range(draw(st.integers(0, 6))):
            user = f"u{draw(st.integers(0, 3))}"
            inst = f"i{i}"
            at = draw(st.integers(0, 50))
            events.append(ev("sent", user, at, instance_id=inst))
            outcome = draw(st.sampled_from(["hard_bounce", "delivered", "delivery_failed", None]))
            if outcome == "delivery_failed":
                code = draw(st.sampled_from(["21610", "30003", "30005"]))
                events.append(ev(outcome, user, at + 1, instance_id=inst, error_code=code))
            elif outcome is not None:
                events.append(ev(outcome, user, at + 1, instance_id=inst))
        runs.append((campaign, events))
    return runs


@given(bounce_runs(), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_suppression_is_independent_of_the_order_of_campaigns_and_events(
    runs: list[tuple[Campaign, list[MessageEvent]]], rnd: Any
) -> None:
    """O-2: suppression depends neither on the order of campaigns nor of events."""

    def suppressed(order: list[tuple[Campaign, list[MessageEvent]]]) -> Any:
        reports = analyze(*(CampaignInput(c, events=e) for c, e in order))
        per_campaign = {r.campaign_id: r.contacts.suppressed for r in reports}
        rows = {(r.user_id, r.hard_bounces, r.suppressed) for r in suppression_list(reports)}
        return per_campaign, rows

    shuffled = [(c, rnd.sample(e, len(e))) for c, e in runs]
    rnd.shuffle(shuffled)
    assert suppressed(runs) == suppressed(shuffled)
