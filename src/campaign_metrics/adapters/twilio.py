"""Twilio status callbacks to message events (``--provider twilio``).

A status-callback log holds one record per callback request Twilio made to the
``StatusCallback`` URL, with the webhook's form fields: ``MessageSid``, ``MessageStatus``,
``ErrorCode``, ``To``, ``From``, ``AccountSid`` and a timestamp (``time``, ``Timestamp``,
``timestamp`` or ``DateUpdated``; ISO 8601 with an offset, or RFC 2822 as Twilio writes
its dates). Each record becomes at most one event of FORMATS.md, by :data:`STATUS_MAP`
(the table of docs/formats.md, after Twilio's *Message resource* status values and its
*Outbound Message Status in Status Callbacks* guide):

- ``sent``, ``delivered`` → the event of that type;
- ``undelivered`` (a delivery receipt said the message was not delivered) →
  ``delivery_failed``; ``failed`` (the message could not be sent at all) →
  ``send_failed``; both carry ``ErrorCode`` as ``twilio:<code>`` (ERRORS.md);
- ``read`` → no message event: counted as an engagement (``engagement.reads``);
- ``queued``, ``accepted``, ``scheduled``, ``sending`` (in flight) and the other
  non-final statuses → nothing: each identity adds 1 to ``data_quality.ignored_events``
  and the statuses are counted in a ``data_quality.warnings`` line.

A record's ``event_id`` is ``<MessageSid>:<status>``, so a callback Twilio repeated is a
D-10 duplicate. Its user is the ``user_id`` column when the log has one, else the
recipient whose ``mobile_number`` is ``To``, else a stable pseudonym of the number
(``tel:`` and 16 hex digits): a number never becomes a user id, and every message that
names it is masked (X-7).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from ..errors import InputError
from ..identity import HASH8, event_key, record_pair
from ..io.frames import parquet_rows, row_values
from ..io.opening import is_csv, is_parquet
from ..io.readers import _iter_csv
from ..io.readers.files import _iter_jsonl
from ..io.sinks import EventSink
from ..model import MessageEvent, Recipient, event_from_mapping
from ..phone import mask_number, mask_numbers_in_text
from ..timezones import parse_instant, to_us

__all__ = [
    "IN_FLIGHT",
    "STATUS_MAP",
    "TIME_COLUMNS",
    "CallbackSink",
    "CallbacksRead",
    "callback_event",
    "fold_callbacks",
    "numbers_of",
]

#: Twilio's ``MessageStatus`` → the event type it becomes (None: no message event).
STATUS_MAP: Mapping[str, str | None] = {
    "accepted": None,
    "scheduled": None,
    "queued": None,
    "sending": None,
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "delivery_failed",
    "failed": "send_failed",
    "read": None,
    "delivery_unknown": None,
    "partially_delivered": None,
    "canceled": None,
    "receiving": None,
    "received": None,
}
#: Statuses that make no event and are counted in ``data_quality.ignored_events``.
IN_FLIGHT = frozenset(s for s, t in STATUS_MAP.items() if t is None and s != "read")
#: The columns that may hold a callback's time, the first present one used.
TIME_COLUMNS = ("time", "Timestamp", "timestamp", "DateUpdated", "date_updated")
_PREFIX = "twilio:"


class CallbackSink(EventSink, Protocol):
    """What a callback log folds into: an :class:`~campaign_metrics.io.sinks.EventSink`
    that also keeps ignored identities and data-quality notes (the library passes a
    :class:`~campaign_metrics.CampaignAccumulator`)."""

    ignored_ids: set[bytes]
    notes: set[str]


@attrs.define
class CallbacksRead:
    """What :func:`fold_callbacks` found besides events: the earliest ``read`` callback
    of each message (epoch µs by ``MessageSid``) and the ignored statuses counted."""

    reads: dict[str, int] = attrs.Factory(dict)
    ignored: Counter[str] = attrs.Factory(Counter)

    def reads_as_of(self, as_of_us: int | None) -> int:
        """Messages read at or before ``as_of_us`` (all of them for None, D-7).

        >>> CallbacksRead(reads={"SM1": 5, "SM2": 9}).reads_as_of(6)
        1
        """
        if as_of_us is None:
            return len(self.reads)
        return sum(1 for t in self.reads.values() if t <= as_of_us)


def numbers_of(recipients: Iterable[Recipient] | None) -> dict[str, str]:
    """Mobile number (digits and ``+`` only) → user id of the recipients that have one.

    >>> from campaign_metrics import Recipient
    >>> numbers_of([Recipient(user_id="u1", mobile_number="+1 415 555 0100")])
    {'+14155550100': 'u1'}
    """
    out: dict[str, str] = {}
    for r in recipients or ():
        if r.mobile_number:
            out.setdefault(_digits(r.mobile_number), r.user_id)
    return out


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit() or c == "+")


def _text(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _instant(text: str, naive_zone: dt.tzinfo | None) -> dt.datetime:
    try:
        return parse_instant(text, naive_zone)
    except ValueError:
        pass
    try:  # RFC 2822, as Twilio writes DateUpdated
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        value = None
    if value is None or value.tzinfo is None:
        raise InputError(
            field="time", expected="an ISO-8601 or RFC 2822 time with a UTC offset", got=text
        )
    return value.astimezone(dt.timezone.utc)


def callback_event(
    row: Mapping[str, Any],
    *,
    numbers: Mapping[str, str] | None = None,
    naive_zone: dt.tzinfo | None = None,
) -> MessageEvent | tuple[str, str, dt.datetime]:
    """One status callback as its :class:`~campaign_metrics.MessageEvent`, or, for a
    status that makes none, ``(status, MessageSid, time)``. Raises :class:`InputError`
    naming the field (numbers masked, X-7).

    >>> e = callback_event({"MessageSid": "SM1", "MessageStatus": "undelivered",
    ...     "ErrorCode": "30003", "To": "+14155550100", "time": "2026-05-04T07:00:00Z"})
    >>> e.type.value, e.error_code, e.user_id.startswith("tel:")
    ('delivery_failed', 'twilio:30003', True)
    >>> callback_event({"MessageSid": "SM1", "MessageStatus": "queued",
    ...     "To": "+14155550100", "time": "2026-05-04T07:00:00Z"})[0]
    'queued'
    """
    row = row_values(row)
    sid = _text(row, "MessageSid")
    if sid is None:
        raise InputError(field="MessageSid", expected="a message SID", got=row.get("MessageSid"))
    status_text = _text(row, "MessageStatus")
    status = status_text.lower() if status_text else None
    if status is None or status not in STATUS_MAP:
        raise InputError(
            field="MessageStatus",
            expected="one of " + ", ".join(STATUS_MAP),
            got=row.get("MessageStatus"),
        )
    column = next((c for c in TIME_COLUMNS if _text(row, c) is not None), None)
    if column is None:
        raise InputError(
            field="time", reason=f"expected a time in one of the columns {', '.join(TIME_COLUMNS)}"
        )
    time_text = _text(row, column)
    assert time_text is not None
    time = _instant(time_text, naive_zone)
    etype = STATUS_MAP[status]
    if etype is None:
        return status, sid, time
    user = _text(row, "user_id")
    if user is None:
        to = _text(row, "To")
        if to is None:
            raise InputError(field="To", expected="the recipient's number", got=None)
        key = _digits(to)
        user = (numbers or {}).get(key) or "tel:" + HASH8(key.encode()).hexdigest()
    record: dict[str, Any] = {
        "event_id": f"{sid}:{status}",
        "user_id": user,
        "type": etype,
        "time": time.isoformat(),
    }
    for key in ("campaign_id", "instance_id"):
        value = _text(row, key)
        if value is not None:
            record[key] = value
    code = _text(row, "ErrorCode")
    if etype in ("delivery_failed", "send_failed"):
        record["reason"] = status
        if code is not None and code != "0":
            record["error_code"] = code if code.startswith(_PREFIX) else _PREFIX + code
    segments = _text(row, "NumSegments")
    if etype == "sent" and segments is not None and segments.isdigit() and int(segments) > 0:
        record["segments"] = int(segments)
    return event_from_mapping(record)


def _rows(path: Path, name: str) -> Iterator[tuple[int, Any]]:
    """A callback log's records (JSON Lines, CSV or Parquet; compressed or not)."""
    if is_parquet(path):
        row = 0
        for batch in parquet_rows(path, name):
            for values in batch:
                row += 1
                yield row, values
    elif is_csv(path):
        yield from _iter_csv(
            path, name, (), ("MessageSid", "MessageStatus"), _as_is, None, open_columns=True
        )
    else:
        yield from _iter_jsonl(path, name, _as_is, None, None)


def _as_is(data: Any) -> Any:
    return data


def _masked(error: InputError, name: str, line: int) -> InputError:
    """The error at ``name:line``, any number in it masked (X-7)."""
    got = error.got
    if isinstance(got, str) and error.field in ("To", "From"):
        got = mask_number(got)
    return InputError(
        mask_numbers_in_text(error.reason),
        file=name,
        line=line,
        field=error.field,
        expected=error.expected,
        got=got,
    )


def fold_callbacks(
    acc: CallbackSink,
    path: Path,
    *,
    on_bad: Any,
    numbers: Mapping[str, str] | None = None,
    naive_zone: dt.tzinfo | None = None,
    name: str | None = None,
) -> CallbacksRead:
    """Fold a Twilio status-callback log into ``acc``; a bad record goes to
    ``on_bad(error, line)`` (a Parquet file's row in place of the line).

    >>> import tempfile, pathlib, json
    >>> from campaign_metrics import Campaign, CampaignAccumulator
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "events.jsonl"
    >>> _ = p.write_text("\\n".join(json.dumps({"MessageSid": "SM1", "MessageStatus": s,
    ...     "To": "+14155550100", "time": t}) for s, t in (("queued", "2026-05-04T07:00:00Z"),
    ...     ("sent", "2026-05-04T07:00:01Z"))))
    >>> acc = CampaignAccumulator(Campaign(id="c", name="c", channel="sms"))
    >>> fold_callbacks(acc, p, on_bad=print).ignored
    Counter({'queued': 1})
    """
    display = name or path.name
    out = CallbacksRead()
    for line, item in _rows(path, display):
        if isinstance(item, InputError):
            on_bad(_masked(item, display, line), line)
            continue
        if not isinstance(item, Mapping):
            on_bad(InputError(expected="a JSON object", got=item, file=display, line=line), line)
            continue
        try:
            event = callback_event(item, numbers=numbers, naive_zone=naive_zone)
        except InputError as exc:
            on_bad(_masked(exc, display, line), line)
            continue
        if isinstance(event, MessageEvent):
            try:
                acc.add(event)
            except InputError as exc:  # another campaign's id
                on_bad(_masked(exc, display, line), line)
            continue
        status, sid, time = event
        t = to_us(time)
        acc.count_records(0, t)  # D-7: its time is a record's (not a D-10 record: no event)
        if status == "read":
            if sid not in out.reads or t < out.reads[sid]:
                out.reads[sid] = t
            continue
        # CH-2's ignoring: 1 per identity (the event id), whatever the as-of instant
        event_id = f"{sid}:{status}"
        key = event_key(event_id, None, sid, status, t, ())
        identity = record_pair(event_id, key)[:8]
        if identity not in acc.ignored_ids:
            acc.ignored_ids.add(identity)
            out.ignored[status] += 1
    if out.ignored:
        counts = ", ".join(f"{s} {n}" for s, n in sorted(out.ignored.items()))
        acc.notes.add(
            f"{display}: {sum(out.ignored.values())} Twilio callbacks of messages in flight "
            f"or not final were ignored (data_quality.ignored_events): {counts}"
        )
    return out
