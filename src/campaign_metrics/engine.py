"""The engine: one accumulator per campaign, folded one event at a time.

``CampaignAccumulator`` keeps a compact, exact, order-free state per *message* — a
(user, instance) pair — and campaign-wide facts (timeline, unsubscribes, content-API
errors, rejected records). ``add`` folds an event, ``merge`` combines the states of two
parts of a log (associative, commutative, ``empty()`` its identity), and ``report``
computes the report *as of* an instant (D-7). Conversions are user events: they live in
a :class:`ConversionPool` shared by every campaign of a run (A-6).

Duplicates and conflicts are resolved as D-10..D-12 say, never by log order: every
distinct record is remembered as a 16-byte pair of stable digests, a repeat of a pair
changes nothing, and every choice between tied events takes the canonical-first one.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from itertools import islice
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Union

from ._pool import ConversionPool, ConversionRecord
from ._records import (
    HASH8,
    KEY_FIELDS,
    RejectedRecord,
    count_distinct_ids,
    event_key,
    key_cell,
    record_pair,
)
from ._state import (
    EMPTY_BLOB,
    HEAD,
    HEAD_SIZE,
    NO_ID,
    NONE,
    MessageState,
    SendRecord,
    SendTail,
    has_pair,
    merge_pairs,
    send_tail,
)
from .canonical import canonical_event, json_key
from .errors import InputError, MergeError
from .model import (
    EXTRA_FIELDS,
    Campaign,
    ConversionEvent,
    EventType,
    MessageEvent,
    Recipient,
    SendMode,
    TzMode,
)

if TYPE_CHECKING:
    from .report import Report

__all__ = [
    "HASH8",
    "KEY_FIELDS",
    "CampaignAccumulator",
    "ConversionPool",
    "ConversionRecord",
    "RejectedRecord",
    "RunAccumulator",
    "event_key",
    "key_cell",
    "record_pair",
]

_ET = EventType
_TIMELINE_TYPES = frozenset(
    {_ET.SEGMENTATION_STARTED, _ET.SEGMENTATION_COMPLETED, _ET.CAMPAIGN_READY}
)
_CAMPAIGN_LEVEL = _TIMELINE_TYPES | {_ET.UNSUBSCRIBED, _ET.CONTENT_API_ERROR}
_OUTCOME_TYPES = frozenset({_ET.DELIVERY_FAILED, _ET.SOFT_BOUNCE, _ET.HARD_BOUNCE, _ET.DELETED})
_DELIVERY_TYPES = _OUTCOME_TYPES | {_ET.DELIVERED, _ET.SMS_FALLBACK}
_NOT_D2 = frozenset({_ET.FC_REMOVED, _ET.CONTROL_REMOVED})  # D-2: never make it Attempted
_POST_SEND = _OUTCOME_TYPES | {_ET.DELIVERED, _ET.SMS_FALLBACK, _ET.CLICKED}
# members bound once: an attribute of the enum class costs more than the comparison
_SENT = _ET.SENT
_ATTEMPTED = _ET.ATTEMPTED
_DELIVERED = _ET.DELIVERED
_CLICKED = _ET.CLICKED
_SMS_FALLBACK = _ET.SMS_FALLBACK
_FC_REMOVED = _ET.FC_REMOVED
_SEND_FAILED = _ET.SEND_FAILED
_PERSONALIZATION_FAILED = _ET.PERSONALIZATION_FAILED
_SKIPPED = _ET.SKIPPED

_NO_EXTRAS: tuple[Any, ...] = (None,) * len(EXTRA_FIELDS)
_BATCH = 8192  # events folded column by column at a time (add_all)
_extras_of = attrgetter(*EXTRA_FIELDS)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_ONE_US = dt.timedelta(microseconds=1)
Extras = tuple[Any, ...]

#: The enum texts a send record keeps, each as one shared string object.
_TEXTS: dict[Any, str] = {m.value: m.value for m in (*SendMode, *TzMode)}


def _send_record(t: int, event_id: str | None, extras: Extras) -> SendRecord:
    """The record a 200 send keeps (D-1): its time, id, code, segments and modes.

    The modes are kept as the shared enum texts, not one copy of the text per record.
    """
    return (
        t,
        event_id,
        extras[0],
        extras[5],
        _TEXTS.get(extras[6], extras[6]),
        _TEXTS.get(extras[7], extras[7]),
    )


_unpack_head = HEAD.unpack_from
_pack_head = HEAD.pack


def _send_tail(extras: Extras) -> SendTail:
    """The shared (code, segments, send_mode, tz_mode) of a 200 send (D-1)."""
    return send_tail(
        extras[0], extras[5], _TEXTS.get(extras[6], extras[6]), _TEXTS.get(extras[7], extras[7])
    )


MessageKey = Union[str, tuple[str, str | None]]  # noqa: UP007


def split_key(key: MessageKey) -> tuple[str, str | None]:
    """(user id, instance id) of a message key."""
    if type(key) is tuple:
        return key
    return key, None  # type: ignore[return-value]


# --------------------------------------------------------------------------- campaigns


class CampaignAccumulator:
    """The running state of one campaign's message log.

    >>> import datetime as dt
    >>> from campaign_metrics import Campaign, MessageEvent
    >>> acc = CampaignAccumulator(Campaign(id="c1", name="Spring", channel="sms"))
    >>> t = dt.datetime(2026, 5, 4, 7, tzinfo=dt.timezone.utc)
    >>> acc.add(MessageEvent(type="sent", time=t, user_id="u1"))
    >>> acc.add(MessageEvent(type="delivered", time=t, user_id="u1"))
    >>> acc.report().delivery.delivered
    1
    """

    __slots__ = (
        "_level_types",
        "_multi",
        "campaign",
        "campaign_level",
        "content_api",
        "conversions",
        "ignored_ids",
        "max_time",
        "messages",
        "notes",
        "recipient_repeats",
        "recipients",
        "records",
        "rejected",
        "timeline",
        "unsubscribes",
    )

    def __init__(
        self,
        campaign: Campaign,
        recipients: Mapping[str, Recipient] | Iterable[Recipient] | None = None,
    ) -> None:
        self.campaign = campaign
        self.recipients: dict[str, Recipient] | None = _recipient_map(recipients)
        # D-10 over recipients.csv rows (identity user_id): (duplicates, id_conflicts)
        self.recipient_repeats: tuple[int, int] = _recipient_repeats(recipients)
        # one-time campaigns key a message by its user id, the others by (user, instance)
        self.messages: dict[MessageKey, MessageState] = {}
        self.campaign_level: set[bytes] = set()  # D-10 pairs of campaign-level records
        self.ignored_ids: set[bytes] = set()  # CH-2/CH-3: identities of ignored events
        self.timeline: dict[str, int] = {}  # T-2: earliest time per timeline type
        self.unsubscribes: set[tuple[str, int, str | None]] = set()  # O-3
        self.content_api: set[tuple[int, int | None, bytes]] = set()  # E-4
        self.records = 0  # D-10: records accepted, repeats included
        self.max_time: int | None = None  # D-7: latest accepted record
        self.rejected: list[RejectedRecord] = []
        self.notes: set[str] = set()  # data-quality warnings found while reading
        self.conversions = ConversionPool()
        self._multi = campaign.multi_instance
        # the types folded at campaign level for this campaign's settings
        level = set(_CAMPAIGN_LEVEL)
        if campaign.sent_only:
            level |= _DELIVERY_TYPES  # CH-2: a sent-only campaign ignores receipts
        if not campaign.click_tracking:
            level.add(_CLICKED)  # CH-3: clicks of a campaign without click tracking
        self._level_types = frozenset(level)

    @classmethod
    def empty(
        cls,
        campaign: Campaign,
        recipients: Mapping[str, Recipient] | Iterable[Recipient] | None = None,
    ) -> CampaignAccumulator:
        """The identity of :meth:`merge`."""
        return cls(campaign, recipients)

    # ----------------------------------------------------------------- adding

    def add(self, event: MessageEvent | ConversionEvent) -> None:
        """Fold one event. A conversion goes to this accumulator's conversion pool."""
        if type(event) is not MessageEvent:
            if isinstance(event, ConversionEvent):
                self.conversions.add(event)
                return
            if not isinstance(event, MessageEvent):
                raise TypeError(f"expected a MessageEvent or ConversionEvent, got {event!r}")
        assert isinstance(event, MessageEvent)
        campaign_id = event.campaign_id
        if campaign_id is not None and campaign_id != self.campaign.id:
            raise InputError(
                field="campaign_id",
                expected=f"the campaign's id '{self.campaign.id}'",
                got=campaign_id,
            )
        extras = _extras_of(event)
        if extras[3] is not None or extras[6] is not None or extras[7] is not None:
            # category, send_mode, tz_mode are enums in the model, text in the engine
            extras = tuple(v.value if isinstance(v, enum.Enum) else v for v in extras)
        t = (event.time - _EPOCH) // _ONE_US
        if event.unlisted:
            # FORMATS.md: the keys the type does not list are part of the content (D-10)
            self.count_records(1, t)
            instance_id = event.instance_id if self._multi else None
            key = event_key(
                event.event_id, instance_id, event.user_id, event.type._value_, t, extras
            )
            key += "\x1f\x02" + json_key(dict(event.unlisted))
            self.fold_record(
                event.user_id,
                instance_id,
                event.type,
                t,
                event.event_id,
                extras,
                record_pair(event.event_id, key),
            )
            return
        self.fold(event.user_id, event.instance_id, event.type, t, event.event_id, extras)

    def add_all(self, events: Iterable[MessageEvent | ConversionEvent]) -> CampaignAccumulator:
        """Fold every event; returns ``self``."""
        from ._gc import paused_gc
        from .io._columns import ColumnFolder, fold_message_events

        add = self.add
        folder = ColumnFolder(self)  # message events column by column, a batch at a time
        try:
            with paused_gc():
                iterator = iter(events)
                while batch := list(islice(iterator, _BATCH)):
                    messages = [e for e in batch if type(e) is MessageEvent]
                    if len(messages) < len(batch):
                        for event in batch:
                            if type(event) is not MessageEvent:
                                add(event)  # conversions, or a TypeError for anything else
                    fold_message_events(folder, messages, add)
        finally:
            self.count_records(folder.records, folder.latest if folder.records else None)
        return self

    def reject(self, record: RejectedRecord) -> None:
        """Keep a record lenient mode did not accept (``data_quality.rejected``)."""
        self.rejected.append(record)

    def fold(
        self,
        user_id: str | None,
        instance_id: str | None,
        etype: EventType,
        t: int,
        event_id: str | None,
        extras: Extras = _NO_EXTRAS,
    ) -> None:
        """Fold one already-validated event given as plain values.

        ``extras`` holds the values of :data:`EXTRA_FIELDS` in order (enums as their
        string values).
        """
        self.count_records(1, t)
        if not self._multi:
            instance_id = None  # CH-4: one-time campaigns have one instance
        key = event_key(event_id, instance_id, user_id, etype._value_, t, extras)
        self.fold_record(
            user_id, instance_id, etype, t, event_id, extras, record_pair(event_id, key)
        )

    def count_records(self, records: int, max_time: int | None) -> None:
        """Account for ``records`` records folded with :meth:`fold_record`, the latest
        at ``max_time`` (D-7, D-10: every accepted record counts, repeats included)."""
        self.records += records
        mt = self.max_time
        if max_time is not None and (mt is None or max_time > mt):
            self.max_time = max_time

    def fold_record(
        self,
        user_id: str | None,
        instance_id: str | None,
        etype: EventType,
        t: int,
        event_id: str | None,
        extras: Extras,
        pair: bytes,
    ) -> None:
        """The hot path of :meth:`fold`: the caller has already counted the record (see
        :meth:`count_records`), dropped the instance id of a one-time campaign (CH-4)
        and computed the record's ``pair`` (:func:`record_pair`)."""
        if etype in self._level_types:
            self._fold_campaign_level(user_id, instance_id, etype, t, extras, pair)
            return
        # a one-time campaign's message is its user: the id itself is the key
        key: Any = (user_id, instance_id) if self._multi else user_id
        messages = self.messages
        state = messages.get(key)
        if state is None:
            recipients = self.recipients
            if recipients is not None and user_id is not None:
                # memory: the message keeps the recipient's own id string, not a copy
                known = recipients.get(user_id)
                if known is not None:
                    user_id = known.user_id
                    key = (user_id, instance_id) if self._multi else user_id
            state = messages[key] = MessageState()
            blob = EMPTY_BLOB
            d2 = st = pm = rm = NONE
        else:
            blob = state.blob
            if pair in blob and has_pair(blob, pair, HEAD_SIZE):
                return  # D-10: a repeat of the same record counts once
            # the packed minimums: D-2 first event, D-1 earliest 200 send, D-12, D-5
            d2, st, pm, rm = _unpack_head(blob)
        if etype is _SENT:
            if t < d2:
                d2 = t
            code = extras[0]
            if code is None or code == 200:  # D-1: absent code is a 200
                if t < st:
                    st = t
                    state.send_id = event_id
                    state.send_tail = _send_tail(extras)
                elif t == st:
                    self._fold_send(state, user_id, instance_id, t, event_id, extras)
            else:
                _add(
                    state.rare_state(),
                    "fails",
                    (t, "response", f"http_{code}", None, None, None, pair[8:]),
                )
        elif etype in _NOT_D2:
            rare = state.rare_state()
            if etype is _FC_REMOVED:
                rare.fc_min = t if rare.fc_min is None else min(rare.fc_min, t)
            else:
                rare.ctrl_min = t if rare.ctrl_min is None else min(rare.ctrl_min, t)
        else:
            if t < d2:
                d2 = t
            if etype in _POST_SEND:
                if t < pm:
                    pm = t
                if etype is _DELIVERED:
                    if t < rm:
                        rm = t
                elif etype is _CLICKED:
                    clicks = state.clicks
                    if clicks is None:
                        state.clicks = [(t, pair[8:])]
                    else:
                        clicks.append((t, pair[8:]))
                elif etype is _SMS_FALLBACK:
                    rare = state.rare_state()
                    if rare.fallback_min is None or t < rare.fallback_min:
                        rare.fallback_min = t
                else:
                    _add(
                        state.rare_state(),
                        "outcomes",
                        (t, etype._value_, event_id, extras[2], extras[1], pair[8:]),
                    )
            elif etype is not _ATTEMPTED:  # attempted: D-2 only
                self._fold_failure(state, etype, t, extras, pair[8:])
        state.blob = _pack_head(d2, st, pm, rm) + blob[HEAD_SIZE:] + pair

    @staticmethod
    def _fold_failure(
        state: MessageState, etype: EventType, t: int, extras: Extras, digest: bytes
    ) -> None:
        """D-3, E-1, E-2: a failure-to-send record."""
        if etype is _SEND_FAILED:
            _add(
                state.rare_state(),
                "fails",
                (t, "send_failed", _send_failed_reason(extras), None, extras[1], extras[2], digest),
            )
        elif etype is _PERSONALIZATION_FAILED:
            _add(
                state.rare_state(),
                "fails",
                (
                    t,
                    "personalization_failed",
                    "personalization_failed",
                    extras[3] or "undefined",
                    None,
                    None,
                    digest,
                ),
            )
        elif etype is _SKIPPED:
            reason = extras[2]
            key_ = f"skipped:{reason}" if reason else "skipped"
            _add(state.rare_state(), "fails", (t, "skipped", key_, None, None, reason, digest))

    def _fold_send(
        self,
        state: MessageState,
        user_id: str | None,
        instance_id: str | None,
        t: int,
        event_id: str | None,
        extras: Extras,
    ) -> None:
        """D-1, D-10: a 200 send at the time of the chosen one: the canonical-first wins."""
        record = _send_record(t, event_id, extras)
        current = state.send
        if current is not None and record != current:
            key = self._send_key(user_id, instance_id)
            if key(record) < key(current):
                state.send_id = event_id
                state.send_tail = _send_tail(extras)

    def _send_key(self, user_id: str | None, instance_id: str | None) -> Any:
        campaign_id = self.campaign.id

        def key(rec: SendRecord) -> tuple[int, str]:
            extras = {
                "response_code": rec[2],
                "segments": rec[3],
                "send_mode": rec[4],
                "tz_mode": rec[5],
            }
            return rec[0], canonical_event(
                campaign_id,
                "sent",
                rec[0],
                user_id=user_id,
                event_id=rec[1],
                instance_id=instance_id,
                extras=extras,
            )

        return key

    def _fold_campaign_level(
        self,
        user_id: str | None,
        instance_id: str | None,
        etype: EventType,
        t: int,
        extras: Extras,
        pair: bytes,
    ) -> None:
        if pair in self.campaign_level:
            return  # D-10
        self.campaign_level.add(pair)
        if etype in _TIMELINE_TYPES:
            current = self.timeline.get(etype.value)
            if current is None or t < current:
                self.timeline[etype.value] = t
        elif etype is _ET.UNSUBSCRIBED:
            assert user_id is not None
            self.unsubscribes.add((user_id, t, instance_id))
        elif etype is _ET.CONTENT_API_ERROR:
            self.content_api.add((t, extras[9], pair[8:]))
        else:
            # CH-2 / CH-3: ignored, 1 per identity (the content is the identity without id)
            self.ignored_ids.add(pair[:8] if pair[:8] != NO_ID else pair[8:])

    # ----------------------------------------------------------------- merging

    def _check_compatible(self, other: CampaignAccumulator) -> None:
        if not isinstance(other, CampaignAccumulator):
            raise MergeError(f"cannot merge a CampaignAccumulator with {other!r}")
        if other.campaign != self.campaign:
            raise MergeError(
                f"cannot merge accumulators of different campaigns or settings "
                f"('{self.campaign.id}' and '{other.campaign.id}')"
            )
        if (
            self.recipients is not None
            and other.recipients is not None
            and self.recipients != other.recipients
        ):
            raise MergeError(
                f"cannot merge accumulators of campaign '{self.campaign.id}' built with "
                "different recipients"
            )

    def merge(self, other: CampaignAccumulator) -> CampaignAccumulator:
        """A new accumulator holding both states (associative, commutative, idempotent
        on shared records)."""
        self._check_compatible(other)
        out = self.copy()
        out.merge_in(other)
        return out

    def merge_in(self, other: CampaignAccumulator, *, consume: bool = False) -> None:
        """Absorb ``other`` into this accumulator (in place).

        With ``consume=True`` the states of ``other`` are taken over rather than copied,
        so ``other`` must not be used afterwards (tree reductions own their inputs).
        """
        self._check_compatible(other)
        if self.recipients is None:
            self.recipients = other.recipients
            self.recipient_repeats = other.recipient_repeats
        messages = self.messages
        for key, state in other.messages.items():
            mine = messages.get(key)
            if mine is None:
                messages[key] = state if consume else state.copy()
            else:
                user_id, instance_id = split_key(key)
                mine.merge_from(state, self._send_key(user_id, instance_id))
        self.campaign_level |= other.campaign_level
        self.ignored_ids |= other.ignored_ids
        for name, t in other.timeline.items():
            current = self.timeline.get(name)
            if current is None or t < current:
                self.timeline[name] = t
        self.unsubscribes |= other.unsubscribes
        self.content_api |= other.content_api
        self.records += other.records
        if other.max_time is not None and (self.max_time is None or other.max_time > self.max_time):
            self.max_time = other.max_time
        self.rejected = sorted(self.rejected + other.rejected, key=RejectedRecord.sort_key)
        self.notes |= other.notes
        self.conversions.merge_in(other.conversions)

    def copy(self) -> CampaignAccumulator:
        """An independent copy."""
        out = CampaignAccumulator(self.campaign, self.recipients)
        out.recipient_repeats = self.recipient_repeats
        out.messages = {k: s.copy() for k, s in self.messages.items()}
        out.campaign_level = set(self.campaign_level)
        out.ignored_ids = set(self.ignored_ids)
        out.timeline = dict(self.timeline)
        out.unsubscribes = set(self.unsubscribes)
        out.content_api = set(self.content_api)
        out.records = self.records
        out.max_time = self.max_time
        out.rejected = list(self.rejected)
        out.notes = set(self.notes)
        out.conversions = self.conversions.copy()
        return out

    def state_key(self) -> tuple[Any, ...]:
        """An order-free value of the whole state: equal for equal folds."""
        return (
            self.campaign,
            tuple(
                sorted(
                    ((u, i is not None, i or ""), s.key())
                    for (u, i), s in ((split_key(k), s) for k, s in self.messages.items())
                )
            ),
            frozenset(self.campaign_level),
            frozenset(self.ignored_ids),
            tuple(sorted(self.timeline.items())),
            frozenset(self.unsubscribes),
            frozenset(self.content_api),
            self.records,
            self.max_time,
            tuple(sorted(r.sort_key() for r in self.rejected)),
            frozenset(self.notes),
            self.conversions.state_key(),
            self.recipient_repeats,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CampaignAccumulator):
            return NotImplemented
        return self.state_key() == other.state_key()

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        # the messages travel as columns: plain lists pickle at C speed (Dask)
        state = {name: getattr(self, name) for name in CampaignAccumulator.__slots__}
        messages = state.pop("messages")
        columns = [[getattr(s, slot) for s in messages.values()] for slot in MessageState.__slots__]
        state["message_columns"] = (list(messages), columns)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        keys, columns = state.pop("message_columns")
        messages: dict[MessageKey, MessageState] = {}
        slots = MessageState.__slots__
        for i, key in enumerate(keys):
            s = MessageState.__new__(MessageState)
            for slot, column in zip(slots, columns):
                setattr(s, slot, column[i])
            messages[key] = s
        self.messages = messages
        for name, value in state.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return (
            f"CampaignAccumulator(campaign={self.campaign.id!r}, messages={len(self.messages)}, "
            f"records={self.records})"
        )

    # ----------------------------------------------------------------- reporting

    def report(
        self,
        as_of: dt.datetime | None = None,
        *,
        attribution: str = "view_through",
        date_range: tuple[dt.date, dt.date] | None = None,
    ) -> Report:
        """The report of this campaign alone, with the conversions added to it."""
        run = RunAccumulator([self], self.conversions)
        return run.reports(as_of=as_of, attribution=attribution, date_range=date_range)[0]


def _add(state: Any, slot: str, record: tuple[Any, ...]) -> None:
    current = getattr(state, slot)
    if current is None:
        setattr(state, slot, [record])
    else:
        current.append(record)


def _send_failed_reason(extras: Extras) -> str:
    code, error_code, reason = extras[0], extras[1], extras[2]
    if code is not None and code != 200:
        return f"http_{code}"
    from .taxonomy import failure_reason

    return failure_reason(error_code, reason, "send_failed")


def _recipient_map(
    recipients: Mapping[str, Recipient] | Iterable[Recipient] | None,
) -> dict[str, Recipient] | None:
    if recipients is None:
        return None
    if isinstance(recipients, Mapping):
        return dict(recipients)
    out: dict[str, Recipient] = {}
    for r in recipients:
        kept = out.get(r.user_id)
        if kept is None or _recipient_canonical(r) < _recipient_canonical(kept):
            out[r.user_id] = r  # FORMATS.md: a repeated user_id keeps the row sorting first
    return out


def _recipient_repeats(
    recipients: Mapping[str, Recipient] | Iterable[Recipient] | None,
) -> tuple[int, int]:
    """D-10 over rows of recipients.csv, identity ``user_id`` (FORMATS.md): per user,
    duplicates = rows − distinct contents and id_conflicts = distinct contents − 1."""
    if recipients is None or isinstance(recipients, Mapping):
        return (0, 0)
    rows: dict[str, int] = {}
    contents: dict[str, set[str]] = {}
    for r in recipients:
        rows[r.user_id] = rows.get(r.user_id, 0) + 1
        contents.setdefault(r.user_id, set()).add(_recipient_canonical(r))
    distinct = sum(len(c) for c in contents.values())
    return (sum(rows.values()) - distinct, distinct - len(contents))


def _recipient_canonical(r: Recipient) -> str:
    from .canonical import json_key

    return json_key(
        {
            k: v
            for k, v in (
                ("user_id", r.user_id),
                ("mobile_number", r.mobile_number),
                ("locale", r.locale),
                ("variation", r.variation),
                ("timezone", r.timezone),
                ("group", r.group.value if r.group else None),
            )
            if v is not None
        }
    )


# --------------------------------------------------------------------------- runs


class RunAccumulator:
    """The campaigns of one run and the conversions they share (A-6, X-8)."""

    def __init__(
        self,
        campaigns: Iterable[CampaignAccumulator],
        conversions: ConversionPool | None = None,
        *,
        shared_rejected: Iterable[RejectedRecord] = (),
        dropped_conversions: int = 0,
    ) -> None:
        self.campaigns = list(campaigns)
        ids = [c.campaign.id for c in self.campaigns]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            from .errors import ConfigurationError

            raise ConfigurationError(f"campaign '{dupes[0]}' appears twice in one run")
        pool = ConversionPool() if conversions is None else conversions.copy()
        for acc in self.campaigns:
            if acc.conversions is not conversions:
                pool.merge_in(acc.conversions)
        self.conversions = pool
        self.shared_rejected = list(shared_rejected)
        self.dropped_conversions = dropped_conversions

    def reports(
        self,
        as_of: dt.datetime | None = None,
        *,
        attribution: str = "view_through",
        date_range: tuple[dt.date, dt.date] | None = None,
    ) -> list[Report]:
        """One report per campaign, in the order given."""
        from ._build import build_reports
        from ._gc import paused_gc

        with paused_gc():
            return build_reports(self, as_of=as_of, attribution=attribution, date_range=date_range)


__all__ += ["count_distinct_ids", "merge_pairs"]
