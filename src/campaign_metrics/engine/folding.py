"""What one record does to its message's state, or to its campaign's (the fold's rules).

The caller (:meth:`CampaignAccumulator.fold_record`) has found the message and skipped a
repeated record (D-10); here each event type updates only the fields its rules need.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..identity import NO_ID
from ..model import Campaign, EventType, SendMode, TzMode
from ..taxonomy import failure_reason
from .message import FailRecord, MessageState, send_order, send_tail

__all__ = ["LEVEL_TYPES", "CampaignLevel", "fold_campaign_level", "fold_message"]

_ET = EventType
_TIMELINE_TYPES = frozenset(
    {_ET.SEGMENTATION_STARTED, _ET.SEGMENTATION_COMPLETED, _ET.CAMPAIGN_READY}
)
_CAMPAIGN_LEVEL = _TIMELINE_TYPES | {_ET.UNSUBSCRIBED, _ET.CONTENT_API_ERROR}
_OUTCOME_TYPES = frozenset({_ET.DELIVERY_FAILED, _ET.SOFT_BOUNCE, _ET.HARD_BOUNCE, _ET.DELETED})
_DELIVERY_TYPES = _OUTCOME_TYPES | {_ET.DELIVERED, _ET.SMS_FALLBACK}
# members bound once: an attribute of the enum class costs more than the comparison
_SENT = _ET.SENT
_ATTEMPTED = _ET.ATTEMPTED
_DELIVERED = _ET.DELIVERED
_CLICKED = _ET.CLICKED
_SMS_FALLBACK = _ET.SMS_FALLBACK
_FC_REMOVED = _ET.FC_REMOVED
_CONTROL_REMOVED = _ET.CONTROL_REMOVED
_SEND_FAILED = _ET.SEND_FAILED
_PERSONALIZATION_FAILED = _ET.PERSONALIZATION_FAILED
_SKIPPED = _ET.SKIPPED
_UNSUBSCRIBED = _ET.UNSUBSCRIBED
_CONTENT_API_ERROR = _ET.CONTENT_API_ERROR

#: The enum texts a send record keeps, each as one shared string object.
_TEXTS: dict[Any, str] = {m.value: m.value for m in (*SendMode, *TzMode)}
Extras = tuple[Any, ...]


class CampaignLevel(Protocol):
    """The campaign-wide state the campaign-level records go to."""

    campaign_level: set[bytes]  # D-10 pairs of campaign-level records
    timeline: dict[str, int]
    unsubscribes: set[tuple[str, int, str | None]]
    content_api: set[tuple[int, int | None, bytes]]
    ignored_ids: set[bytes]


def LEVEL_TYPES(campaign: Campaign) -> frozenset[EventType]:
    """The types folded at campaign level, not per message, for this campaign's settings."""
    level = set(_CAMPAIGN_LEVEL)
    if campaign.sent_only:
        level |= _DELIVERY_TYPES  # CH-2: a sent-only campaign ignores receipts
    if not campaign.click_tracking:
        level.add(_CLICKED)  # CH-3: clicks of a campaign without click tracking
    return frozenset(level)


def _tail(extras: Extras) -> tuple[int | None, int | None, str | None, str | None]:
    """The shared (code, segments, send_mode, tz_mode) of a 200 send (D-1)."""
    return send_tail(
        extras[0], extras[5], _TEXTS.get(extras[6], extras[6]), _TEXTS.get(extras[7], extras[7])
    )


def _add(state: Any, slot: str, record: tuple[Any, ...]) -> None:
    current = getattr(state, slot)
    if current is None:
        setattr(state, slot, [record])
    else:
        current.append(record)


def fold_message(
    state: MessageState, etype: EventType, t: int, event_id: str | None, extras: Extras, pair: bytes
) -> None:
    """Fold one new record of the message (its pair already remembered)."""
    if etype is _SENT:
        if t < state.first_d2:
            state.first_d2 = t
        code = extras[0]
        if code is None or code == 200:  # D-1: absent code is a 200
            st = state.sent_min
            if t < st:
                state.sent_min = t
                state.send_id = event_id
                state.send_tail = _tail(extras)
            elif t == st:
                # D-1, D-10: a 200 send at the chosen one's time: the canonical-first wins
                tail = _tail(extras)
                current = state.send_tail
                if current is None or send_order(t, event_id, tail) < send_order(
                    t, state.send_id, current
                ):
                    state.send_id = event_id
                    state.send_tail = tail
        else:
            _add(
                state.rare_state(),
                "fails",
                (t, "response", f"http_{code}", None, None, None, pair[8:]),
            )
    elif etype is _FC_REMOVED or etype is _CONTROL_REMOVED:  # D-2: never Attempted
        rare = state.rare_state()
        if etype is _FC_REMOVED:
            rare.fc_min = t if rare.fc_min is None else min(rare.fc_min, t)
        else:
            rare.ctrl_min = t if rare.ctrl_min is None else min(rare.ctrl_min, t)
    else:
        if t < state.first_d2:
            state.first_d2 = t
        if etype is _DELIVERED:
            if t < state.post_min:
                state.post_min = t
            if t < state.receipt_min:
                state.receipt_min = t
        elif etype is _CLICKED:
            if t < state.post_min:
                state.post_min = t
            clicks = state.clicks
            if clicks is None:
                state.clicks = [(t, pair[8:])]
            else:
                clicks.append((t, pair[8:]))
        elif etype in _OUTCOME_TYPES:
            if t < state.post_min:
                state.post_min = t
            _add(
                state.rare_state(),
                "outcomes",
                (t, etype._value_, event_id, extras[2], extras[1], pair[8:]),
            )
        elif etype is _SMS_FALLBACK:
            if t < state.post_min:
                state.post_min = t
            rare = state.rare_state()
            if rare.fallback_min is None or t < rare.fallback_min:
                rare.fallback_min = t
        elif etype is not _ATTEMPTED:  # attempted: D-2 only
            _fold_failure(state, etype, t, extras, pair[8:])


def _fold_failure(
    state: MessageState, etype: EventType, t: int, extras: Extras, digest: bytes
) -> None:
    """D-3, E-1, E-2: a failure-to-send record."""
    record: FailRecord
    if etype is _SEND_FAILED:
        code, error_code, reason = extras[0], extras[1], extras[2]
        if code is not None and code != 200:
            key = f"http_{code}"
        else:
            key = failure_reason(error_code, reason, "send_failed")
        record = (t, "send_failed", key, None, error_code, reason, digest)
    elif etype is _PERSONALIZATION_FAILED:
        category = extras[3] or "undefined"
        record = (
            t,
            "personalization_failed",
            "personalization_failed",
            category,
            None,
            None,
            digest,
        )
    elif etype is _SKIPPED:
        reason = extras[2]
        key = f"skipped:{reason}" if reason else "skipped"
        record = (t, "skipped", key, None, None, reason, digest)
    else:
        return
    _add(state.rare_state(), "fails", record)


def fold_campaign_level(
    acc: CampaignLevel,
    user_id: str | None,
    instance_id: str | None,
    etype: EventType,
    t: int,
    extras: Extras,
    pair: bytes,
) -> None:
    """Timeline, unsubscribe and content-API records, and the ignored types (CH-2/CH-3)."""
    if pair in acc.campaign_level:
        return  # D-10
    acc.campaign_level.add(pair)
    if etype in _TIMELINE_TYPES:
        current = acc.timeline.get(etype.value)
        if current is None or t < current:
            acc.timeline[etype.value] = t
    elif etype is _UNSUBSCRIBED:
        assert user_id is not None
        acc.unsubscribes.add((user_id, t, instance_id))
    elif etype is _CONTENT_API_ERROR:
        acc.content_api.add((t, extras[9], pair[8:]))
    else:
        # CH-2 / CH-3: ignored, 1 per identity (the content is the identity without id)
        acc.ignored_ids.add(pair[:8] if pair[:8] != NO_ID else pair[8:])
