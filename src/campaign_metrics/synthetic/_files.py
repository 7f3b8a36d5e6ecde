"""The writer of campaign directories (FORMATS.md): JSON lines, CSV and bad lines."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal, TextIO

from ..errors import ConfigurationError
from ..model import EVENT_COLUMNS as _EVENT_COLUMNS
from ._journeys import _Generator
from ._records import _stream_rng
from ._spec import SyntheticSpec
from ._streams import _Displacer
from ._summary import SyntheticSummary

#: The two file forms of a campaign's events (FORMATS.md).
EventsFormat = Literal["jsonl", "csv"]

#: The columns of recipients.csv (FORMATS.md).
RECIPIENT_COLUMNS = ("user_id", "mobile_number", "locale", "variation", "timezone", "group")
#: The columns of events.csv: every key an event may carry (FORMATS.md).
EVENT_COLUMNS = _EVENT_COLUMNS


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _plain(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return format(value, "f")


def _dump(value: Any) -> str:
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, Mapping):
        return (
            "{"
            + ",".join(
                f"{json.dumps(str(k), ensure_ascii=False)}:{_dump(v)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def to_json_line(record: Mapping[str, Any]) -> str:
    """Compact JSON of a record (no newline); a :class:`~decimal.Decimal` is written exactly.

    >>> to_json_line({"revenue": Decimal("19.90"), "name": "purchase"})
    '{"revenue":19.90,"name":"purchase"}'
    """
    return _dump(record)


def _strip_offset(text: str) -> str:
    return text[:-1] if text.endswith("Z") else text[:-6]


class _Sink:
    """Writes records as lines and, at ``bad_line_rate``, a deliberate bad line after one."""

    _KINDS: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "events": ("malformed", "naive_time", "unknown_type"),
        "conversions": ("malformed", "naive_time", "revenue_not_a_number"),
    }

    def __init__(
        self, handle: TextIO, stream: str, fmt: EventsFormat, spec: SyntheticSpec, seed: int
    ) -> None:
        self.handle, self.stream, self.fmt = handle, stream, fmt
        self.rate = spec.bad_line_rate
        if stream == "conversions" and spec.bad_conversion_line_rate is not None:
            self.rate = spec.bad_conversion_line_rate
        self.rng = _stream_rng(seed, spec, f"{stream}-bad-lines")
        self.writer = csv.writer(handle, lineterminator="\n") if fmt == "csv" else None
        self.good = 0
        self.bad: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        if self.writer is not None:
            self.writer.writerow(EVENT_COLUMNS)

    def _cells(self, record: Mapping[str, Any]) -> list[str]:
        return [str(record.get(c, "")) for c in EVENT_COLUMNS]

    def _line(self, record: Mapping[str, Any]) -> None:
        if self.writer is not None:
            self.writer.writerow(self._cells(record))
        elif self.stream == "events":
            self.handle.write(_ENCODE(record) + "\n")
        else:
            self.handle.write(to_json_line(record) + "\n")

    def write(self, record: Mapping[str, Any]) -> None:
        self._line(record)
        self.good += 1
        if self.stream == "events":
            self.types[str(record["type"])] += 1
        if self.rate and self.rng.random() < self.rate:
            kinds = self._KINDS[self.stream]
            kind = kinds[sum(self.bad.values()) % len(kinds)]
            self._bad(kind, record)
            self.bad[kind] += 1

    def _bad(self, kind: str, record: Mapping[str, Any]) -> None:
        copy_ = dict(record)
        if "event_id" in copy_:
            copy_["event_id"] = f"{copy_['event_id']}-b"
        # One random() a draw whatever the format, so both formats flaw the same records.
        if kind == "malformed":  # a line cut off mid-write
            if self.writer is not None:
                cells = self._cells(record)
                self.writer.writerow(cells[: 2 + int(self.rng.random() * 4)])
            else:
                text = to_json_line(record)
                cut = len(text) // 3 + int(self.rng.random() * (len(text) - 2 - len(text) // 3))
                self.handle.write(text[:cut] + "\n")
            return
        if kind == "naive_time":
            copy_["time"] = _strip_offset(str(copy_["time"]))
        elif kind == "unknown_type":
            common = ("event_id", "campaign_id", "instance_id", "user_id", "time")
            copy_ = {k: copy_[k] for k in common if k in copy_}
            copy_["type"] = "queued"
        else:
            revenue = copy_.get("revenue")
            copy_["revenue"] = "n/a" if revenue is None else str(revenue)
        self._line(copy_)


def _campaign_json(spec: SyntheticSpec) -> str:
    def default(value: object) -> object:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dt.datetime):
            return value.isoformat()
        raise TypeError(f"not a JSON value: {value!r}")

    return json.dumps(spec.campaign_mapping(), indent=2, ensure_ascii=False, default=default)


def write_campaign_dir(
    path: str | Path, spec: SyntheticSpec, seed: int, *, events_format: EventsFormat = "jsonl"
) -> SyntheticSummary:
    """Write a campaign directory (FORMATS.md) in one streaming pass; return its summary.

    Writes ``campaign.json``, ``recipients.csv``, ``events.jsonl`` (or ``events.csv``, all
    keys as columns, an empty cell for an absent key) and ``conversions.jsonl``; the other
    events file of an earlier run is removed. The good records are exactly those of
    :func:`iter_events` and :func:`iter_conversions`.

    >>> summary = write_campaign_dir("/tmp/c1", SyntheticSpec(recipients=100), seed=1)
    >>> summary.recipients
    100
    """
    if events_format not in ("jsonl", "csv"):
        raise ConfigurationError(
            f"'events_format' must be 'jsonl' or 'csv' (got {events_format!r})",
            field="events_format",
        )
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    (root / "campaign.json").write_text(_campaign_json(spec) + "\n", encoding="utf-8")
    other = "events.csv" if events_format == "jsonl" else "events.jsonl"
    (root / other).unlink(missing_ok=True)
    gen = _Generator(spec, seed)
    tally = gen.tally
    event_order: _Displacer[dict[str, Any]] = _Displacer(
        _stream_rng(seed, spec, "events-order"), spec.shuffle_rate, spec.shuffle_window, tally
    )
    conversion_order: _Displacer[dict[str, Any]] = _Displacer(
        _stream_rng(seed, spec, "conversions-order"), spec.shuffle_rate, spec.shuffle_window, tally
    )
    with (
        open(root / "recipients.csv", "w", encoding="utf-8", newline="") as rec_file,
        open(root / f"events.{events_format}", "w", encoding="utf-8", newline="") as ev_file,
        open(root / "conversions.jsonl", "w", encoding="utf-8", newline="") as conv_file,
    ):
        rows = csv.writer(rec_file, lineterminator="\n")
        rows.writerow(RECIPIENT_COLUMNS)
        events = _Sink(ev_file, "events", events_format, spec, seed)
        conversions = _Sink(conv_file, "conversions", "jsonl", spec, seed)
        for journey in gen.journeys():
            if journey.recipient is not None:
                rows.writerow([journey.recipient[c] for c in RECIPIENT_COLUMNS])
            for record in journey.events:
                for ready in event_order.push(record):
                    events.write(ready)
            for record in journey.conversions:
                for ready in conversion_order.push(record):
                    conversions.write(ready)
        for ready in event_order.flush():
            events.write(ready)
        for ready in conversion_order.flush():
            conversions.write(ready)
    counts = tally.counts
    return SyntheticSummary(
        recipients=counts["recipients"],
        control_users=counts["control_users"],
        invalid_numbers=counts["invalid_numbers"],
        duplicate_numbers=counts["duplicate_numbers"],
        messages=counts["messages"],
        sent=counts["sent"],
        events=events.good,
        conversions=conversions.good,
        bad_event_lines=sum(events.bad.values()),
        bad_conversion_lines=sum(conversions.bad.values()),
        exact_duplicates=counts["exact_duplicates"],
        delivery_conflicts=counts["delivery_conflicts"],
        repeated_receipts=counts["repeated_receipts"],
        receipts_without_send=counts["receipts_without_send"],
        receipts_before_send=counts["receipts_before_send"],
        ignored_receipts=counts["ignored_receipts"],
        expired_clicks=counts["expired_clicks"],
        conversions_outside_window=counts["conversions_outside_window"],
        out_of_order=counts["out_of_order"],
        events_by_type=events.types,
        bad_lines_by_kind=events.bad + conversions.bad,
    )
