"""Per-user journeys: one pass over the users, each living every instance of the campaign.

A journey is number checks, frequency capping, attempt, send, receipt, clicks,
unsubscribe and conversions; its records are emitted together.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import attrs

from ..model import Channel
from ._records import _Records
from ._tables import (
    _AREAS,
    _ATTRIBUTES,
    _CLICK_EXPIRY,
    _DAY,
    _EXCHANGES,
    _HOUR,
    _MINUTE,
    _NUMBER_SPACE,
    _NUMBER_STEP,
    _SECOND,
)


@attrs.define(slots=True)
class _Journey:
    recipient: dict[str, str] | None
    events: list[dict[str, Any]]
    conversions: list[dict[str, Any]]


class _Generator(_Records):
    """One pass over the users; every draw comes from one seeded ``random.Random``."""

    # ------------------------------------------------------------ journeys

    def journeys(self) -> Iterator[_Journey]:
        if self.spec.timeline and not self.active:
            yield _Journey(None, self._timeline(), [])
        for index in range(self.spec.recipients):
            yield self._journey(index)

    def _timeline(self) -> list[dict[str, Any]]:
        out = []
        for inst, start in self.instances:
            started = start - self._int(15 * _MINUTE, 40 * _MINUTE)
            completed = started + self._int(2 * _MINUTE, 12 * _MINUTE)
            ready = start - self._int(0, _MINUTE)
            out.append(self._event("segmentation_started", started, None, inst))
            out.append(self._event("segmentation_completed", completed, None, inst))
            out.append(self._event("campaign_ready", ready, None, inst))
        return out

    def _number(self, index: int) -> tuple[str, str]:
        """A mobile number cell and its status: ``ok``, ``invalid`` or ``duplicate``."""
        rng, spec = self.rng, self.spec
        if self.channel is not Channel.CONNECTOR:
            draw = rng.random()
            if draw < spec.invalid_number_rate:
                return self._invalid_number(), "invalid"
            if draw < spec.invalid_number_rate + spec.duplicate_number_rate and self.recent_numbers:
                slot = self.recent_numbers[int(self.random() * len(self.recent_numbers))]
                return self._format_number(slot), "duplicate"
        slot = (index * _NUMBER_STEP + self.number_offset) % _NUMBER_SPACE
        return self._format_number(slot), "ok"

    def _format_number(self, slot: int) -> str:
        area = _AREAS[slot % len(_AREAS)]
        rest = slot // len(_AREAS)
        exchange = _EXCHANGES[rest % len(_EXCHANGES)]
        line = f"{rest // len(_EXCHANGES):04d}"
        styles = 6 if self.national_formats else 2
        style = int(self.random() * styles)
        if style == 0:
            return f"+1{area}{exchange}{line}"
        if style == 1:
            return f"+1 {area}-{exchange}-{line}"
        if style == 2:
            return f"({area}) {exchange}-{line}"
        if style == 3:
            return f"{area}-{exchange}-{line}"
        if style == 4:
            return f"{area}.{exchange}.{line}"
        return f"1 ({area}) {exchange}-{line}"

    def _invalid_number(self) -> str:
        kind = int(self.random() * 6)
        digits = f"{self._int(200, 999)}-{self._int(0, 9999):04d}"
        if kind == 0:  # too short
            return f"+1 {_AREAS[int(self.random() * 2)]} {digits[:-2]}"
        if kind == 1:  # an exchange cannot start with 0 or 1
            return f"+1 {_AREAS[int(self.random() * 2)]} {self._int(100, 199)}-{digits[-4:]}"
        if kind == 2:  # no area code
            return digits
        if kind == 3:  # a London landline
            return f"+44 20 7946 {self._int(0, 999):04d}"
        if kind == 4:  # toll-free
            return f"+1 800-{self._int(200, 999)}-{self._int(0, 9999):04d}"
        return ""

    def _journey(self, index: int) -> _Journey:
        rng, spec, tally = self.rng, self.spec, self.tally
        user = f"u{index:0{self.width}d}"
        number, status = self._number(index)
        control = rng.random() < spec.control_rate
        row = {
            "user_id": user,
            "mobile_number": number,
            "locale": self.locales.pick(rng) if self.locales else "",
            "variation": self.variations.pick(rng) if self.variations else "",
            "timezone": self.zones.pick(rng) if self.zones else "",
            "group": ("control" if control else "target") if spec.control_rate else "",
        }
        tally.add("recipients")
        events: list[dict[str, Any]] = []
        conversions: list[dict[str, Any]] = []
        if status != "ok":
            tally.add("invalid_numbers" if status == "invalid" else "duplicate_numbers")
        else:
            if control:
                tally.add("control_users")
            self._messages(user, index, control, events, conversions, number)
        if rng.random() < spec.organic_conversion_rate:
            at = self.first_start - _DAY + int(self.random() * (self.span + 4 * _DAY))
            conversions.extend(self._purchase(user, at))
        if rng.random() < spec.other_event_rate:
            at = self.first_start + int(self.random() * (self.span + 2 * _DAY))
            conversions.append(self._conversion("app_open", user, at))
        return _Journey(row, events, conversions)

    def _messages(
        self,
        user: str,
        index: int,
        control: bool,
        events: list[dict[str, Any]],
        conversions: list[dict[str, Any]],
        number: str,
    ) -> None:
        rng, spec = self.rng, self.spec
        reached_fc = False
        unsubscribed = False
        for inst, start in self.instances:
            if self.active:
                if rng.random() >= spec.active_participation_rate:
                    continue
                t0 = start + int(self.random() * _DAY)
            else:
                t0 = start + self.spread * index // max(spec.recipients, 1)
                t0 += int(self.random() * (2 * _SECOND))
            if control:
                at = t0 - int(self.random() * _MINUTE)
                if rng.random() < spec.control_removed_event_rate:
                    events.append(self._event("control_removed", at, user, inst))
                if rng.random() < spec.control_conversion_rate:
                    conversions.extend(self._purchase(user, at + self._in_window()))
                continue
            if unsubscribed:
                # O-3: the platform may still try; the provider refuses (twilio 21610).
                if self.integrated and self.channel is not Channel.CONNECTOR and rng.random() < 0.5:
                    self.tally.add("messages")
                    extras = {
                        "error_code": self._code("twilio", "21610"),
                        "reason": "Attempt to send to unsubscribed recipient",
                    }
                    events.append(self._event("send_failed", t0, user, inst, extras))
                continue
            result = self._message(user, inst, t0, events, conversions)
            reached_fc = reached_fc or result != "fc_removed"
            unsubscribed = unsubscribed or result == "unsubscribed"
        if reached_fc and number:
            index_slot = (index * _NUMBER_STEP + self.number_offset) % _NUMBER_SPACE
            self.recent_numbers.append(index_slot)

    def _message(
        self,
        user: str,
        inst: str | None,
        t0: int,
        events: list[dict[str, Any]],
        conversions: list[dict[str, Any]],
    ) -> str:
        rng, spec, tally, ev = self.rng, self.spec, self.tally, self._event
        tally.add("messages")
        if rng.random() < spec.fc_removed_rate:
            events.append(ev("fc_removed", t0 - int(self.random() * _MINUTE), user, inst))
            return "fc_removed"
        if rng.random() < spec.attempted_rate:
            events.append(ev("attempted", t0, user, inst))
        if rng.random() < spec.content_api_error_rate:
            code = self.api_codes.pick(rng)
            at = t0 + int(self.random() * 500)
            events.append(ev("content_api_error", at, user, inst, {"status_code": code}))
        if rng.random() < spec.personalization_failed_rate:
            category = self.personalization.pick(rng)
            extras: dict[str, Any] = {"category": category} if category else {}
            if rng.random() < 0.8:
                names = _ATTRIBUTES[category]
                extras["attribute"] = names[int(self.random() * len(names))]
            events.append(ev("personalization_failed", t0 + 100, user, inst, extras))
            return "failed"
        segments = None
        if self.channel is Channel.SMS:
            segments = 1 if rng.random() >= spec.multi_segment_rate else rng.choice((2, 2, 3, 4))
        too_long = self.max_segments is not None and (segments or 0) > self.max_segments
        if rng.random() < spec.skipped_rate or (too_long and rng.random() < 0.5):
            reason = "ContentTooLong" if too_long else self.skip_reasons.pick(rng)
            events.append(ev("skipped", t0 + 100, user, inst, {"reason": reason}))
            return "failed"
        t_send = t0 + self._int(50, 3 * _SECOND)
        if rng.random() < spec.send_failed_rate:
            events.append(self._send_failure(t_send, user, inst))
            return "failed"
        return self._delivery(user, inst, t0, t_send, segments, events, conversions)

    def _send_failure(self, at: int, user: str, inst: str | None) -> dict[str, Any]:
        rng = self.rng
        if self.channel is Channel.CONNECTOR:
            status, reason = self.http_failures.pick(rng)
            if rng.random() < self.spec.failed_as_sent_rate:
                return self._event("sent", at, user, inst, {"response_code": status})
            extras = {"response_code": status, "reason": reason}
            return self._event("send_failed", at, user, inst, extras)
        failure = self.send_failures.pick(rng)
        return self._event("send_failed", at, user, inst, self._failure_extras(failure))

    def _delivery(
        self,
        user: str,
        inst: str | None,
        t0: int,
        t_send: int,
        segments: int | None,
        events: list[dict[str, Any]],
        conversions: list[dict[str, Any]],
    ) -> str:
        rng, spec, tally, ev = self.rng, self.spec, self.tally, self._event
        extras: dict[str, Any] = {}
        if self.channel is Channel.CONNECTOR or rng.random() < spec.explicit_response_code_rate:
            extras["response_code"] = 200
        if segments is not None:
            extras["segments"] = segments
        mode = self.send_modes.pick(rng) if self.send_modes else ""
        if mode:
            extras["send_mode"] = mode
        tz_mode = self.tz_modes.pick(rng) if self.tz_modes else ""
        if tz_mode:
            extras["tz_mode"] = tz_mode
        sent = ev("sent", t_send, user, inst, extras)
        tally.add("sent")
        reach, reached = t_send, True
        if not self.tracked:
            events.append(sent)
            if rng.random() < spec.untracked_receipt_rate:
                at = t_send + self._int(_SECOND, _MINUTE)
                events.append(ev("delivered", at, user, inst))
                tally.add("ignored_receipts")
        else:
            outcome = self.outcomes.pick(rng)
            if outcome == "in_transit":
                events.append(sent)
                reached = False
            else:
                reach = self._receipts(outcome, user, inst, t_send, sent, events)
                reached = outcome in ("delivered", "sms_fallback")
        if not reached:
            self._outside_window(user, t0, t_send, conversions)
            return "sent"
        clicks = self._clicks(user, inst, t_send, reach, events)
        unsubscribed = False
        if self.channel is not Channel.CONNECTOR and rng.random() < spec.unsubscribe_rate:
            at = reach + self._int(_MINUTE, 6 * _HOUR)
            events.append(ev("unsubscribed", at, user, inst))
            unsubscribed = True
        self._conversions(user, reach, clicks[0] if clicks else None, conversions)
        # after every window the message opened (view-through and click-through, A-3, A-4)
        self._outside_window(user, t0, max(reach, clicks[1]) if clicks else reach, conversions)
        return "unsubscribed" if unsubscribed else "sent"

    def _receipts(
        self,
        outcome: str,
        user: str,
        inst: str | None,
        t_send: int,
        sent: dict[str, Any],
        events: list[dict[str, Any]],
    ) -> int:
        """Append the send and its receipts; return the instant of the first receipt."""
        rng, spec, tally, ev = self.rng, self.spec, self.tally, self._event
        # D-12: a lost send event leaves the receipt without its send.
        keep_send = rng.random() >= spec.receipt_without_send_rate
        if rng.random() < spec.late_receipt_rate:
            at = t_send + self._int(_HOUR, 96 * _HOUR)
        else:
            at = t_send + 200 + min(int(rng.lognormvariate(math.log(4000), 0.8)), 15 * _MINUTE)
        if keep_send and outcome == "delivered" and rng.random() < spec.receipt_before_send_rate:
            at = t_send - self._int(_SECOND, 30 * _SECOND)  # a provider clock behind ours
            tally.add("receipts_before_send")
        if outcome in ("delivered", "sms_fallback"):
            receipt = ev(outcome, at, user, inst)
        else:
            failure = self.outcome_tables[outcome].pick(rng)
            receipt = ev(outcome, at, user, inst, self._failure_extras(failure))
        if keep_send:
            events.append(sent)
        else:
            tally.add("receipts_without_send")
        events.append(receipt)
        if rng.random() < spec.duplicate_receipt_rate:
            events.append(dict(receipt))  # the same callback delivered twice
            tally.add("exact_duplicates")
        if outcome == "delivered" and rng.random() < spec.conflicting_receipt_rate:
            later = at + self._int(_MINUTE, 12 * _HOUR)
            if rng.random() < 0.5:
                events.append(ev("delivered", later, user, inst))
                tally.add("repeated_receipts")
            else:
                # D-11: a failure for a Delivered message does not undo it
                failure = self.outcome_tables["delivery_failed"].pick(rng)
                events.append(
                    ev("delivery_failed", later, user, inst, self._failure_extras(failure))
                )
                tally.add("delivery_conflicts")
        return at

    def _clicks(
        self, user: str, inst: str | None, t_send: int, reach: int, events: list[dict[str, Any]]
    ) -> tuple[int, int] | None:
        """Append the message's clicks; return its first and last unexpired click."""
        rng, spec = self.rng, self.spec
        if not self.clicks_on or rng.random() >= spec.click_rate:
            return None
        at = reach + min(int(rng.lognormvariate(math.log(12 * _MINUTE), 1.2)), 72 * _HOUR)
        first = at
        events.append(self._event("clicked", at, user, inst, {"url": self.urls.pick(rng)}))
        repeats = 0
        while repeats < 4 and rng.random() < spec.repeat_click_rate:
            at += min(int(rng.lognormvariate(math.log(5 * _MINUTE), 1.0)), 24 * _HOUR)
            events.append(self._event("clicked", at, user, inst, {"url": self.urls.pick(rng)}))
            repeats += 1
        if rng.random() < spec.expired_click_rate:
            # K-2: past the link's 15 days, counted from the message's send instant.
            late = max(t_send, reach) + _CLICK_EXPIRY + self._int(_MINUTE, 7 * _DAY)
            events.append(self._event("clicked", late, user, inst, {"url": self.urls.pick(rng)}))
            self.tally.add("expired_clicks")
        return first, at

    def _conversions(
        self, user: str, reach: int, clicked: int | None, conversions: list[dict[str, Any]]
    ) -> None:
        rng, spec = self.rng, self.spec
        if clicked is not None and rng.random() < spec.click_purchase_rate:
            if rng.random() < spec.in_session_share:
                at = clicked + self._int(_MINUTE, 29 * _MINUTE)
            else:
                at = clicked + self._in_window()
            conversions.extend(self._purchase(user, at))
        elif rng.random() < spec.purchase_rate:
            conversions.extend(self._purchase(user, reach + self._in_window()))
        for name in self.secondary_events:
            if rng.random() < spec.secondary_goal_rate:
                at = reach + self._in_window()
                conversions.append(self._conversion(name, user, at, None, self._properties(False)))

    def _outside_window(
        self, user: str, t0: int, last: int, conversions: list[dict[str, Any]]
    ) -> None:
        rng = self.rng
        if rng.random() >= self.spec.outside_window_rate:
            return
        if rng.random() < 0.5:
            at = t0 - self._int(_HOUR, 48 * _HOUR)
        else:
            at = last + self.window + self._int(_MINUTE, 72 * _HOUR)
        conversions.extend(self._purchase(user, at))
        self.tally.add("conversions_outside_window")
