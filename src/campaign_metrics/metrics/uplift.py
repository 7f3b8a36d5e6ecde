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

from ..model import Campaign, Goal, Group, Recipient
from ..report import Uplift
from ..stats import Comparison, adjust_comparisons, compare
from .types import _CTRL_REMOVED, ConversionRecord, MessageView

__all__ = ["uplift_section"]


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
    primary = campaign.primary_goal
    warnings: list[str] = []
    control_group = Group.CONTROL  # Recipient.is_control, inline
    listed_control = {u for u, r in (recipients or {}).items() if r.group is control_group}
    variation_names = {r.variation for r in (recipients or {}).values() if r.variation}
    if (
        not listed_control
        and len(variation_names) < 2
        and not any(v.flags & _CTRL_REMOVED for v in views)
    ):
        return None, warnings  # fewer than two groups, whatever the log says
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
    listed_but_sent = sorted(listed_control & target.keys())
    if listed_but_sent:
        warnings.append(
            f"{len(listed_but_sent)} users listed in the control group have a send attempt "
            f"and count as target (B-2), e.g. {', '.join(listed_but_sent[:3])}"
        )
    first_attempt = min(target.values()) if target else None
    # B-2: a control user is one whatever their window; without a start (no send attempt
    # yet as of the instant) the window is empty
    control: dict[str, int | None] = {}
    for user in (listed_control | removed.keys()) - target.keys():
        control[user] = removed.get(user, first_attempt)
    if primary is None:
        return None, warnings
    window = campaign.window_us
    variations: dict[str, dict[str, int]] = {}
    for user, start in target.items():
        r = (recipients or {}).get(user)
        if r is not None and r.variation is not None:
            variations.setdefault(r.variation, {})[user] = start
    has_control = bool(control)
    if not has_control and len(variations) < 2:
        return None, warnings  # fewer than two groups

    def group(windows: Mapping[str, int | None], goal: Goal) -> tuple[int, int]:
        return len(_converted(windows, goal, conversions, window, as_of)), len(windows)

    overall: Comparison | None = None
    by_variation: list[Comparison] = []
    by_goal: list[Comparison] = []
    if has_control:
        base_x, base_n = group(control, primary)
        x, n = group(target, primary)
        overall = compare("target", "control", x, n, base_x, base_n)
        for name in sorted(variations):
            vx, vn = group(variations[name], primary)
            by_variation.append(compare(name, "control", vx, vn, base_x, base_n))
        for goal in campaign.goals:
            gx, gn = group(target, goal)
            cx, cn = group(control, goal)
            by_goal.append(compare(goal.name, "control", gx, gn, cx, cn))
    else:
        names = sorted(variations)
        baseline = names[0]  # without control, vs the first variation by name
        base_x, base_n = group(variations[baseline], primary)
        for name in names[1:]:
            vx, vn = group(variations[name], primary)
            by_variation.append(compare(name, baseline, vx, vn, base_x, base_n))
    return (
        Uplift(
            overall=overall,
            by_variation=tuple(adjust_comparisons(by_variation)),
            by_goal=tuple(adjust_comparisons(by_goal)),
        ),
        warnings,
    )
