"""A campaign's lifecycle: stop, approve, reject, duplicate (S-1..S-5).

Every function is pure: it takes a :class:`~campaign_metrics.model.Campaign` and returns a
new one built with :func:`attrs.evolve`; the campaign given is never changed. A transition
the rules do not allow raises :class:`~campaign_metrics.errors.InvalidTransition`, which
names the campaign's status and the action (S-5).

The functions read no clock: only :func:`duplicate`, which creates a campaign, takes the
instant to stamp (``now``). ``stop``, ``approve`` and ``reject`` leave ``created_at`` and
``updated_at`` as they are; a caller that tracks modification times sets them itself.

>>> from campaign_metrics.model import Campaign
>>> c = Campaign(id="c1", name="Spring", channel="sms", status="sending")
>>> str(stop(c).status)
'stopped'
>>> str(c.status)
'sending'
>>> sorted(allowed_actions(c))
['duplicate', 'stop']
"""

from __future__ import annotations

import datetime as dt

import attrs

from .errors import ConfigurationError, InputError, InvalidTransition
from .model import Campaign, CampaignStatus

__all__ = [
    "ACTIONS",
    "APPROVE",
    "DUPLICATE",
    "DUPLICATE_NAME_PREFIX",
    "REJECT",
    "STOP",
    "allowed_actions",
    "approve",
    "duplicate",
    "reject",
    "stop",
]

#: The action names, as :class:`InvalidTransition` and :func:`allowed_actions` give them.
STOP = "stop"
APPROVE = "approve"
REJECT = "reject"
DUPLICATE = "duplicate"
#: Every lifecycle action.
ACTIONS: frozenset[str] = frozenset({STOP, APPROVE, REJECT, DUPLICATE})

#: S-4 Decision: put in front of a duplicate's name (the sources say "appended").
DUPLICATE_NAME_PREFIX = "Duplicate - "


def stop(c: Campaign) -> Campaign:
    """Stop a sending campaign (S-2).

    Returns a copy of ``c`` with status ``stopped``. Any other status raises
    :class:`InvalidTransition`.

    >>> from campaign_metrics.model import Campaign
    >>> c = Campaign(id="c1", name="Spring", channel="sms", status="sending")
    >>> str(stop(c).status)
    'stopped'
    >>> try:
    ...     stop(stop(c))
    ... except InvalidTransition as exc:
    ...     print(exc)
    cannot stop a campaign whose status is 'stopped': only a 'sending' campaign can be stopped
    """
    # S-2: stop is allowed only while sending.
    if c.status is not CampaignStatus.SENDING:
        raise InvalidTransition(
            c.status.value, STOP, f"only a '{CampaignStatus.SENDING.value}' campaign can be stopped"
        )
    return attrs.evolve(c, status=CampaignStatus.STOPPED)


def approve(c: Campaign, reviewer: str) -> Campaign:
    """Approve a campaign under review (S-3): its status becomes ``scheduled``.

    Needs the approval workflow (``caf_enabled``), status ``under_review`` and a
    ``reviewer`` listed in ``c.reviewers``; otherwise :class:`InvalidTransition`. The
    result has ``approved_by=reviewer`` and ``rejected_by=None`` (the fields record the
    latest review decision).

    >>> from campaign_metrics.model import Campaign
    >>> c = Campaign(id="c1", name="Spring", channel="sms", status="under_review",
    ...              caf_enabled=True, reviewers=["ana"])
    >>> a = approve(c, "ana")
    >>> str(a.status), a.approved_by
    ('scheduled', 'ana')
    """
    _check_review(c, reviewer, APPROVE)
    return attrs.evolve(c, status=CampaignStatus.SCHEDULED, approved_by=reviewer, rejected_by=None)


def reject(c: Campaign, reviewer: str) -> Campaign:
    """Reject a campaign under review (S-3): its status becomes ``rejected``.

    Same conditions as :func:`approve`. The result has ``rejected_by=reviewer`` and
    ``approved_by=None``.

    >>> from campaign_metrics.model import Campaign
    >>> c = Campaign(id="c1", name="Spring", channel="sms", status="under_review",
    ...              caf_enabled=True, reviewers=["ana"])
    >>> r = reject(c, "ana")
    >>> str(r.status), r.rejected_by
    ('rejected', 'ana')
    """
    _check_review(c, reviewer, REJECT)
    return attrs.evolve(c, status=CampaignStatus.REJECTED, rejected_by=reviewer, approved_by=None)


def duplicate(c: Campaign, new_id: str, now: dt.datetime) -> Campaign:
    """A copy of ``c`` under ``new_id``, ready to be sent again (S-4).

    Every detail is copied (channel, provider, goals, settings, ``caf_enabled``,
    ``reviewers``, ``team``, ``last_modified_by``) except: ``id`` is ``new_id``, status is
    ``not_sent``, ``approved_by`` and ``rejected_by`` are cleared, the name gets
    ``"Duplicate - "`` in front (a duplicate of a duplicate gets it twice), and
    ``created_at`` and ``updated_at`` are ``now`` (kept in UTC). Any status may be
    duplicated.

    Raises :class:`~campaign_metrics.errors.InputError` when ``new_id`` is not a non-empty
    string or ``now`` is not an aware datetime, and
    :class:`~campaign_metrics.errors.ConfigurationError` when ``new_id`` equals ``c.id``
    (a duplicate is a different campaign; sharing an id would merge two campaigns' logs).

    >>> import datetime as dt
    >>> from campaign_metrics.model import Campaign
    >>> c = Campaign(id="c1", name="Spring", channel="sms", status="sent")
    >>> d = duplicate(c, "c2", dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.timezone.utc))
    >>> d.id, d.name, str(d.status), d.created_at.isoformat()
    ('c2', 'Duplicate - Spring', 'not_sent', '2026-05-04T09:00:00+00:00')
    """
    if not isinstance(new_id, str) or not new_id:
        raise InputError(field="new_id", expected="a non-empty string", got=new_id)
    if new_id == c.id:
        raise ConfigurationError(
            f"'new_id' must differ from the campaign's id (got {new_id!r})", field="id"
        )
    if not isinstance(now, dt.datetime):
        raise InputError(field="now", expected="an aware datetime", got=now)
    if now.utcoffset() is None:
        raise InputError(
            field="now", expected="an aware datetime with a UTC offset", got=now.isoformat()
        )
    # S-4: new id, not sent, approvals cleared; Decision: the prefix goes in front.
    return attrs.evolve(
        c,
        id=new_id,
        name=DUPLICATE_NAME_PREFIX + c.name,
        status=CampaignStatus.NOT_SENT,
        approved_by=None,
        rejected_by=None,
        created_at=now,
        updated_at=now,
    )


def allowed_actions(c: Campaign, reviewer: str | None = None) -> frozenset[str]:
    """The actions that :func:`stop`, :func:`approve`, :func:`reject` and
    :func:`duplicate` would accept for ``c`` now (for a UI's buttons).

    Without ``reviewer``, ``approve`` and ``reject`` are listed when some listed reviewer
    may take them; with ``reviewer``, only when that reviewer may. ``duplicate`` is always
    allowed.

    >>> from campaign_metrics.model import Campaign
    >>> c = Campaign(id="c1", name="Spring", channel="sms", status="under_review",
    ...              caf_enabled=True, reviewers=["ana"])
    >>> sorted(allowed_actions(c))
    ['approve', 'duplicate', 'reject']
    >>> sorted(allowed_actions(c, reviewer="bo"))
    ['duplicate']
    """
    actions = {DUPLICATE}
    if c.status is CampaignStatus.SENDING:
        actions.add(STOP)
    if _review_refusal(c, reviewer) is None:
        actions.update((APPROVE, REJECT))
    return frozenset(actions)


def _review_refusal(c: Campaign, reviewer: str | None) -> str | None:
    """Why ``reviewer`` (any listed reviewer when ``None``) may not approve or reject ``c``
    (S-3), or ``None`` when they may."""
    if not c.caf_enabled:
        return "the approval workflow is off ('caf_enabled' is false)"
    if c.status is not CampaignStatus.UNDER_REVIEW:
        return f"only a '{CampaignStatus.UNDER_REVIEW.value}' campaign can be approved or rejected"
    if reviewer is None:
        return None if c.reviewers else "the campaign lists no reviewers"
    if reviewer not in c.reviewers:
        listed = ", ".join(repr(r) for r in c.reviewers) or "none"
        return f"{reviewer!r} is not a listed reviewer (reviewers: {listed})"
    return None


def _check_review(c: Campaign, reviewer: str, action: str) -> None:
    if not isinstance(reviewer, str):
        raise InputError(field="reviewer", expected="a string", got=reviewer)
    # S-3: CAF on, under review, by a listed reviewer; S-5: anything else is refused.
    refusal = _review_refusal(c, reviewer)
    if refusal is not None:
        raise InvalidTransition(c.status.value, action, refusal)
