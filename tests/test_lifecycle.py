"""The campaign lifecycle: statuses (S-1), stop (S-2), review (S-3), duplicate (S-4) and
refused transitions (S-5), as plain tests per rule and as a stateful machine checked
against a transition table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from campaign_metrics.errors import (
    CampaignMetricsError,
    ConfigurationError,
    InputError,
    InvalidTransition,
)
from campaign_metrics.lifecycle import (
    ACTIONS,
    allowed_actions,
    approve,
    duplicate,
    reject,
    stop,
)
from campaign_metrics.model import Campaign, CampaignStatus

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=UTC)

# S-1, written out rather than read from the enum so that the enum is checked too.
ALL_STATUSES = (
    "active",
    "expired",
    "not_sent",
    "paused",
    "scheduled",
    "sending",
    "sent",
    "stopped",
    "under_review",
    "rejected",
)
REVIEW_STATUSES = ("under_review", "rejected")
PLAIN_STATUSES = tuple(s for s in ALL_STATUSES if s not in REVIEW_STATUSES)

# The model of the stateful test: (status, action) -> new status. A pair that is not in
# the table is refused. Approve and reject also need CAF and a listed reviewer.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("sending", "stop"): "stopped",
    ("under_review", "approve"): "scheduled",
    ("under_review", "reject"): "rejected",
    **{(s, "duplicate"): "not_sent" for s in ALL_STATUSES},
}

REVIEWERS = ("ana", "bo", "cy")
OUTSIDERS = ("eve", "mallory", "")
CHANGED_BY_REVIEW = {"status", "approved_by", "rejected_by"}


def make(status: str = "not_sent", *, caf: bool = False, **kwargs: Any) -> Campaign:
    return Campaign(
        id="c1", name="Spring sale", channel="sms", status=status, caf_enabled=caf, **kwargs
    )


def under_review(**kwargs: Any) -> Campaign:
    return make("under_review", caf=True, reviewers=["ana", "bo"], **kwargs)


aware_datetimes = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-7, minutes=-30))]
    ),
)


@st.composite
def campaigns(draw: st.DrawFn, statuses: tuple[str, ...] = ALL_STATUSES) -> Campaign:
    """A valid campaign in one of ``statuses``; review statuses only with CAF on (S-1)."""
    caf = draw(st.booleans()) if set(statuses) - set(REVIEW_STATUSES) else True
    status = draw(st.sampled_from([s for s in statuses if caf or s not in REVIEW_STATUSES]))
    channel = draw(st.sampled_from(["sms", "mms", "connector"]))
    provider = draw(st.sampled_from(["integrated", "custom"]))
    tracking = channel != "connector" and provider == "custom" and draw(st.booleans())
    optional_reviewer = st.none() | st.sampled_from(REVIEWERS)
    return Campaign(
        id=draw(st.text("abcdef0123456789-", min_size=1, max_size=8)),
        name=draw(st.text(min_size=1, max_size=20)),
        channel=channel,
        provider=provider,
        delivery_tracking=tracking,
        click_tracking=draw(st.booleans()),
        delivery_type=draw(st.sampled_from(["one_time", "periodic", "active"])),
        app_timezone=draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"])),
        attribution_window_hours=draw(st.integers(1, 168)),
        status=status,
        caf_enabled=caf,
        reviewers=draw(st.lists(st.sampled_from(REVIEWERS), unique=True, max_size=3)),
        approved_by=draw(optional_reviewer),
        rejected_by=draw(optional_reviewer),
        created_at=draw(st.none() | aware_datetimes),
        updated_at=draw(st.none() | aware_datetimes),
        last_modified_by=draw(optional_reviewer),
        team=draw(st.none() | st.just("growth")),
    )


def without(c: Campaign, keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in c.to_dict().items() if k not in keys}


def calls(c: Campaign, reviewer: str, now: dt.datetime = NOW) -> dict[str, Callable[[], Campaign]]:
    """Each lifecycle action on ``c``, ready to call."""
    return {
        "stop": lambda: stop(c),
        "approve": lambda: approve(c, reviewer),
        "reject": lambda: reject(c, reviewer),
        "duplicate": lambda: duplicate(c, c.id + "-copy", now),
    }


# --------------------------------------------------------------------------- S-1


def test_statuses_are_the_ten_of_s1() -> None:
    """S-1: eight statuses, plus under_review and rejected for the approval workflow."""
    assert {s.value for s in CampaignStatus} == set(ALL_STATUSES)


@pytest.mark.parametrize("status", REVIEW_STATUSES)
def test_review_statuses_need_caf(status: str) -> None:
    """S-1: under_review and rejected exist only with CAF on."""
    with pytest.raises(ConfigurationError, match="caf_enabled"):
        make(status, caf=False)
    assert make(status, caf=True).status.value == status


@pytest.mark.parametrize("caf", [False, True])
@pytest.mark.parametrize("status", PLAIN_STATUSES)
def test_plain_statuses_exist_with_caf_on_or_off(status: str, caf: bool) -> None:
    """S-1: the other eight statuses do not depend on CAF."""
    assert make(status, caf=caf).status.value == status


# --------------------------------------------------------------------------- S-2


def test_stop_a_sending_campaign_gives_stopped() -> None:
    """S-2: stop while sending leads to stopped; nothing else changes."""
    c = make("sending", approved_by="ana", created_at=NOW)
    stopped = stop(c)
    assert stopped.status is CampaignStatus.STOPPED
    assert without(stopped, {"status"}) == without(c, {"status"})


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != "sending"])
def test_stop_is_refused_unless_sending(status: str) -> None:
    """S-2, S-5: stop from any status other than sending raises InvalidTransition."""
    c = make(status, caf=status in REVIEW_STATUSES)
    with pytest.raises(InvalidTransition) as info:
        stop(c)
    assert (info.value.status, info.value.action) == (status, "stop")
    assert "stop" not in allowed_actions(c)


# --------------------------------------------------------------------------- S-3


def test_approve_by_a_listed_reviewer_gives_scheduled() -> None:
    """S-3: approve leads to scheduled and records the reviewer."""
    c = under_review(rejected_by="bo")
    approved = approve(c, "ana")
    assert approved.status is CampaignStatus.SCHEDULED
    assert approved.approved_by == "ana"
    assert approved.rejected_by is None
    assert without(approved, CHANGED_BY_REVIEW) == without(c, CHANGED_BY_REVIEW)


def test_reject_by_a_listed_reviewer_gives_rejected() -> None:
    """S-3: reject leads to rejected and records the reviewer."""
    c = under_review(approved_by="ana")
    rejected = reject(c, "bo")
    assert rejected.status is CampaignStatus.REJECTED
    assert rejected.rejected_by == "bo"
    assert rejected.approved_by is None
    assert without(rejected, CHANGED_BY_REVIEW) == without(c, CHANGED_BY_REVIEW)


@pytest.mark.parametrize("action", [approve, reject])
@pytest.mark.parametrize("reviewer", ["eve", "", "ANA"])
def test_review_by_an_unlisted_reviewer_is_refused(action: Any, reviewer: str) -> None:
    """S-3, S-5: only a listed reviewer may approve or reject; the error says so."""
    c = under_review()
    with pytest.raises(InvalidTransition, match="not a listed reviewer") as info:
        action(c, reviewer)
    assert info.value.status == "under_review"
    assert info.value.action == action.__name__
    assert repr(reviewer) in str(info.value)


@pytest.mark.parametrize("action", [approve, reject])
def test_review_without_listed_reviewers_is_refused(action: Any) -> None:
    """S-3: a campaign under review with no reviewers cannot be approved or rejected."""
    c = make("under_review", caf=True)
    with pytest.raises(InvalidTransition, match="not a listed reviewer"):
        action(c, "ana")
    assert allowed_actions(c) == {"duplicate"}


@pytest.mark.parametrize("action", [approve, reject])
@pytest.mark.parametrize("status", PLAIN_STATUSES)
def test_review_with_caf_off_is_refused(action: Any, status: str) -> None:
    """S-3, S-5: approve and reject need the approval workflow, whatever the status."""
    c = make(status, caf=False, reviewers=["ana"])
    with pytest.raises(InvalidTransition, match="caf_enabled") as info:
        action(c, "ana")
    assert (info.value.status, info.value.action) == (status, action.__name__)


@pytest.mark.parametrize("action", [approve, reject])
@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != "under_review"])
def test_review_is_refused_unless_under_review(action: Any, status: str) -> None:
    """S-3, S-5: with CAF on, only a campaign under review can be approved or rejected."""
    c = make(status, caf=True, reviewers=["ana"])
    with pytest.raises(InvalidTransition) as info:
        action(c, "ana")
    assert (info.value.status, info.value.action) == (status, action.__name__)


@pytest.mark.parametrize("action", [approve, reject])
def test_review_by_a_non_string_is_an_input_error(action: Any) -> None:
    """S-3: the reviewer must be a string."""
    with pytest.raises(InputError, match="reviewer"):
        action(under_review(), None)


# --------------------------------------------------------------------------- S-4


@given(c=campaigns(), now=aware_datetimes)
def test_duplicate_copies_every_detail(c: Campaign, now: dt.datetime) -> None:
    """S-4: new id, not sent, approvals cleared, 'Duplicate - ' in front of the name,
    created_at = updated_at = now; every other detail copied."""
    new_id = c.id + "-copy"
    d = duplicate(c, new_id, now)
    assert d.id == new_id
    assert d.name == "Duplicate - " + c.name
    assert d.status is CampaignStatus.NOT_SENT
    assert d.approved_by is None
    assert d.rejected_by is None
    assert d.created_at == now
    assert d.updated_at == now
    assert d.created_at is not None
    assert d.created_at.utcoffset() == dt.timedelta(0)
    changed = {"id", "name", "status", "approved_by", "rejected_by", "created_at", "updated_at"}
    assert without(d, changed) == without(c, changed)


def test_duplicate_of_a_duplicate_gets_the_prefix_twice() -> None:
    """S-4 Decision: the prefix goes in front, each time."""
    once = duplicate(make(), "c2", NOW)
    twice = duplicate(once, "c3", NOW)
    assert twice.name == "Duplicate - Duplicate - Spring sale"


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_duplicate_is_allowed_from_every_status(status: str) -> None:
    """S-4: any campaign can be duplicated; the copy is not sent."""
    c = make(status, caf=True, reviewers=["ana"], approved_by="ana")
    assert "duplicate" in allowed_actions(c)
    d = duplicate(c, "c2", NOW)
    assert d.status is CampaignStatus.NOT_SENT
    assert d.caf_enabled
    assert d.reviewers == ("ana",)


def test_duplicate_needs_an_aware_now() -> None:
    """S-4: a naive instant is an InputError (also a ValueError)."""
    with pytest.raises(InputError, match="now") as info:
        duplicate(make(), "c2", dt.datetime(2026, 5, 4, 9, 30))
    assert isinstance(info.value, ValueError)
    with pytest.raises(InputError, match="now"):
        duplicate(make(), "c2", "2026-05-04T09:30:00Z")  # type: ignore[arg-type]


def test_duplicate_under_the_same_id_is_refused() -> None:
    """S-4: the duplicate's id must differ from the original's."""
    with pytest.raises(ConfigurationError, match="differ"):
        duplicate(make(), "c1", NOW)


def test_duplicate_needs_a_non_empty_id() -> None:
    """S-4: the new id is a non-empty string."""
    with pytest.raises(InputError, match="new_id"):
        duplicate(make(), "", NOW)


# --------------------------------------------------------------------------- S-5


REFUSED = [
    (status, action)
    for status in ALL_STATUSES
    for action in ("stop", "approve", "reject")
    if (status, action) not in TRANSITIONS
]


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_refused_transition_names_status_and_action(status: str, action: str) -> None:
    """S-5: the error is typed, keeps status and action, and its message names both."""
    c = make(status, caf=True, reviewers=["ana"])
    with pytest.raises(InvalidTransition) as info:
        calls(c, "ana")[action]()
    exc = info.value
    assert isinstance(exc, CampaignMetricsError)
    assert isinstance(exc, ValueError)
    assert (exc.status, exc.action) == (status, action)
    assert f"cannot {action} a campaign whose status is '{status}'" in str(exc)


@given(c=campaigns(), reviewer=st.sampled_from(REVIEWERS + OUTSIDERS), now=aware_datetimes)
def test_actions_are_pure(c: Campaign, reviewer: str, now: dt.datetime) -> None:
    """S-5: every action returns a new campaign and leaves its input unchanged."""
    before = c.to_dict()
    for call in calls(c, reviewer, now).values():
        try:
            result = call()
        except InvalidTransition:
            pass
        else:
            assert result is not c
        assert c.to_dict() == before


@given(c=campaigns(), reviewer=st.sampled_from(REVIEWERS + OUTSIDERS))
def test_allowed_actions_are_those_that_succeed(c: Campaign, reviewer: str) -> None:
    """S-2..S-5: allowed_actions lists exactly the actions that do not raise."""
    assert set(calls(c, reviewer)) == ACTIONS
    succeeded = set()
    for name, call in calls(c, reviewer).items():
        try:
            call()
        except InvalidTransition:
            continue
        succeeded.add(name)
    assert allowed_actions(c, reviewer) == succeeded
    # Without a reviewer: what some listed reviewer may do.
    by_anyone: set[str] = {"duplicate"} | ({"stop"} & succeeded)
    for listed in c.reviewers:
        by_anyone |= allowed_actions(c, listed)
    assert allowed_actions(c) == by_anyone


# --------------------------------------------------------------------------- stateful


@settings(stateful_step_count=20)
class LifecycleMachine(RuleBasedStateMachine):
    """S-1..S-5: random actions on campaigns in any status, checked against TRANSITIONS."""

    def __init__(self) -> None:
        super().__init__()
        self.campaign = make()
        self.copies = 0
        self._expect(self.campaign)

    def _expect(self, c: Campaign) -> None:
        """Reset the model to a freshly generated campaign's fields."""
        self.status = c.status.value
        self.caf = c.caf_enabled
        self.reviewers = set(c.reviewers)
        self.approved_by = c.approved_by
        self.rejected_by = c.rejected_by
        self.id = c.id
        self.name = c.name

    def _apply(self, action: str, call: Any, *, allowed: bool) -> None:
        before = self.campaign
        snapshot = before.to_dict()
        if allowed:
            after = call()
            assert after.status.value == TRANSITIONS[(self.status, action)]
            self.status = TRANSITIONS[(self.status, action)]
            self.campaign = after
        else:
            with pytest.raises(InvalidTransition) as info:
                call()
            assert (info.value.status, info.value.action) == (self.status, action)
        assert before.to_dict() == snapshot  # S-5: pure

    @initialize(c=campaigns() | campaigns(statuses=("under_review",)))
    def start(self, c: Campaign) -> None:
        """Half the runs start under review, where S-3 has something to decide."""
        self.campaign = c
        self._expect(c)

    @rule(c=campaigns())
    def take_another_campaign(self, c: Campaign) -> None:
        self.campaign = c
        self._expect(c)

    @rule(c=campaigns(statuses=("under_review",)))
    def take_a_campaign_under_review(self, c: Campaign) -> None:
        """Under review is rare among ten statuses; S-3 needs it often."""
        self.campaign = c
        self._expect(c)

    @rule()
    def stop_it(self) -> None:
        """S-2."""
        allowed = (self.status, "stop") in TRANSITIONS
        self._apply("stop", lambda: stop(self.campaign), allowed=allowed)

    @precondition(lambda self: bool(self.reviewers))
    @rule(action=st.sampled_from(["approve", "reject"]), data=st.data())
    def review_by_a_listed_reviewer(self, action: str, data: st.DataObject) -> None:
        """S-3: by one of the campaign's reviewers (allowed only while under review)."""
        self._review(action, data.draw(st.sampled_from(sorted(self.reviewers))))

    @rule(action=st.sampled_from(["approve", "reject"]), reviewer=st.sampled_from(REVIEWERS))
    def review_by_any_name(self, action: str, reviewer: str) -> None:
        """S-3: by a name that may or may not be listed."""
        self._review(action, reviewer)

    @rule(action=st.sampled_from(["approve", "reject"]), reviewer=st.sampled_from(OUTSIDERS))
    def review_by_an_outsider(self, action: str, reviewer: str) -> None:
        """S-3: by a name that is never listed."""
        self._review(action, reviewer)

    def _review(self, action: str, reviewer: str) -> None:
        allowed = (self.status, action) in TRANSITIONS and self.caf and reviewer in self.reviewers
        func = approve if action == "approve" else reject
        self._apply(action, lambda: func(self.campaign, reviewer), allowed=allowed)
        if allowed:
            self.approved_by = reviewer if action == "approve" else None
            self.rejected_by = reviewer if action == "reject" else None

    @rule(now=aware_datetimes)
    def duplicate_it(self, now: dt.datetime) -> None:
        """S-4: the copy becomes the campaign the machine goes on with."""
        self.copies += 1
        new_id = f"{self.id}-copy{self.copies}"
        self._apply("duplicate", lambda: duplicate(self.campaign, new_id, now), allowed=True)
        self.approved_by = self.rejected_by = None
        self.id = new_id
        self.name = "Duplicate - " + self.name
        assert self.campaign.created_at == now
        assert self.campaign.updated_at == now

    @invariant()
    def matches_the_model(self) -> None:
        c = self.campaign
        assert c.status.value == self.status
        assert c.approved_by == self.approved_by
        assert c.rejected_by == self.rejected_by
        assert c.id == self.id
        assert c.name == self.name
        assert c.caf_enabled == self.caf
        assert set(c.reviewers) == self.reviewers

    @invariant()
    def review_statuses_only_with_caf(self) -> None:
        """S-1."""
        if not self.caf:
            assert self.status not in REVIEW_STATUSES

    @invariant()
    def allowed_actions_follow_the_table(self) -> None:
        """S-2, S-3: what a UI offers is what the table allows."""
        for reviewer in REVIEWERS + OUTSIDERS:
            expected = {
                action
                for (status, action) in TRANSITIONS
                if status == self.status
                and (action in ("stop", "duplicate") or (self.caf and reviewer in self.reviewers))
            }
            assert allowed_actions(self.campaign, reviewer) == expected


TestLifecycleMachine = LifecycleMachine.TestCase
