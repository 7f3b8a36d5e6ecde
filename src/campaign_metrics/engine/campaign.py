"""One campaign's running state, folded one record at a time.

``CampaignAccumulator`` keeps a compact, exact, order-free state per *message* — a
(user, instance) pair — and campaign-wide facts (timeline, unsubscribes, content-API
errors, rejected records). ``add`` folds an event, ``merge`` combines the states of two
parts of a log (associative, commutative, ``empty()`` its identity; every field declares
its merge in :data:`CampaignAccumulator.FIELDS`), and ``report`` computes the report
*as of* an instant (D-7). Conversions are user events: they live in a
:class:`~campaign_metrics.engine.ConversionPool` shared by every campaign of a run (A-6).

Duplicates and conflicts are resolved as D-10..D-12 say, never by log order: every
distinct record is remembered as a 16-byte pair of stable digests, a repeat of a pair
changes nothing, and every choice between tied events takes the canonical-first one.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

from ..canonical import json_key
from ..errors import InputError, MergeError
from ..gc_pause import paused_gc
from ..identity import RejectedRecord, event_key, record_pair
from ..metrics.assemble import build_reports, check_parameters
from ..model import EXTRA_FIELDS, Campaign, ConversionEvent, MessageEvent
from .conversions import ConversionPool
from .folding import LEVEL_TYPES, fold_campaign_level, fold_message
from .merging import (
    COPY_SET,
    COPY_STATES,
    FIRST,
    MAX,
    MERGE_IN,
    MERGE_STATES,
    MIN_PER_KEY,
    SORTED_KEYS,
    SORTED_UNION,
    SUM,
    UNION,
    Field,
    copy_fields,
    fields_key,
)
from .message import MessageState, has_pair
from .recipients import Recipients, recipient_table
from .resolution import resolve_run

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["CampaignAccumulator", "MessageKey", "split_key"]

_NO_EXTRAS: tuple[Any, ...] = (None,) * len(EXTRA_FIELDS)
_extras_of = attrgetter(*EXTRA_FIELDS)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_ONE_US = dt.timedelta(microseconds=1)
Extras = tuple[Any, ...]
#: A message's key: its user id in a one-time campaign, else (user id, instance id).
MessageKey = str | tuple[str, str | None]


def split_key(key: MessageKey) -> tuple[str, str | None]:
    """(user id, instance id) of a message key."""
    if type(key) is tuple:
        return key
    return key, None  # type: ignore[return-value]


def _messages_key(messages: dict[MessageKey, MessageState]) -> tuple[Any, ...]:
    return tuple(
        sorted(((u, i is not None, i or ""), s.key()) for (u, i), s in _split_items(messages))
    )


def _split_items(messages: dict[MessageKey, MessageState]) -> Iterable[Any]:
    return ((split_key(k), s) for k, s in messages.items())


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
    #: Every piece of state and how two of them merge (copy, equality and pickling
    #: read the same list).
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("campaign", FIRST),  # the same on both sides (checked)
        Field("recipients", FIRST),  # the same on both sides when both have one
        Field("recipient_repeats", FIRST),  # D-10 over recipients.csv rows
        Field("messages", MERGE_STATES, copy=COPY_STATES, key=_messages_key),
        Field("campaign_level", UNION, copy=COPY_SET),  # D-10 pairs of campaign records
        Field("ignored_ids", UNION, copy=COPY_SET),  # CH-2/CH-3: ignored identities
        Field("timeline", MIN_PER_KEY, copy=dict, key=lambda v: tuple(sorted(v.items()))),
        Field("unsubscribes", UNION, copy=COPY_SET),  # O-3: (user, time, instance)
        Field("content_api", UNION, copy=COPY_SET),  # E-4: (time, status, digest)
        Field("records", SUM),  # D-10: records accepted, repeats included
        Field("max_time", MAX),  # D-7: the latest accepted record
        Field("rejected", SORTED_UNION, copy=list, key=SORTED_KEYS),
        Field("notes", UNION, copy=COPY_SET),  # data-quality warnings found while reading
        Field("conversions", MERGE_IN, copy=ConversionPool.copy, key=ConversionPool.state_key),
    )

    def __init__(self, campaign: Campaign, recipients: Recipients = None) -> None:
        self.campaign = campaign
        self.recipients, self.recipient_repeats = recipient_table(recipients)
        # one-time campaigns key a message by its user id, the others by (user, instance)
        self.messages: dict[MessageKey, MessageState] = {}
        self.campaign_level: set[bytes] = set()
        self.ignored_ids: set[bytes] = set()
        self.timeline: dict[str, int] = {}  # T-2: earliest time per timeline type
        self.unsubscribes: set[tuple[str, int, str | None]] = set()
        self.content_api: set[tuple[int, int | None, bytes]] = set()
        self.records = 0
        self.max_time: int | None = None
        self.rejected: list[RejectedRecord] = []
        self.notes: set[str] = set()
        self.conversions = ConversionPool()
        self._multi = campaign.multi_instance
        self._level_types = LEVEL_TYPES(campaign)

    @classmethod
    def empty(cls, campaign: Campaign, recipients: Recipients = None) -> CampaignAccumulator:
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
        instance_id = event.instance_id if self._multi else None  # CH-4
        key = event_key(event.event_id, instance_id, event.user_id, event.type._value_, t, extras)
        if event.unlisted:
            # FORMATS.md: the keys the type does not list are part of the content (D-10)
            key += "\x1f\x02" + json_key(dict(event.unlisted))
        self.count_records(1, t)
        self.fold_record(
            event.user_id,
            instance_id,
            event.type,
            t,
            event.event_id,
            extras,
            record_pair(event.event_id, key),
        )

    def add_all(self, events: Iterable[MessageEvent | ConversionEvent]) -> CampaignAccumulator:
        """Fold every event; returns ``self``."""
        add = self.add
        with paused_gc():
            for event in events:
                add(event)
        return self

    def reject(self, record: RejectedRecord) -> None:
        """Keep a record lenient mode did not accept (``data_quality.rejected``)."""
        self.rejected.append(record)

    def fold(
        self,
        user_id: str | None,
        instance_id: str | None,
        etype: Any,
        t: int,
        event_id: str | None,
        extras: Extras = _NO_EXTRAS,
    ) -> None:
        """Fold one already-validated event given as plain values.

        ``extras`` holds the values of :data:`~campaign_metrics.model.EXTRA_FIELDS` in
        order (enums as their string values).
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
        etype: Any,
        t: int,
        event_id: str | None,
        extras: Extras,
        pair: bytes,
    ) -> None:
        """The hot path of :meth:`fold`: the caller has already counted the record (see
        :meth:`count_records`), dropped the instance id of a one-time campaign (CH-4)
        and computed the record's ``pair`` (:func:`~campaign_metrics.identity.record_pair`)."""
        if etype in self._level_types:
            fold_campaign_level(self, user_id, instance_id, etype, t, extras, pair)
            return
        # a one-time campaign's message is its user: the id itself is the key
        key: Any = (user_id, instance_id) if self._multi else user_id
        state = self.messages.get(key)
        if state is None:
            recipients = self.recipients
            if recipients is not None and user_id is not None:
                # memory: the message keeps the recipient's own id string, not a copy
                known = recipients.get(user_id)
                if known is not None:
                    user_id = known.user_id
                    key = (user_id, instance_id) if self._multi else user_id
            state = self.messages[key] = MessageState()
            state.pairs = pair
        else:
            pairs = state.pairs
            if pair in pairs and has_pair(pairs, pair):
                return  # D-10: a repeat of the same record counts once
            state.pairs = pairs + pair
        fold_message(state, etype, t, event_id, extras, pair)

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
        """Absorb ``other`` into this accumulator (in place), every field by its
        declared merge.

        With ``consume=True`` the states of ``other`` are taken over rather than copied,
        so ``other`` must not be used afterwards (tree reductions own their inputs).
        """
        self._check_compatible(other)
        source = other if consume else other.copy()
        for f in CampaignAccumulator.FIELDS:
            name = f.name
            setattr(self, name, f.merge(getattr(self, name), getattr(source, name)))

    def __iadd__(self, other: CampaignAccumulator) -> CampaignAccumulator:
        """``acc += other`` is :meth:`merge_in` (river's way to merge)."""
        self.merge_in(other)
        return self

    def copy(self) -> CampaignAccumulator:
        """An independent copy."""
        out = CampaignAccumulator.__new__(CampaignAccumulator)
        copy_fields(self, out, CampaignAccumulator.FIELDS)
        out._multi, out._level_types = self._multi, self._level_types
        return out

    def state_key(self) -> tuple[Any, ...]:
        """An order-free value of the whole state: equal for equal folds."""
        return fields_key(self, CampaignAccumulator.FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CampaignAccumulator):
            return NotImplemented
        return self.state_key() == other.state_key()

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        # the messages travel as columns: plain lists pickle at C speed (Dask)
        state = {f.name: getattr(self, f.name) for f in CampaignAccumulator.FIELDS}
        messages = state.pop("messages")
        slots = MessageState.SLOTS
        columns = [[getattr(s, slot) for s in messages.values()] for slot in slots]
        state["message_columns"] = (list(messages), columns)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        keys, columns = state.pop("message_columns")
        messages: dict[MessageKey, MessageState] = {}
        slots = MessageState.SLOTS
        new = MessageState.__new__
        for i, key in enumerate(keys):
            s = new(MessageState)
            for slot, column in zip(slots, columns):
                setattr(s, slot, column[i])
            messages[key] = s
        self.messages = messages
        for name, value in state.items():
            setattr(self, name, value)
        self._multi = self.campaign.multi_instance
        self._level_types = LEVEL_TYPES(self.campaign)

    def __sizeof__(self) -> int:
        # about what the state holds (Dask weighs where to run a task by its inputs' size)
        sets = len(self.campaign_level) + len(self.ignored_ids) + len(self.unsubscribes)
        return 64 + 400 * len(self.messages) + 120 * sets + 200 * len(self.conversions.by_user)

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
        check_parameters(attribution, date_range)
        resolved = resolve_run([self], self.conversions, as_of, date_range=date_range)
        with paused_gc():
            return build_reports(resolved, attribution=attribution)[0]
