"""Uplift against the control group and comparisons of variations (B-2, X-3).

Groups are users. Target users are the users with any D-2 event; control users are the
others listed with ``group = control`` in recipients.csv or with a ``control_removed``
event (a listed control user with a D-2 event is target, with a warning). A user's
window starts at their earliest D-2 event (target), their ``control_removed`` instant,
or else the campaign's first send attempt (control), and lasts the attribution window,
closed at both ends. A group *converted* = distinct users with an event of the compared
goal in their window, receipt or not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ..model import Campaign, Goal, Group, Recipient
from ..report import Uplift
from ..stats import Comparison, adjust_comparisons, compare
from .tallies import add_lists, smallest
from .types import _CTRL_REMOVED, ConversionRecord, MessageView

__all__ = ["UpliftTally", "first_attempt", "uplift_section", "uplift_tally"]


def _converted(
    windows: Mapping[str, int | None],
    goal: Goal,
    conversions: Mapping[str, list[ConversionRecord]],
    window_us: int,
    as_of: int,
) -> set[str]:
    """B-2: the users with an event of ``goal`` in their window (at or before as-of)."""
    out: set[str] = set()
    for user, start in windows.items():
        records = conversions.get(user)
        if not records or start is None:
            continue  # B-2: a control user whose window has not started converts nothing
        end = min(start + window_us, as_of)
        for t, name, _, props, _, _ in records:
            if start <= t <= end and goal.matches(name, props):
                out.add(user)
                break
    return out


def first_attempt(views: Sequence[MessageView]) -> int | None:
    """B-2: the campaign's first send attempt (the earliest D-2 event of an Attempted
    message), where a listed control user's window starts; ``None`` before any."""
    first: int | None = None
    for v in views:
        t = v.first_d2
        if t is not None and v.attempted and (first is None or t < first):
            first = t
    return first


@attrs.define(slots=True)
class UpliftTally:
    """What :func:`uplift_section` counts, mergeable over disjoint sets of users: the
    groups' sizes and converted users per goal, and what decides whether there are two
    groups at all (X-3)."""

    listed_control: int = 0  # users listed with group = control
    variation_names: set[str] = attrs.field(factory=set)  # in recipients.csv
    any_ctrl_removed: bool = False
    listed_but_sent: int = 0  # B-2: listed control users with a send attempt
    listed_but_sent_examples: tuple[str, ...] = ()
    target: list[int] = attrs.field(factory=list)  # converted per goal (campaign order)
    target_users: int = 0
    control: list[int] = attrs.field(factory=list)
    control_users: int = 0
    variations: dict[str, list[int]] = attrs.field(factory=dict)  # name → [converted, users]

    def __iadd__(self, other: UpliftTally) -> UpliftTally:
        self.listed_control += other.listed_control
        self.variation_names |= other.variation_names
        self.any_ctrl_removed = self.any_ctrl_removed or other.any_ctrl_removed
        self.listed_but_sent += other.listed_but_sent
        self.listed_but_sent_examples = smallest(
            (*self.listed_but_sent_examples, *other.listed_but_sent_examples), _EXAMPLES
        )
        self.target = _add(self.target, other.target)
        self.target_users += other.target_users
        self.control = _add(self.control, other.control)
        self.control_users += other.control_users
        add_lists(self.variations, other.variations)
        return self

    def warnings(self) -> list[str]:
        """B-2: the listed control users who count as target."""
        if not self.listed_but_sent:
            return []
        return [
            f"{self.listed_but_sent} users listed in the control group have a send attempt "
            f"and count as target (B-2), e.g. {', '.join(self.listed_but_sent_examples)}"
        ]

    def section(self, campaign: Campaign) -> tuple[Uplift | None, list[str]]:
        """X-3: the comparisons of these counts, and the warnings they raise."""
        warnings = self.warnings()
        if not self.listed_control and len(self.variation_names) < 2 and not self.any_ctrl_removed:
            return None, warnings  # fewer than two groups, whatever the log says
        primary = campaign.primary_goal
        if primary is None:
            return None, warnings
        has_control = self.control_users > 0
        variations = self.variations
        if not has_control and len(variations) < 2:
            return None, warnings  # fewer than two groups
        p = next(i for i, g in enumerate(campaign.goals) if g is primary)
        overall: Comparison | None = None
        by_variation: list[Comparison] = []
        by_goal: list[Comparison] = []
        if has_control:
            base_x, base_n = self.control[p], self.control_users
            x, n = self.target[p], self.target_users
            overall = compare("target", "control", x, n, base_x, base_n)
            for name in sorted(variations):
                vx, vn = variations[name]
                by_variation.append(compare(name, "control", vx, vn, base_x, base_n))
            for i, goal in enumerate(campaign.goals):
                by_goal.append(
                    compare(
                        goal.name,
                        "control",
                        self.target[i],
                        self.target_users,
                        self.control[i],
                        self.control_users,
                    )
                )
        else:
            names = sorted(variations)
            baseline = names[0]  # without control, vs the first variation by name
            base_x, base_n = variations[baseline]
            for name in names[1:]:
                vx, vn = variations[name]
                by_variation.append(compare(name, baseline, vx, vn, base_x, base_n))
        return (
            Uplift(
                overall=overall,
                by_variation=tuple(adjust_comparisons(by_variation)),
                by_goal=tuple(adjust_comparisons(by_goal)),
            ),
            warnings,
        )


_EXAMPLES = 3


def _add(a: list[int], b: list[int]) -> list[int]:
    if not a:
        return list(b)
    if not b:
        return a
    return [x + y for x, y in zip(a, b)]


def uplift_tally(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    conversions: Mapping[str, list[ConversionRecord]],
    as_of: int,
    *,
    first_attempt: int | None,
) -> UpliftTally:
    """B-2: the counts of :func:`uplift_section`. ``first_attempt`` is the campaign's
    (:func:`first_attempt` over all its messages, not only these)."""
    control_group = Group.CONTROL  # Recipient.is_control, inline
    people = recipients or {}
    listed_control = {u for u, r in people.items() if r.group is control_group}
    tally = UpliftTally(
        listed_control=len(listed_control),
        variation_names={r.variation for r in people.values() if r.variation},
        any_ctrl_removed=any(v.flags & _CTRL_REMOVED for v in views),
    )
    target: dict[str, int] = {}  # user → earliest D-2 event
    removed: dict[str, int] = {}  # user → earliest control_removed
    for v in views:
        first = v.first_d2
        if first is not None and v.attempted:
            current = target.get(v.user_id)
            if current is None or first < current:
                target[v.user_id] = first
        if v.flags & _CTRL_REMOVED and v.ctrl_us is not None:
            current = removed.get(v.user_id)
            if current is None or v.ctrl_us < current:
                removed[v.user_id] = v.ctrl_us
    listed_but_sent = listed_control & target.keys()
    tally.listed_but_sent = len(listed_but_sent)
    tally.listed_but_sent_examples = smallest(listed_but_sent, _EXAMPLES)
    # B-2: a control user is one whatever their window; without a start (no send attempt
    # yet as of the instant) the window is empty
    control: dict[str, int | None] = {}
    for user in (listed_control | removed.keys()) - target.keys():
        control[user] = removed.get(user, first_attempt)
    primary = campaign.primary_goal
    if primary is None:
        return tally
    window = campaign.window_us
    variations: dict[str, dict[str, int]] = {}
    for user, start in target.items():
        r = people.get(user)
        if r is not None and r.variation is not None:
            variations.setdefault(r.variation, {})[user] = start

    def converted(windows: Mapping[str, int | None], goal: Goal) -> int:
        return len(_converted(windows, goal, conversions, window, as_of))

    goals = campaign.goals
    tally.target = [converted(target, g) for g in goals]
    tally.target_users = len(target)
    tally.control = [converted(control, g) for g in goals]
    tally.control_users = len(control)
    tally.variations = {
        name: [converted(users, primary), len(users)] for name, users in variations.items()
    }
    return tally


def uplift_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    conversions: Mapping[str, list[ConversionRecord]],
    as_of: int,
) -> tuple[Uplift | None, list[str]]:
    """B-2, X-3: the comparisons of one campaign and the warnings they raise.

    >>> from campaign_metrics.model import Campaign, Goal, Recipient
    >>> goal = Goal(name="purchase", event="purchase", primary=True)
    >>> campaign = Campaign(id="c1", name="Spring", channel="sms", goals=[goal])
    >>> recipients = {u: Recipient(u) for u in ("t1", "t2")}
    >>> recipients |= {u: Recipient(u, group="control") for u in ("k1", "k2")}
    >>> views = [MessageView.sent_message(u, send_us=0) for u in ("t1", "t2")]
    >>> H = 3_600_000_000
    >>> conversions = {
    ...     u: [(H, "purchase", None, None, u, u.encode() * 8)] for u in ("t1", "t2", "k1")
    ... }
    >>> up, warnings = uplift_section(views, campaign, recipients, conversions, 10 * H)
    >>> o = up.overall
    >>> o.group_cvr, o.baseline_group_cvr, o.uplift_pct, warnings
    (100.0, 50.0, 100.0, [])
    """
    tally = uplift_tally(
        views, campaign, recipients, conversions, as_of, first_attempt=first_attempt(views)
    )
    return tally.section(campaign)
