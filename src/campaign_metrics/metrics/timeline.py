"""The timeline (T-2): instants in the app's zone and the duration of each step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Campaign, DeliveryType
from ..report import Timeline
from ..timezones import from_us
from .types import MessageView

__all__ = ["send_span", "timeline_of", "timeline_section"]


def send_span(views: Sequence[MessageView]) -> tuple[int | None, int | None]:
    """T-2: the first and the last send instant of the Sent messages."""
    sends = [send_us for v in views if (send_us := v.send_us) is not None]  # the Sent
    return (min(sends), max(sends)) if sends else (None, None)


def timeline_section(
    timeline: Mapping[str, int],
    views: Sequence[MessageView],
    campaign: Campaign,
    as_of: int | None,
) -> Timeline:
    """T-2: the earliest of each step, the latest send; active campaigns have only the
    first and last send.

    >>> from campaign_metrics.model import Campaign
    >>> campaign = Campaign(id="c1", name="Spring", channel="sms")
    >>> steps = {"segmentation_started": 0, "campaign_ready": 120_000_000}
    >>> views = [MessageView.sent_message("u1", send_us=600_000_000)]
    >>> t = timeline_section(steps, views, campaign, as_of=None)
    >>> t.first_sent, t.durations_s["to_first_send"]
    ('1970-01-01T00:10:00+00:00', 480.0)
    """
    first, last = send_span(views)
    return timeline_of(timeline, first, last, campaign, as_of)


def timeline_of(
    timeline: Mapping[str, int],
    first: int | None,
    last: int | None,
    campaign: Campaign,
    as_of: int | None,
) -> Timeline:
    """T-2 from the campaign's timeline records and its first and last send."""
    zone = campaign.zone

    def at(name: str) -> int | None:
        if campaign.delivery_type is DeliveryType.ACTIVE:
            return None
        t = timeline.get(name)
        return t if t is not None and (as_of is None or t <= as_of) else None

    started = at("segmentation_started")
    completed = at("segmentation_completed")
    ready = at("campaign_ready")

    def span(a: int | None, b: int | None) -> float | None:
        return None if a is None or b is None else (b - a) / 1e6

    def text(t: int | None) -> str | None:
        return None if t is None else from_us(t, zone).isoformat()

    return Timeline(
        segmentation_started=text(started),
        segmentation_completed=text(completed),
        campaign_ready=text(ready),
        first_sent=text(first),
        last_sent=text(last),
        durations_s={
            "segmentation": span(started, completed),
            "preparation": span(completed, ready),
            "to_first_send": span(ready, first),
            "sending": span(first, last),
        },
    )
