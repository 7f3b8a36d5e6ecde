"""The error breakdown (E-1..E-4) with the normalised taxonomy (X-4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from ..report import (
    ContentApiRow,
    ErrorsSection,
    FailedToDeliverRow,
    FailedToSendRow,
    PersonalizationSection,
    RemovedRow,
)
from ..taxonomy import classify_error, classify_failure, failure_reason
from .rates import rate
from .tallies import add_counts
from .types import _CTRL_REMOVED, _FAILED_TO_SEND, _FC_REMOVED, MessageView, Outcome

_REMOVED = _FC_REMOVED | _CTRL_REMOVED

__all__ = [
    "PERSONALIZATION_CATEGORIES",
    "ErrorsTally",
    "errors_section",
    "errors_tally",
    "outcome_reason",
]

#: E-2: the personalization categories, every one listed.
PERSONALIZATION_CATEGORIES = (
    "user_attribute",
    "event_attribute",
    "campaign_attribute",
    "undefined",
    "other",
)


def _send_row_class(
    kind: str, reason_key: str, error_code: str | None, reason: str | None
) -> tuple[str | None, bool | None]:
    if kind in ("personalization_failed", "skipped"):
        return None, None
    if reason_key.startswith("http_"):
        cls = classify_error(reason_key)
    else:
        cls = classify_failure(error_code, reason)
    return cls.category.value, cls.transient


def outcome_reason(event: tuple[int, str, str | None, str | None, str | None, bytes]) -> str:
    """E-3 / FORMATS.md: the prefixed code, else the reason text, else the type."""
    _, type_, _, reason, error_code, _ = event
    return failure_reason(error_code, reason, type_)


@attrs.define(slots=True)
class ErrorsTally:
    """What :func:`errors_section` counts, mergeable over disjoint sets of users."""

    events: dict[str, int] = attrs.field(factory=dict)  # E-1: per reason
    messages: dict[str, int] = attrs.field(factory=dict)
    classes: dict[str, tuple[str | None, bool | None]] = attrs.field(factory=dict)
    pers_messages: int = 0  # E-2
    pers_categories: dict[str, int] = attrs.field(factory=dict)
    fc_users: int = 0  # F-5 / E-1: users removed
    ctrl_users: int = 0
    deliver: dict[str, int] = attrs.field(factory=dict)  # E-3: per reason
    deliver_class: dict[str, tuple[str | None, bool | None]] = attrs.field(factory=dict)
    sent: int = 0
    content_api: dict[int | None, int] = attrs.field(factory=dict)  # E-4: per status

    def __iadd__(self, other: ErrorsTally) -> ErrorsTally:
        add_counts(self.events, other.events)
        add_counts(self.messages, other.messages)
        for key, cls in other.classes.items():
            self.classes.setdefault(key, cls)
        self.pers_messages += other.pers_messages
        add_counts(self.pers_categories, other.pers_categories)
        self.fc_users += other.fc_users
        self.ctrl_users += other.ctrl_users
        add_counts(self.deliver, other.deliver)
        for key, cls in other.deliver_class.items():
            self.deliver_class.setdefault(key, cls)
        self.sent += other.sent
        add_counts(self.content_api, other.content_api)
        return self

    def section(self, *, connector: bool) -> ErrorsSection:
        """The ``errors`` section of these counts, rows in the order FORMATS.md gives."""
        events, messages, classes = self.events, self.messages, self.classes
        failed_rows = tuple(
            FailedToSendRow(
                reason=key,
                events=events[key],
                messages=messages[key],
                category=classes[key][0],
                transient=classes[key][1],
            )
            for key in sorted(events, key=lambda k: (-messages[k], -events[k], k))
        )
        removed = (
            RemovedRow(reason="fc_removed", users=self.fc_users),
            RemovedRow(reason="control_removed", users=self.ctrl_users),
        )
        personalization = PersonalizationSection(
            unique_messages=self.pers_messages,
            by_category={c: self.pers_categories.get(c, 0) for c in PERSONALIZATION_CATEGORIES},
        )
        deliver, deliver_class = self.deliver, self.deliver_class
        deliver_rows: tuple[FailedToDeliverRow, ...] = ()  # D-8: a connector has no row
        if not connector:
            deliver_rows = tuple(
                FailedToDeliverRow(
                    reason=key,
                    messages=deliver[key],
                    share=rate(deliver[key], self.sent),
                    category=deliver_class[key][0],
                    transient=deliver_class[key][1],
                )
                for key in sorted(deliver, key=lambda k: (-deliver[k], k))
            )
        by_status = self.content_api
        content_rows = tuple(
            ContentApiRow(status_code=s, count=by_status[s])
            for s in sorted(by_status, key=lambda s: (s is None, s or 0))
        )
        return ErrorsSection(
            failed_to_send=failed_rows,
            removed=removed,
            personalization=personalization,
            failed_to_deliver=deliver_rows,
            content_api=content_rows,
        )


def errors_tally(
    views: Sequence[MessageView],
    *,
    content_api: Iterable[tuple[int, int | None, bytes]],
    as_of: int,
) -> ErrorsTally:
    """E-1..E-4, D-11, X-4: the counts of :func:`errors_section`, in one pass."""
    events: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    classes: dict[str, tuple[str | None, bool | None]] = {}
    pers_messages = 0
    pers_categories: Counter[str] = Counter()
    fc_users: set[str] = set()
    ctrl_users: set[str] = set()
    deliver: Counter[str] = Counter()
    deliver_class: dict[str, tuple[str | None, bool | None]] = {}
    sent = 0
    failed = Outcome.FAILED
    for v in views:
        flags = v.flags
        if flags & _REMOVED and not v.attempted:
            if flags & _FC_REMOVED:
                fc_users.add(v.user_id)
            if flags & _CTRL_REMOVED:
                ctrl_users.add(v.user_id)
        if flags & _FAILED_TO_SEND:
            seen: set[str] = set()
            cats: set[str] = set()
            for _t, kind, key, pcat, error_code, reason, _ in v.fails:
                events[key] += 1
                if key not in seen:
                    seen.add(key)
                    messages[key] += 1
                if key not in classes:
                    classes[key] = _send_row_class(kind, key, error_code, reason)
                if kind == "personalization_failed":
                    cats.add(pcat or "undefined")
            if cats:  # E-2: once in total, once per category
                pers_messages += 1
                for c in cats:
                    pers_categories[c] += 1
        if v.sent:
            sent += 1
            outcome = v.outcome
            if outcome == failed:
                ev = v.outcome_event
                assert ev is not None
                key = outcome_reason(ev)
                deliver[key] += 1
                if key not in deliver_class:
                    cls = classify_failure(ev[4], ev[3])
                    deliver_class[key] = (cls.category.value, cls.transient)
            elif outcome in (Outcome.IN_TRANSIT, Outcome.SENT_AS_SMS, Outcome.PENDING):
                deliver[outcome] += 1
                deliver_class[outcome] = (None, None)
    by_status: dict[int | None, int] = {}
    for t, status, _ in content_api:
        if t <= as_of:
            by_status[status] = by_status.get(status, 0) + 1
    return ErrorsTally(
        events=dict(events),
        messages=dict(messages),
        classes=classes,
        pers_messages=pers_messages,
        pers_categories=dict(pers_categories),
        fc_users=len(fc_users),
        ctrl_users=len(ctrl_users),
        deliver=dict(deliver),
        deliver_class=deliver_class,
        sent=sent,
        content_api=by_status,
    )


def errors_section(
    views: Sequence[MessageView],
    *,
    delivery_tracked: bool,
    connector: bool,
    content_api: Iterable[tuple[int, int | None, bytes]],
    as_of: int,
) -> ErrorsSection:
    """E-1..E-4, D-6, D-8, D-9, D-11, X-4 as of the report's instant.

    A failed message's row is its D-11 outcome event's reason (E-3); a fallback SMS is
    the ``sent_as_sms`` row (D-6), each with its share of Sent.

    >>> from campaign_metrics.metrics import RareFacts
    >>> bounce = (5, "hard_bounce", "ev1", "Unknown subscriber", None, b"x" * 16)
    >>> failed = MessageView.sent_message("u2", send_us=0, outcome=Outcome.FAILED)
    >>> failed = failed._replace(rare=RareFacts(outcomes=(bounce,), outcome_event=bounce))
    >>> views = [
    ...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=1),
    ...     failed,
    ...     MessageView.sent_message("u3", send_us=0, outcome=Outcome.SENT_AS_SMS),
    ...     MessageView.sent_message("u4", send_us=0, outcome=Outcome.SENT_AS_SMS),
    ... ]
    >>> e = errors_section(
    ...     views, delivery_tracked=True, connector=False, content_api=(), as_of=10
    ... )
    >>> [(r.reason, r.messages, r.share) for r in e.failed_to_deliver]
    [('sent_as_sms', 2, 50.0), ('Unknown subscriber', 1, 25.0)]
    """
    tally = errors_tally(views, content_api=content_api, as_of=as_of)
    return tally.section(connector=connector)
