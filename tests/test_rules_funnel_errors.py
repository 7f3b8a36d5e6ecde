"""Plain example tests of the delivery funnel (F-1..F-5) and the error breakdown (E-1..E-4).

Every expected number is worked out by hand from RULES.md and FORMATS.md.
"""

from __future__ import annotations

from typing import Any

import pytest

from campaign_metrics import MessageEvent, Recipient, Report
from tests.helpers import ev, make_campaign, report

SMS_STAGES = [
    "valid_mobile_numbers",
    "after_fc_removal",
    "after_duplicate_removal",
    "sent",
    "delivered",
]
CONNECTOR_STAGES = ["users_in_segment", "after_fc_removal", "after_personalization_removal", "sent"]


def _users(r: Report) -> dict[str, int | None]:
    return {s.stage: s.users for s in r.funnel}


def _removed(r: Report) -> dict[str, int | None]:
    return {s.stage: s.removed for s in r.funnel}


def _send_rows(r: Report) -> dict[str, tuple[int, int]]:
    """errors.failed_to_send as {reason: (events, messages)}."""
    return {row.reason: (row.events, row.messages) for row in r.errors.failed_to_send}


def _deliver_rows(r: Report) -> dict[str, int]:
    rows = r.errors.failed_to_deliver
    assert rows is not None
    return {row.reason: row.messages for row in rows}


def _recipients(*rows: tuple[str, str | None]) -> list[Recipient]:
    return [Recipient(user_id=user, mobile_number=number) for user, number in rows]


# --------------------------------------------------------------------------- F-1, F-3, F-4


def _sms_funnel_input() -> tuple[list[Recipient], list[MessageEvent]]:
    """Seven recipients in region US:

    - a  +14155550100            valid; sent and delivered
    - b  (415) 555-0100          valid, the same E.164 number as a → removed as duplicate
                                 ("a" sorts first); sent anyway → outside the funnel
    - c  +44 20 7946 0000        UK fixed line → not a valid mobile; sent → outside
    - d  +49 151 23456789        German mobile → valid; sent, in transit
    - e  (no number)             not valid
    - f  +1 415-555-0101         valid; frequency-capped (fc_removed only)
    - g  +1 800-555-0100         US toll-free → not valid

    Stages: valid {a, b, d, f} 4 → after capping {a, b, d} 3 (removed 1) → after
    duplicates {a, d} 2 (removed 1) → sent {a, d} 2 (removed 0) → delivered {a} 1
    (removed 1). Sent outside the funnel: b and c → 2.
    """
    recipients = _recipients(
        ("a", "+14155550100"),
        ("b", "(415) 555-0100"),
        ("c", "+442079460000"),
        ("d", "+4915123456789"),
        ("e", None),
        ("f", "+1 415-555-0101"),
        ("g", "+1 800-555-0100"),
    )
    events = [
        ev("sent", 0, "a"),
        ev("delivered", 1, "a"),
        ev("sent", 0, "b"),
        ev("sent", 0, "c"),
        ev("sent", 0, "d"),
        ev("fc_removed", 0, "f"),
    ]
    return recipients, events


def test_sms_funnel_stages_in_order() -> None:
    """F-1: Users with valid mobile numbers → after capping → duplicates removed → Sent →
    Delivered, in this order."""
    recipients, events = _sms_funnel_input()
    r = report(make_campaign("sms", default_region="US"), events, recipients=recipients)
    assert [s.stage for s in r.funnel] == SMS_STAGES


def test_sms_funnel_counts_users_per_stage() -> None:
    """F-1, F-3, F-4: the worked example of :func:`_sms_funnel_input`."""
    recipients, events = _sms_funnel_input()
    r = report(make_campaign("sms", default_region="US"), events, recipients=recipients)
    assert _users(r) == {
        "valid_mobile_numbers": 4,
        "after_fc_removal": 3,
        "after_duplicate_removal": 2,
        "sent": 2,
        "delivered": 1,
    }
    # the first stage's removed users are the recipients without a valid number (c, e, g)
    assert [_removed(r)[s] for s in SMS_STAGES] == [3, 1, 1, 0, 1]
    assert r.data_quality.sent_outside_funnel == 2


def test_mms_funnel_has_the_same_stages() -> None:
    """F-1: the SMS/MMS funnel is the same for MMS."""
    recipients, events = _sms_funnel_input()
    r = report(make_campaign("mms", default_region="US"), events, recipients=recipients)
    assert [s.stage for s in r.funnel] == SMS_STAGES
    assert _users(r)["after_duplicate_removal"] == 2


def test_sent_only_sms_funnel_ends_at_sent() -> None:
    """F-1 with CH-2: a sent-only SMS funnel has no Delivered stage."""
    recipients, events = _sms_funnel_input()
    r = report(
        make_campaign("sms", provider="custom", default_region="US"),
        events,
        recipients=recipients,
    )
    assert [s.stage for s in r.funnel] == SMS_STAGES[:-1]
    assert _users(r)["sent"] == 2


# --------------------------------------------------------------------------- F-2


def test_connector_funnel_stages_and_counts() -> None:
    """F-2, F-3: 5 users in the segment; u2 capped; u3 fails personalization only; u4
    fails personalization but is then Sent (D-3) so stays; u1, u4, u5 are sent.
    → 5, 4 (−1), 3 (−1), 3 (−0)."""
    recipients = [Recipient(user_id=u) for u in ("u1", "u2", "u3", "u4", "u5")]
    events = [
        ev("sent", 0, "u1"),
        ev("fc_removed", 0, "u2"),
        ev("personalization_failed", 0, "u3", category="user_attribute"),
        ev("personalization_failed", 0, "u4", category="user_attribute"),
        ev("sent", 1, "u4"),
        ev("sent", 0, "u5"),
    ]
    r = report(make_campaign("connector"), events, recipients=recipients)
    assert [s.stage for s in r.funnel] == CONNECTOR_STAGES
    assert _users(r) == {
        "users_in_segment": 5,
        "after_fc_removal": 4,
        "after_personalization_removal": 3,
        "sent": 3,
    }
    removed = _removed(r)
    assert [removed[s] for s in CONNECTOR_STAGES[1:]] == [1, 1, 0]
    assert r.data_quality.sent_outside_funnel == 0


# --------------------------------------------------------------------------- F-3


def test_user_leaves_personalization_stage_only_when_every_message_failed_there() -> None:
    """F-3: periodic connector. u1's instance a is capped and b fails personalization:
    not every message was removed *at personalization*, so u1 stays past it (and is not
    Sent); u2 fails personalization in both instances and leaves. 3 → 3 → 2 → Sent 1."""
    recipients = [Recipient(user_id=u) for u in ("u1", "u2", "u3")]
    events = [
        ev("fc_removed", 0, "u1", instance_id="a"),
        ev("personalization_failed", 24, "u1", instance_id="b", category="user_attribute"),
        ev("personalization_failed", 0, "u2", instance_id="a", category="user_attribute"),
        ev("personalization_failed", 24, "u2", instance_id="b", category="user_attribute"),
        ev("sent", 0, "u3", instance_id="a"),
    ]
    r = report(make_campaign("connector", delivery_type="periodic"), events, recipients=recipients)
    assert _users(r) == {
        "users_in_segment": 3,
        "after_fc_removal": 3,
        "after_personalization_removal": 2,
        "sent": 1,
    }


def test_user_leaves_capping_stage_only_when_every_message_was_capped() -> None:
    """F-3: periodic campaign. u1 capped in instance a but sent in b → stays and reaches
    Sent; u2 capped in both instances → removed; u3 has no messages at all → stays (but
    is not Sent). 3 → 2 → 2 → Sent 1."""
    recipients = _recipients(("u1", "+14155550100"), ("u2", "+14155550101"), ("u3", "+14155550102"))
    events = [
        ev("fc_removed", 0, "u1", instance_id="a"),
        ev("sent", 24, "u1", instance_id="b"),
        ev("fc_removed", 0, "u2", instance_id="a"),
        ev("fc_removed", 24, "u2", instance_id="b"),
    ]
    r = report(
        make_campaign("sms", default_region="US", delivery_type="periodic"),
        events,
        recipients=recipients,
    )
    assert _users(r) == {
        "valid_mobile_numbers": 3,
        "after_fc_removal": 2,
        "after_duplicate_removal": 2,
        "sent": 1,
        "delivered": 0,
    }


def test_user_reaches_sent_and_delivered_if_any_message_does() -> None:
    """F-3: u1's instance a bounced, instance b Delivered → u1 reaches Delivered."""
    events = [
        ev("sent", 0, "u1", instance_id="a"),
        ev("hard_bounce", 1, "u1", instance_id="a"),
        ev("sent", 24, "u1", instance_id="b"),
        ev("delivered", 25, "u1", instance_id="b"),
    ]
    r = report(
        make_campaign("sms", default_region="US", delivery_type="periodic"),
        events,
        recipients=_recipients(("u1", "+14155550100")),
    )
    assert (_users(r)["sent"], _users(r)["delivered"]) == (1, 1)


def test_funnel_without_recipients_starts_at_sent() -> None:
    """F-3: without recipients.csv the stages that need it are null; Sent counts users
    (u1 in two instances is one user), Delivered 1."""
    events = [
        ev("sent", 0, "u1", instance_id="a"),
        ev("sent", 24, "u1", instance_id="b"),
        ev("delivered", 25, "u1", instance_id="b"),
        ev("sent", 0, "u2", instance_id="a"),
    ]
    r = report(make_campaign("sms", delivery_type="periodic"), events)
    assert _users(r) == {
        "valid_mobile_numbers": None,
        "after_fc_removal": None,
        "after_duplicate_removal": None,
        "sent": 2,
        "delivered": 1,
    }
    assert r.data_quality.sent_outside_funnel == 0


def test_connector_funnel_without_recipients_starts_at_sent() -> None:
    """F-3: a connector without recipients.csv has only its Sent stage."""
    r = report(make_campaign("connector"), [ev("sent", 0, "u1"), ev("sent", 0, "u2")])
    assert _users(r) == {
        "users_in_segment": None,
        "after_fc_removal": None,
        "after_personalization_removal": None,
        "sent": 2,
    }


def test_sent_user_missing_from_recipients_is_outside_the_funnel() -> None:
    """F-3: u9 is sent but not in recipients.csv → not in the Sent stage, counted in
    `sent_outside_funnel`."""
    events = [ev("sent", 0, "u1"), ev("sent", 0, "u9"), ev("delivered", 1, "u9")]
    r = report(
        make_campaign("sms", default_region="US"),
        events,
        recipients=_recipients(("u1", "+14155550100")),
    )
    assert (_users(r)["sent"], _users(r)["delivered"]) == (1, 0)
    assert r.data_quality.sent_outside_funnel == 1


# --------------------------------------------------------------------------- F-4


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("+14155550100", True),  # US fixed-line-or-mobile
        ("+1 415-555-0100", True),
        ("(415) 555-0100", True),  # national form, read with region US
        ("+4915123456789", True),  # German mobile
        ("+442079460000", False),  # UK fixed line
        ("+18005550100", False),  # US toll-free
        ("+19005550100", False),  # US premium rate
        ("not a number", False),
        ("+1415555", False),  # too short
    ],
)
def test_valid_mobile_number_by_type(number: str, valid: bool) -> None:
    """F-4: valid when parsed with the default region as mobile or fixed-line-or-mobile."""
    r = report(
        make_campaign("sms", default_region="US"),
        [],
        recipients=_recipients(("u1", number)),
    )
    assert _users(r)["valid_mobile_numbers"] == (1 if valid else 0)


def test_national_number_needs_the_default_region() -> None:
    """F-4: without `default_region`, `(415) 555-0100` cannot be parsed → not valid; the
    international form still is."""
    r = report(
        make_campaign("sms"),
        [],
        recipients=_recipients(("u1", "(415) 555-0100"), ("u2", "+14155550100")),
    )
    assert _users(r)["valid_mobile_numbers"] == 1


def test_duplicate_numbers_keep_the_user_id_sorting_first_by_code_point() -> None:
    """F-4: `+1 415-555-0100` (user9) and `(415) 555-0100` (user10) are one E.164 number;
    by code point "user10" < "user9", so user10 is kept. Only user9 is sent → the Sent
    stage is 0 and user9 is outside the funnel."""
    recipients = _recipients(("user9", "+1 415-555-0100"), ("user10", "(415) 555-0100"))
    r = report(
        make_campaign("sms", default_region="US"),
        [ev("sent", 0, "user9")],
        recipients=recipients,
    )
    assert _users(r)["after_duplicate_removal"] == 1
    assert _users(r)["sent"] == 0
    assert r.data_quality.sent_outside_funnel == 1


def test_duplicate_kept_user_reaches_sent() -> None:
    """F-4 (counterpart): the kept duplicate, user10, is sent → Sent stage 1, nobody
    outside the funnel."""
    recipients = _recipients(("user9", "+1 415-555-0100"), ("user10", "(415) 555-0100"))
    r = report(
        make_campaign("sms", default_region="US"),
        [ev("sent", 0, "user10")],
        recipients=recipients,
    )
    assert _users(r)["sent"] == 1
    assert r.data_quality.sent_outside_funnel == 0


def test_duplicates_are_found_among_users_left_by_capping() -> None:
    """F-4: duplicates are found among the users left by the stage before. "a" sorts
    first but was capped, so "b" — the only one left with the number — is kept."""
    recipients = _recipients(("a", "+14155550100"), ("b", "(415) 555-0100"))
    events = [ev("fc_removed", 0, "a"), ev("sent", 0, "b")]
    r = report(make_campaign("sms", default_region="US"), events, recipients=recipients)
    assert _users(r)["after_fc_removal"] == 1
    assert _users(r)["after_duplicate_removal"] == 1
    assert _users(r)["sent"] == 1
    assert r.data_quality.sent_outside_funnel == 0


# --------------------------------------------------------------------------- F-5


def test_capping_comes_from_fc_removed_events_only() -> None:
    """F-5: with no `fc_removed` event nobody is capped (3 → 3); each `fc_removed` user
    with no other message is (3 → 2 in the second log)."""
    recipients = _recipients(("u1", "+14155550100"), ("u2", "+14155550101"), ("u3", "+14155550102"))
    c = make_campaign("sms", default_region="US")
    no_fc = report(c, [ev("sent", 0, "u1")], recipients=recipients)
    assert _users(no_fc)["after_fc_removal"] == 3
    with_fc = report(c, [ev("sent", 0, "u1"), ev("fc_removed", 0, "u2")], recipients=recipients)
    assert _users(with_fc)["after_fc_removal"] == 2


# --------------------------------------------------------------------------- E-1


def _failure_log() -> list[MessageEvent]:
    """Failed-to-send messages of several reasons (one event each unless said)."""
    return [
        ev("sent", 0, "u1", response_code=503),
        ev("send_failed", 0, "u2", error_code="30007"),
        ev("send_failed", 0, "u3", error_code="30007", event_id="x1"),
        ev("send_failed", 1, "u3", error_code="30007", event_id="x2"),
        ev("skipped", 0, "u4", reason="ContentTooLong"),
        ev("personalization_failed", 0, "u5", category="event_attribute"),
        ev("send_failed", 0, "u6", reason="connector timeout"),
        ev("send_failed", 0, "u7", response_code=503, error_code="30007"),
        # u8 fails, then is Sent: not Failed to send, so in no row
        ev("send_failed", 0, "u8", error_code="30005"),
        ev("sent", 1, "u8"),
        # removals are listed beside, in users
        ev("fc_removed", 0, "u9"),
        ev("fc_removed", 0, "u10"),
        ev("control_removed", 0, "u11"),
    ]


def test_failed_to_send_rows_by_reason() -> None:
    """E-1: `http_<code>` for a non-200 response (it decides over an error code: u7),
    else the prefixed error code (`twilio:30007`), else the reason text; one row for
    personalization failures and one per skip reason. u3 fails twice (2 events, 1
    message). u8 is Sent (D-3) and counts nowhere."""
    r = report(make_campaign("sms"), _failure_log())
    assert _send_rows(r) == {
        "http_503": (2, 2),
        "twilio:30007": (3, 2),
        "skipped:ContentTooLong": (1, 1),
        "personalization_failed": (1, 1),
        "connector timeout": (1, 1),
    }
    assert r.delivery.failed_to_send == 7


def test_failed_to_send_rows_carry_the_taxonomy() -> None:
    """E-1 with X-4: http_503 is a transient provider error, twilio:30007 a permanent
    carrier filter; personalization and skip rows have no category."""
    rows = {
        row.reason: row
        for row in report(make_campaign("sms"), _failure_log()).errors.failed_to_send
    }
    assert (rows["http_503"].category, rows["http_503"].transient) == ("provider_error", True)
    assert (rows["twilio:30007"].category, rows["twilio:30007"].transient) == (
        "carrier_filtered",
        False,
    )
    for reason in ("skipped:ContentTooLong", "personalization_failed"):
        assert (rows[reason].category, rows[reason].transient) == (None, None)


def test_removals_are_listed_beside_failures_in_users() -> None:
    """E-1: `fc_removed` (u9, u10) and `control_removed` (u11) are removed users, not
    failures; they are not Attempted."""
    r = report(make_campaign("sms"), _failure_log())
    assert {row.reason: row.users for row in r.errors.removed} == {
        "fc_removed": 2,
        "control_removed": 1,
    }
    assert not {"fc_removed", "control_removed"} & _send_rows(r).keys()
    assert r.delivery.attempted == 8


def test_removed_rows_count_users_not_messages() -> None:
    """E-1: a user capped in two instances is one removed user."""
    events = [
        ev("fc_removed", 0, "u1", instance_id="a"),
        ev("fc_removed", 24, "u1", instance_id="b"),
    ]
    r = report(make_campaign("sms", delivery_type="periodic"), events)
    assert {row.reason: row.users for row in r.errors.removed}["fc_removed"] == 1


# --------------------------------------------------------------------------- E-2


def test_personalization_failures_by_category() -> None:
    """E-2: m1 fails in user and event attribute (counts once in total, once in each);
    m2 twice in user attribute; m3 without a category → undefined; u4 fails but is Sent
    (D-3) → not counted. Total 3 messages; user 2, event 1, undefined 1, others 0 — the
    categories sum to 4 > 3. The failed-to-send row has 5 events, 3 messages."""
    events = [
        ev("personalization_failed", 0, "m1", category="user_attribute", event_id="a"),
        ev("personalization_failed", 0, "m1", category="event_attribute", event_id="b"),
        ev("personalization_failed", 0, "m2", category="user_attribute", event_id="c"),
        ev("personalization_failed", 1, "m2", category="user_attribute", event_id="d"),
        ev("personalization_failed", 0, "m3", event_id="e"),
        ev("personalization_failed", 0, "u4", category="campaign_attribute", event_id="f"),
        ev("sent", 1, "u4"),
    ]
    r = report(make_campaign("connector"), events)
    p = r.errors.personalization
    assert p.unique_messages == 3
    assert dict(p.by_category) == {
        "user_attribute": 2,
        "event_attribute": 1,
        "campaign_attribute": 0,
        "undefined": 1,
        "other": 0,
    }
    assert _send_rows(r) == {"personalization_failed": (5, 3)}


# --------------------------------------------------------------------------- E-3


def test_failed_to_deliver_rows_and_delivered_add_up_to_sent() -> None:
    """E-3: 10 Sent: 5 Delivered; rows: in_transit 2, sent_as_sms 1, `gsm:005` 1 (an
    unprefixed 3-digit code with a leading zero is GSM), `inbox full` 1 (the reason
    text; no code). 5 + 2 + 1 + 1 + 1 = 10. Shares are of Sent."""
    users = [f"u{i}" for i in range(10)]
    events = [ev("sent", 0, u) for u in users]
    events += [ev("delivered", 1, u) for u in users[:5]]
    events += [
        ev("sms_fallback", 1, "u5"),
        ev("hard_bounce", 1, "u6", error_code="005"),
        ev("delivery_failed", 1, "u7", reason="Inbox full"),
    ]
    r = report(make_campaign("mms"), events)
    rows = _deliver_rows(r)
    assert rows == {"in_transit": 2, "sent_as_sms": 1, "gsm:005": 1, "Inbox full": 1}
    assert r.delivery.delivered is not None
    assert sum(rows.values()) + r.delivery.delivered == r.delivery.sent == 10
    deliver = r.errors.failed_to_deliver
    assert deliver is not None
    by_reason = {row.reason: row for row in deliver}
    assert by_reason["in_transit"].share == pytest.approx(20.0)
    assert by_reason["gsm:005"].share == pytest.approx(10.0)
    assert (by_reason["gsm:005"].category, by_reason["gsm:005"].transient) == (
        "unknown_number",
        False,
    )
    assert (by_reason["Inbox full"].category, by_reason["Inbox full"].transient) == (
        "unreachable",
        True,
    )
    for reason in ("in_transit", "sent_as_sms"):
        assert (by_reason[reason].category, by_reason[reason].transient) == (None, None)


def test_failed_to_deliver_row_is_the_outcome_events_reason() -> None:
    """E-3 with D-11: each message is in exactly one row, its outcome event's reason: u1
    has a soft bounce `smpp:EXPIRED` and a hard bounce `twilio:30005` → the hard bounce
    wins; u2's failures are all after its receipt → Delivered, no row."""
    events = [
        ev("sent", 0, "u1"),
        ev("soft_bounce", 1, "u1", error_code="EXPIRED"),
        ev("hard_bounce", 2, "u1", error_code="30005"),
        ev("sent", 0, "u2"),
        ev("delivered", 1, "u2"),
        ev("hard_bounce", 2, "u2", error_code="30005"),
    ]
    r = report(make_campaign("sms"), events)
    assert _deliver_rows(r) == {"twilio:30005": 1}
    assert r.delivery.delivered == 1


def test_sent_only_rows_add_up_to_sent() -> None:
    """E-3 with D-8: a sent-only SMS has only the pending row, equal to Sent (3)."""
    events = [ev("sent", 0, u) for u in ("u1", "u2", "u3")]
    r = report(make_campaign("sms", provider="custom"), events)
    assert _deliver_rows(r) == {"pending_delivery_confirmation": 3}
    assert r.delivery.sent == 3


# --------------------------------------------------------------------------- E-4


def test_content_api_errors_by_status_code() -> None:
    """E-4: non-2xx content-API responses by code with counts: 500 ×2, 404 ×1."""
    events = [
        ev("content_api_error", 0, "u1", status_code=500, event_id="a"),
        ev("content_api_error", 1, "u2", status_code=500, event_id="b"),
        ev("content_api_error", 0, "u3", status_code=404, event_id="c"),
        ev("sent", 0, "u1"),
        ev("sent", 0, "u2"),
        ev("sent", 0, "u3"),
    ]
    r = report(make_campaign("sms"), events)
    assert {row.status_code: row.count for row in r.errors.content_api} == {500: 2, 404: 1}


def test_content_api_error_does_not_fail_a_send_or_remove_a_user() -> None:
    """E-4: u1 has a content-API error and is sent: Sent, not Failed to send, and in the
    funnel's Sent stage; u2's content-API error alone does not make it Attempted,
    Failed to send or removed from any stage."""
    events = [
        ev("content_api_error", 0, "u1", status_code=503),
        ev("sent", 0, "u1"),
        ev("content_api_error", 0, "u2", status_code=503),
    ]
    r = report(
        make_campaign("sms", default_region="US"),
        events,
        recipients=_recipients(("u1", "+14155550100"), ("u2", "+14155550101")),
    )
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send) == (1, 1, 0)
    assert _send_rows(r) == {}
    assert _users(r) == {
        "valid_mobile_numbers": 2,
        "after_fc_removal": 2,
        "after_duplicate_removal": 2,
        "sent": 1,
        "delivered": 0,
    }


@pytest.mark.parametrize("status", [200, 204, 299])
def test_content_api_error_with_2xx_status_is_invalid(status: int) -> None:
    """E-4 / FORMATS.md: `status_code` of a content_api_error is non-2xx."""
    fields: dict[str, Any] = {"status_code": status}
    with pytest.raises(ValueError, match="status_code"):
        ev("content_api_error", 0, "u1", **fields)


def test_repeated_content_api_error_counts_once() -> None:
    """E-4 with D-10: the same content-API record twice (same id, same content) counts
    once and is 1 duplicate."""
    events = [
        ev("content_api_error", 0, "u1", status_code=500, event_id="a"),
        ev("content_api_error", 0, "u1", status_code=500, event_id="a"),
        ev("sent", 0, "u1"),
    ]
    r = report(make_campaign("sms"), events)
    assert {row.status_code: row.count for row in r.errors.content_api} == {500: 1}
    assert r.data_quality.duplicates == 1
