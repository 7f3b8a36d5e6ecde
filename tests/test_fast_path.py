"""The file reader's hot path folds exactly what the object path folds (issue: scale).

Both paths must accept the same records, reject the same records with the same located
reasons, and leave the accumulator in the same state (D-10: equal parsed content).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_metrics import Campaign, CampaignAccumulator, InputError
from campaign_metrics.engine import RejectedRecord
from campaign_metrics.io.events import fold_events_file
from campaign_metrics.io.readers import iter_events
from campaign_metrics.model import EVENT_COLUMNS
from campaign_metrics.timezones import get_zone

CAMPAIGN = Campaign(id="c1", name="N", channel="mms", click_tracking=True, delivery_type="periodic")

_values: dict[str, st.SearchStrategy[Any]] = {
    "event_id": st.sampled_from([None, "e1", "e2", "", 7]),
    "campaign_id": st.sampled_from([None, "c1", "other"]),
    "instance_id": st.sampled_from([None, "i1", "i\x1f2"]),
    "user_id": st.sampled_from([None, "u1", "u2", "", 3]),
    "type": st.sampled_from(
        [
            "sent",
            "delivered",
            "clicked",
            "send_failed",
            "skipped",
            "personalization_failed",
            "content_api_error",
            "campaign_ready",
            "hard_bounce",
            "nonsense",
        ]
    ),
    "time": st.sampled_from(
        [
            "2026-05-04T07:00:00Z",
            "2026-05-04T07:00:00+00:00",
            "2026-05-04T09:00:00+02:00",
            "2026-05-04T07:00:00",
            "2026-05-04 07:00:00.5+00:00",
            "yesterday",
            None,
        ]
    ),
    "response_code": st.sampled_from([None, 200, 503, "200", True, -1]),
    "error_code": st.sampled_from([None, "30007", ""]),
    "reason": st.sampled_from([None, "ContentTooLong", "network", ""]),
    "category": st.sampled_from([None, "user_attribute", "bogus", ""]),
    "segments": st.sampled_from([None, 1, 3, -2, "x"]),
    "send_mode": st.sampled_from([None, "bts", "weird", ""]),
    "tz_mode": st.sampled_from([None, "user"]),
    "url": st.sampled_from([None, "https://a"]),
    "attribute": st.sampled_from([None, "first_name"]),
    "status_code": st.sampled_from([None, 503, 204]),
}


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.sets(st.sampled_from(EVENT_COLUMNS)))
    rec = {k: draw(_values[k]) for k in keys | {"type", "time", "user_id"}}
    return {k: v for k, v in rec.items() if v is not None or draw(st.booleans())}


def _write(tmp: Path, rows: list[dict[str, Any]], fmt: str) -> Path:
    path = tmp / f"events.{fmt}"
    with open(path, "w", encoding="utf-8", newline="") as f:
        if fmt == "jsonl":
            for r in rows:
                f.write(json.dumps(r) + "\n")
        else:
            w = csv.writer(f)
            w.writerow(EVENT_COLUMNS)
            for r in rows:
                w.writerow(["" if r.get(k) is None else str(r[k]) for k in EVENT_COLUMNS])
    return path


def _object_path(path: Path, naive: Any) -> CampaignAccumulator:
    acc = CampaignAccumulator(CAMPAIGN)
    for line, item in iter_events(path, naive_zone=naive):
        if isinstance(item, InputError):
            acc.reject(RejectedRecord.from_error(item, path.name, line))
        elif item.campaign_id is not None and item.campaign_id != CAMPAIGN.id:
            acc.reject(RejectedRecord(path.name, line, "campaign_id", "wrong campaign"))
        else:
            acc.add(item)
    return acc


def _fast_path(path: Path, naive: Any) -> CampaignAccumulator:
    acc = CampaignAccumulator(CAMPAIGN)

    def on_bad(error: InputError, line: int) -> None:
        if error.field == "campaign_id" and "this directory's campaign" in error.reason:
            acc.reject(RejectedRecord(path.name, line, "campaign_id", "wrong campaign"))
        else:
            acc.reject(RejectedRecord.from_error(error, path.name, line))

    fold_events_file(acc, path, naive_zone=naive, on_bad=on_bad)
    return acc


@given(st.lists(records(), max_size=25), st.sampled_from(["jsonl", "csv"]), st.booleans())
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hot_path_equals_object_path(
    tmp_path: Path, rows: list[dict[str, Any]], fmt: str, naive: bool
) -> None:
    """D-10: the hot path and the object path fold the same state and reject the same lines."""
    path = _write(tmp_path, rows, fmt)
    zone = get_zone("Europe/Berlin") if naive else None
    slow, fast = _object_path(path, zone), _fast_path(path, zone)
    assert [r.to_dict() for r in fast.rejected] == [r.to_dict() for r in slow.rejected]
    assert fast == slow


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, Any]:
    type_ = draw(st.sampled_from(["sent", "delivered", "clicked", "send_failed", "hard_bounce"]))
    rec: dict[str, Any] = {
        "type": type_,
        "time": draw(
            st.sampled_from(
                ["2026-05-04T07:00:00Z", "2026-05-04T09:00:00+02:00", "2026-05-04T07:00:01.5+00:00"]
            )
        ),
        "user_id": draw(st.sampled_from(["u1", "u2"])),
    }
    if draw(st.booleans()):
        rec["event_id"] = draw(st.sampled_from(["e1", "e2", "e3"]))
    if draw(st.booleans()):
        rec["instance_id"] = draw(st.sampled_from(["i1", "i2"]))
    if draw(st.booleans()):
        rec["campaign_id"] = "c1"
    if type_ == "sent" and draw(st.booleans()):
        rec["segments"] = draw(st.integers(0, 4))
        rec["response_code"] = draw(st.sampled_from([200, 503]))
    if type_ in ("send_failed", "hard_bounce") and draw(st.booleans()):
        rec["error_code"] = draw(st.sampled_from(["30007", "smpp:EXPIRED"]))
    if type_ == "clicked" and draw(st.booleans()):
        rec["url"] = "https://e.x/a,b"
    return rec


@given(st.lists(valid_records(), max_size=25))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_csv_and_jsonl_of_the_same_records_fold_to_the_same_state(
    tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    """D-10: equal parsed content is one record whatever the file format it came in."""
    from_csv = _fast_path(_write(tmp_path, rows, "csv"), None)
    from_jsonl = _fast_path(_write(tmp_path, rows, "jsonl"), None)
    assert from_csv == from_jsonl


_batch_values = dict(_values)
_batch_values["user_id"] = st.sampled_from([None, "u1", "u2", "", "u\n3", 'u"4', "u,5"])
_batch_values["reason"] = st.sampled_from([None, "ContentTooLong", "two\nlines", 'say "hi"'])
_batch_values["url"] = st.sampled_from([None, "https://a", "https://a/b,c", "https://a/\r\nx"])


@st.composite
def batch_records(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.sets(st.sampled_from(EVENT_COLUMNS)))
    rec = {k: draw(_batch_values[k]) for k in keys | {"type", "time", "user_id"}}
    return {k: v for k, v in rec.items() if v is not None or draw(st.booleans())}


@given(
    st.lists(batch_records(), max_size=30),
    st.sampled_from([1, 40, 200, 1 << 20]),
    st.booleans(),
)
@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_csv_batches_equal_the_object_path(
    tmp_path: Path, rows: list[dict[str, Any]], batch_chars: int, naive: bool
) -> None:
    """D-10: folding events.csv in batches of any size — with quoted cells that hold line
    breaks, quotes and commas, blank-free or not — folds the object path's state and
    rejects the same lines with the same reasons."""
    from campaign_metrics.io import events_csv as _csvfold

    path = _write(tmp_path, rows, "csv")
    zone = get_zone("Europe/Berlin") if naive else None
    with patch.object(_csvfold, "BATCH_CHARS", batch_chars):
        fast = _fast_path(path, zone)
    slow = _object_path(path, zone)
    assert [r.to_dict() for r in fast.rejected] == [r.to_dict() for r in slow.rejected]
    assert fast == slow


def test_csv_batches_keep_the_line_numbers_of_bad_records(tmp_path: Path) -> None:
    """A bad record after a quoted cell with a line break is reported at its own line."""
    from campaign_metrics.io import events_csv as _csvfold

    lines = [
        "event_id,user_id,type,time,reason",
        'e1,u1,send_failed,2026-05-04T07:00:00Z,"two',
        'lines"',
        "e2,u2,delivered,not-a-time,",
        "e3,u3,delivered,2026-05-04T07:00:00Z,",
        "e4,,delivered,2026-05-04T07:00:00Z,",
    ]
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for batch_chars in (1, 30, 1 << 20):
        with patch.object(_csvfold, "BATCH_CHARS", batch_chars):
            acc = _fast_path(path, None)
        assert [(r.line, r.field) for r in acc.rejected] == [(4, "time"), (6, "user_id")]
        assert acc.records == 2


@given(
    st.lists(
        st.one_of(
            batch_records().map(json.dumps),
            st.sampled_from(["", "   ", "not json", "[1, 2]", "7", '{"type": "sent"}, {}']),
        ),
        max_size=30,
    ),
    st.sampled_from([1, 60, 1 << 20]),
)
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_jsonl_batches_equal_the_object_path(
    tmp_path: Path, lines: list[str], batch_chars: int
) -> None:
    """D-10: folding events.jsonl in batches of any size — with blank lines, lines that are
    not JSON or not one object — folds the object path's state and rejects the same lines
    with the same reasons."""
    from campaign_metrics.io import events_jsonl as _jsonlfold

    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with patch.object(_jsonlfold, "BATCH_CHARS", batch_chars):
        fast = _fast_path(path, None)
    slow = _object_path(path, None)
    assert [r.to_dict() for r in fast.rejected] == [r.to_dict() for r in slow.rejected]
    assert fast == slow
