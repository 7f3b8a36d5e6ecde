"""The delivery funnel (F-1..F-5), in users."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..model import Recipient
from ..phone import mobile_e164_checker
from ..report import FunnelStage
from .types import _FAILED_TO_SEND, _FC_REMOVED, MessageView, Outcome

__all__ = [
    "FunnelTally",
    "Keepers",
    "funnel_section",
    "funnel_tally",
    "kept_counts",
    "merge_keepers",
]


def _stages(
    names: Sequence[str], counts: Sequence[int | None], first_removed: int | None
) -> tuple[FunnelStage, ...]:
    out = []
    previous: int | None = None
    for i, (name, users) in enumerate(zip(names, counts)):
        if i == 0:
            removed = first_removed if users is not None else None
        elif users is None or previous is None:
            removed = None
        else:
            removed = previous - users
        out.append(FunnelStage(stage=name, users=users, removed=removed))
        previous = users
    return tuple(out)


#: F-4: a distinct valid number → (the user kept for it, that user's best status:
#: 0 not sent, 1 sent, 2 delivered). A number is its digits as an int where it can be.
Keepers = dict[Any, tuple[str, int]]


def merge_keepers(into: Keepers, other: Keepers) -> None:
    """F-4: the user whose id sorts first keeps a number, whichever part saw it."""
    get = into.get
    for number, entry in other.items():
        current = get(number)
        if current is None or entry[0] < current[0]:
            into[number] = entry


def kept_counts(keepers: Keepers) -> tuple[int, int, int]:
    """F-4: (distinct numbers, their kept users Sent, Delivered)."""
    sent = delivered = 0
    for _, status in keepers.values():
        if status:
            sent += 1
            if status == 2:
                delivered += 1
    return len(keepers), sent, delivered


@attrs.define(slots=True)
class FunnelTally:
    """What :func:`funnel_section` counts, mergeable over disjoint sets of users.

    ``keepers`` holds F-4's distinct numbers; ``kept`` the counts of numbers already
    settled elsewhere (``campaign_metrics.dask`` settles them by number, apart).
    """

    listed: int | None = None  # recipients.csv rows; None: no recipients
    valid: int = 0  # F-1 (connector: the segment)
    capped: int = 0  # F-5 (connector: users left by the capping stage)
    personalized: int = 0  # connector: left by the personalization stage
    sent_users: int = 0
    delivered_users: int = 0
    sent_in: int = 0  # connector: Sent users still in the funnel
    keepers: Keepers = attrs.field(factory=dict)
    kept: tuple[int, int, int] = (0, 0, 0)

    def __iadd__(self, other: FunnelTally) -> FunnelTally:
        if other.listed is not None:
            self.listed = (self.listed or 0) + other.listed
        self.valid += other.valid
        self.capped += other.capped
        self.personalized += other.personalized
        self.sent_users += other.sent_users
        self.delivered_users += other.delivered_users
        self.sent_in += other.sent_in
        merge_keepers(self.keepers, other.keepers)
        self.kept = tuple(a + b for a, b in zip(self.kept, other.kept))  # type: ignore[assignment]
        return self

    def section(
        self, *, connector: bool, delivery_tracked: bool
    ) -> tuple[tuple[FunnelStage, ...], int]:
        """The funnel stages and ``data_quality.sent_outside_funnel``."""
        if connector:
            names = ["users_in_segment", "after_fc_removal", "after_personalization_removal"]
            names.append("sent")
            if self.listed is None:
                return _stages(names, [None, None, None, self.sent_users], None), 0
            after_fc = self.valid - self.capped
            after_pers = after_fc - self.personalized
            counts = [self.valid, after_fc, after_pers, self.sent_in]
            return _stages(names, counts, 0), self.sent_users - self.sent_in
        names = ["valid_mobile_numbers", "after_fc_removal", "after_duplicate_removal", "sent"]
        if delivery_tracked:
            names.append("delivered")  # CH-2: a sent-only funnel ends at Sent
        if self.listed is None:
            plain: list[int | None] = [None, None, None, self.sent_users]
            if delivery_tracked:
                plain.append(self.delivered_users)
            return _stages(names, plain, None), 0
        numbers, sent_kept, delivered_kept = (
            a + b for a, b in zip(self.kept, kept_counts(self.keepers))
        )
        stage_counts: list[int | None] = [self.valid, self.valid - self.capped, numbers]
        stage_counts.append(sent_kept)
        if delivery_tracked:
            stage_counts.append(delivered_kept)
        stages = _stages(names, stage_counts, self.listed - self.valid)
        return stages, self.sent_users - sent_kept


def funnel_tally(
    views: Sequence[MessageView],
    recipients: Mapping[str, Recipient] | None,
    *,
    connector: bool,
    default_region: str | None,
) -> FunnelTally:
    """F-1..F-5: the counts of :func:`funnel_section`, in one pass over the views and
    one over the recipients."""
    # F-3: only users with a removed message can leave the capping or personalization
    # stage, so only their messages are gathered.
    removed_users: set[str] = set()
    for v in views:
        flags = v.flags
        if flags and ((flags & _FAILED_TO_SEND) or (flags & _FC_REMOVED and v.first_d2 is None)):
            removed_users.add(v.user_id)
    by_user: defaultdict[str, list[MessageView]] = defaultdict(list)
    if removed_users:
        for v in views:
            if v.user_id in removed_users:
                by_user[v.user_id].append(v)

    def capped(user: str) -> bool:  # F-5: fc_removed events only
        msgs = by_user.get(user)
        if not msgs:
            return False
        return all(m.fc_removed and not m.attempted for m in msgs)

    def personalization_removed(user: str) -> bool:
        msgs = by_user.get(user)
        if not msgs:
            return False
        # F-3: every message removed *there* (a message removed by capping was not)
        return all(
            m.failed_to_send and any(f[1] == "personalization_failed" for f in m.fails)
            for m in msgs
        )

    # each sent user's best status, 1 sent or 2 delivered
    status: dict[str, int] = {}
    delivered = Outcome.DELIVERED
    for v in views:
        if v.sent:
            if v.outcome == delivered:
                status[v.user_id] = 2
            elif v.user_id not in status:
                status[v.user_id] = 1
    tally = FunnelTally(
        sent_users=len(status), delivered_users=sum(1 for n in status.values() if n == 2)
    )
    if recipients is None:
        return tally
    tally.listed = len(recipients)
    if connector:
        segment = set(recipients)
        after_fc = {u for u in segment if not capped(u)}
        after_pers = {u for u in after_fc if not personalization_removed(u)}
        tally.valid = len(segment)
        tally.capped = len(segment) - len(after_fc)
        tally.personalized = len(after_fc) - len(after_pers)
        tally.sent_in = len(status.keys() & after_pers)
        return tally
    # F-4: duplicates on the E.164 form; the user whose id sorts first is kept. One pass,
    # holding one entry per distinct valid number (no per-user copies of the stages),
    # keyed by the number's digits as an int (an E.164 form has no leading zero), which
    # takes half the memory of the string.
    valid = capped_valid = 0
    keeper: dict[int | str, str] = {}
    setdefault = keeper.setdefault
    check = mobile_e164_checker(default_region)
    for user, r in recipients.items():
        e164 = check(r.mobile_number)
        if e164 is None:
            continue
        valid += 1
        if user in by_user and capped(user):
            capped_valid += 1
            continue
        # (int() reads other scripts' digits too: those forms stay strings, apart)
        number: int | str = int(e164[1:]) if e164.isascii() else e164
        kept = setdefault(number, user)
        if user < kept:
            keeper[number] = user
    tally.valid, tally.capped = valid, capped_valid
    get = status.get
    tally.keepers = {number: (user, get(user, 0)) for number, user in keeper.items()}
    return tally


def funnel_section(
    views: Sequence[MessageView],
    recipients: Mapping[str, Recipient] | None,
    *,
    connector: bool,
    delivery_tracked: bool,
    default_region: str | None,
) -> tuple[tuple[FunnelStage, ...], int]:
    """F-1..F-3: the funnel stages and ``data_quality.sent_outside_funnel``.

    Each stage is the previous stage's users that pass its own condition. A user leaves
    the capping (or personalization) stage only when they have messages and every one
    of them was removed there. F-4: two users with one number
    count once.

    >>> from campaign_metrics.model import Recipient
    >>> recipients = {
    ...     "u1": Recipient("u1", "+14155550101"),
    ...     "u2": Recipient("u2", "+14155550101"),  # F-4: the same number as u1
    ...     "u3": Recipient("u3", "not a number"),
    ... }
    >>> views = [
    ...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=1)
    ... ]
    >>> stages, outside = funnel_section(
    ...     views, recipients, connector=False, delivery_tracked=True, default_region=None
    ... )
    >>> [(s.stage, s.users, s.removed) for s in stages]  # doctest: +NORMALIZE_WHITESPACE
    [('valid_mobile_numbers', 2, 1), ('after_fc_removal', 2, 0),
     ('after_duplicate_removal', 1, 1), ('sent', 1, 0), ('delivered', 1, 0)]
    >>> outside
    0
    """
    tally = funnel_tally(views, recipients, connector=connector, default_region=default_region)
    return tally.section(connector=connector, delivery_tracked=delivery_tracked)
