"""The delivery funnel (F-1..F-5), in users."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..model import Recipient
from ..phone import mobile_e164_checker
from ..report import FunnelStage
from .types import _FAILED_TO_SEND, _FC_REMOVED, MessageView, Outcome

__all__ = ["funnel_section"]


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
    of them was removed there or at an earlier stage. F-4: two users with one number
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
        return all(
            (m.fc_removed and not m.attempted)
            or (m.failed_to_send and any(f[1] == "personalization_failed" for f in m.fails))
            for m in msgs
        )

    def statuses() -> dict[str, int]:
        """Each sent user's best status, 1 sent or 2 delivered."""
        status: dict[str, int] = {}
        delivered = Outcome.DELIVERED
        for v in views:
            if v.sent:
                if v.outcome == delivered:
                    status[v.user_id] = 2
                elif v.user_id not in status:
                    status[v.user_id] = 1
        return status

    if connector:
        sent_users = statuses().keys()
        names = ["users_in_segment", "after_fc_removal", "after_personalization_removal", "sent"]
        if recipients is None:
            stages = _stages(names, [None, None, None, len(sent_users)], None)
            return stages, 0
        segment = set(recipients)
        after_fc = {u for u in segment if not capped(u)}
        after_pers = {u for u in after_fc if not personalization_removed(u)}
        sent_in = sent_users & after_pers
        stages = _stages(names, [len(segment), len(after_fc), len(after_pers), len(sent_in)], 0)
        return stages, len(sent_users - after_pers)

    names = ["valid_mobile_numbers", "after_fc_removal", "after_duplicate_removal", "sent"]
    if delivery_tracked:
        names.append("delivered")  # CH-2: a sent-only funnel ends at Sent
    if recipients is None:
        status = statuses()
        counts: list[int | None] = [None, None, None, len(status)]
        if delivery_tracked:
            counts.append(sum(1 for n in status.values() if n == 2))
        return _stages(names, counts, None), 0
    status = statuses()
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
    kept_users = keeper.values()
    sent_kept = sum(1 for u in kept_users if u in status)
    counts = [valid, valid - capped_valid, len(keeper), sent_kept]
    if delivery_tracked:
        counts.append(sum(1 for u in kept_users if status.get(u) == 2))
    stages = _stages(names, counts, len(recipients) - valid)
    return stages, len(status) - sent_kept
