"""The readers' fast paths give exactly what the full paths give (issue: scale).

recipients.csv rows built without re-running the validation, canonical forms of
conversions written directly (D-10: duplicates are decided by that text, so it must stay
byte-identical to :func:`json_key`) and conversions.jsonl folded from plain values: each
is held equal to its full path on generated input, bad records included.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_metrics import InputError
from campaign_metrics.canonical import (
    _json_of,
    _Slow,
    canonical_conversion,
    conversion_text,
    json_key,
    plain_decimal,
    reference_conversion,
)
from campaign_metrics.engine import ConversionPool, RejectedRecord
from campaign_metrics.io.readers import (
    RECIPIENT_COLUMNS,
    _iter_csv,
    _recipient,
    _recipient_builder,
    fold_conversions,
    iter_conversions,
    iter_recipients,
)
from campaign_metrics.model import FrozenMapping, _freeze_json
from campaign_metrics.timezones import get_zone, to_us

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# --------------------------------------------------------------------------- recipients

_cells = st.one_of(
    st.sampled_from(
        ["", " ", "\t", "u1", " u2 ", "target", "control", " control ", "Target", "x", "en-US"]
    ),
    st.text(max_size=6),
)


@st.composite
def recipient_tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    others = draw(st.lists(st.sampled_from(RECIPIENT_COLUMNS[1:]), max_size=3))
    if draw(st.integers(0, 3)):  # mostly every column (the fast path), some repeated
        others += RECIPIENT_COLUMNS[1:]
    header = draw(st.permutations(["user_id", *others]))  # repeats: the last cell wins
    rows = draw(st.lists(st.lists(_cells, min_size=len(header), max_size=len(header))))
    return list(header), rows


def _outcome(build: Any, *args: Any) -> tuple[Any, ...]:
    try:
        r = build(*args)
    except InputError as exc:
        return ("error", str(exc), exc.field, exc.reason)
    return ("ok", r, tuple(type(getattr(r, a)) for a in RECIPIENT_COLUMNS))


@given(recipient_tables())
@SETTINGS
def test_recipient_fast_path_builds_what_the_full_path_builds(
    table: tuple[list[str], list[list[str]]],
) -> None:
    """The same Recipient (values and types) or the same error for every row."""
    header, rows = table
    fast = _recipient_builder(header)
    for row in rows:
        assert _outcome(fast, row) == _outcome(_recipient, dict(zip(header, row)))


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
        f.write("\n")  # a blank row
        f.write('"unterminated\n')
    return path


def _items(items: Any) -> list[tuple[int, Any]]:
    return [(line, str(x) if isinstance(x, InputError) else x) for line, x in items]


@given(recipient_tables())
@SETTINGS
def test_iter_recipients_reads_what_the_full_path_reads(
    tmp_path: Path, table: tuple[list[str], list[list[str]]]
) -> None:
    """Same rows, same located errors (file and line) as the dict-per-row path."""
    header, rows = table
    path = _write_csv(tmp_path / "recipients.csv", header, rows)
    full = _iter_csv(path, path.name, RECIPIENT_COLUMNS, ("user_id",), _recipient, None)
    assert _items(iter_recipients(path)) == _items(full)


def test_recipients_share_their_repeated_texts(tmp_path: Path) -> None:
    """A million recipients hold one string object per locale, variation and zone."""
    header = list(RECIPIENT_COLUMNS)
    rows = [[f"u{i}", "", "en-US", "A", "America/Chicago", "control"] for i in range(3)]
    items = [r for _, r in iter_recipients(_write_csv(tmp_path / "r.csv", header, rows))]
    recs = [r for r in items if not isinstance(r, InputError)]
    assert len(recs) == 3
    for name in ("locale", "variation", "timezone", "group"):
        assert len({id(getattr(r, name)) for r in recs}) == 1
    assert all(r.is_control and r.mobile_number is None for r in recs)


# --------------------------------------------------------------------------- canonical

_texts = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["\x00", "\x000", '"\x00', "\x00\x00", "é", "\u2028", "\\u0000", "a\nb"]),
)
_decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    _texts,
    _decimals,
    st.floats(allow_nan=False, allow_infinity=False),
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_texts, inner, max_size=4),
    ),
    max_leaves=12,
)


@given(json_values)
@settings(max_examples=400, deadline=None)
def test_direct_json_writer_equals_json_key(value: Any) -> None:
    """D-10: one C-level json call writes the reference text (or leaves it to it)."""
    try:
        fast = _json_of(value)
    except _Slow:
        return
    assert fast == json_key(value)


def test_direct_json_writer_handles_the_usual_values() -> None:
    value = {"b": [1, Decimal("2.50"), {"x": 1.5}], "a": "é\x01", "c": True, "d": None}
    assert (
        _json_of(value)
        == json_key(value)
        == ('{"a":"é\\u0001","b":[1,2.5,{"x":1.5}],"c":true,"d":null}')
    )
    assert _json_of(FrozenMapping({"k": Decimal("1E+2")})) == '{"k":100}'
    with pytest.raises(_Slow):  # a text that looks like a mark: the reference writes it
        _json_of({"a": Decimal(1), "b": "\x000"})


@given(
    st.one_of(st.text(max_size=4), st.sampled_from(["u1", "\x00"])),
    st.one_of(st.text(max_size=4), st.just("purchase")),
    st.integers(min_value=-62135596800000000, max_value=253402300799999999),
    st.one_of(st.none(), _texts),
    st.one_of(st.none(), _decimals, st.integers(), st.floats(allow_nan=False), st.booleans()),
    st.one_of(
        st.none(),
        st.dictionaries(_texts, json_values, max_size=4),
        st.dictionaries(st.text(max_size=3), json_values, max_size=3).map(_freeze_json),
    ),
)
@settings(max_examples=400, deadline=None)
def test_canonical_conversion_equals_the_reference(
    user: str, name: str, t: int, event_id: str | None, revenue: Any, properties: Any
) -> None:
    """D-10: the directly written canonical form is byte-identical to json_key's."""
    args = (user, name, t)
    kwargs = {"event_id": event_id, "revenue": revenue, "properties": properties}
    assert canonical_conversion(*args, **kwargs) == reference_conversion(*args, **kwargs)
    if type(revenue) is Decimal and properties:
        props = json_key(properties)
        text = conversion_text(user, json_key(name), t, event_id, plain_decimal(revenue), props)
        assert text == reference_conversion(*args, **kwargs)


# --------------------------------------------------------------------------- conversions

_fields: dict[str, st.SearchStrategy[str]] = {
    "event_id": st.sampled_from(['"e1"', '"e2"', '""', "7", "true", "null"]),
    "user_id": st.sampled_from(['"u1"', '"u2"', '"u3"', '""', "5", "null"]),
    "name": st.sampled_from(['"purchase"', '"app_open"', '""', "3", "null"]),
    "time": st.sampled_from(
        [
            '"2026-05-04T07:00:00Z"',
            '"2026-05-04T09:00:00.123+02:00"',
            '"2026-05-04T07:00:00.123000+00:00"',
            '"2026-05-04T07:00:00"',
            '"2026-05-04 07:00"',
            '"yesterday"',
            "5",
            "null",
        ]
    ),
    "revenue": st.sampled_from(
        ["10", "12.50", "12.5", "1E+2", "-0.0", "0", "true", '"12"', "null", "NaN", "2.5e-3"]
    ),
    "properties": st.sampled_from(
        [
            "{}",
            '{"category":"shoes","items":2}',
            '{"items":2,"category":"shoes"}',
            '{"a":true}',
            '{"a":1}',
            '{"a":"1"}',
            '{"a":1.50}',
            '{"a":{"b":[1,null]}}',
            '{"a":null}',
            "[]",
            '"x"',
            "0",
            "null",
        ]
    ),
    "other": st.just('"x"'),
}


@st.composite
def conversion_lines(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(
            st.sampled_from(
                [
                    "",
                    "   ",
                    "not json",
                    "[1]",
                    '{"user_id":"u1"} x',
                    '  {"name":"a"}',
                    "{",
                    "\ufeff{}",
                ]
            )
        )
    keys = draw(st.permutations(list(_fields)))
    keys = [k for k in keys if k in ("user_id", "name", "time") or draw(st.booleans())]
    if "other" in keys and draw(st.booleans()):
        keys.remove("other")
    body = ",".join(f'"{k}":{draw(_fields[k])}' for k in keys)
    return "{" + body + "}" + draw(st.sampled_from(["", " ", "\r", " \t"]))


def _full_path(path: Path, keep: set[str], zone: Any) -> tuple[Any, ...]:
    pool = ConversionPool()
    rejected: list[RejectedRecord] = []
    dropped, latest = 0, None
    for line, item in iter_conversions(path, naive_zone=zone):
        if isinstance(item, InputError):
            rejected.append(RejectedRecord.from_error(item, path.name, line))
        elif item.user_id in keep:
            pool.add(item)
        else:
            dropped += 1
            t = to_us(item.time)
            latest = t if latest is None or t > latest else latest
    return pool, rejected, dropped, latest


def _fast_path(path: Path, keep: set[str], zone: Any) -> tuple[Any, ...]:
    pool = ConversionPool()
    rejected: list[RejectedRecord] = []

    def on_bad(error: InputError, line: int) -> None:
        rejected.append(RejectedRecord.from_error(error, path.name, line))

    read = fold_conversions(pool, path, keep=keep, on_bad=on_bad, naive_zone=zone)
    return pool, rejected, read.dropped, read.dropped_latest


def _stored(pool: ConversionPool) -> dict[str, list[tuple[Any, ...]]]:
    return {
        user: [
            (t, name, repr(rev), None if props is None else dict(props), eid, digest)
            for t, name, rev, props, eid, digest in recs
        ]
        for user, recs in pool.by_user.items()
    }


@given(st.lists(conversion_lines(), max_size=20), st.booleans())
@SETTINGS
def test_conversion_fast_path_folds_what_the_full_path_folds(
    tmp_path: Path, lines: list[str], naive: bool
) -> None:
    """D-10: equal pools (state and stored values), the same rejections in the same order,
    the same dropped conversions (A-6) and their latest time (D-7)."""
    path = tmp_path / "conversions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    zone = get_zone("Europe/Berlin") if naive else None
    keep = {"u1", "u2", "5"}
    full_pool, full_rej, full_dropped, full_latest = _full_path(path, keep, zone)
    pool, rej, dropped, latest = _fast_path(path, keep, zone)
    assert [r.to_dict() for r in rej] == [r.to_dict() for r in full_rej]
    assert pool.state_key() == full_pool.state_key()
    assert _stored(pool) == _stored(full_pool)
    assert (dropped, latest) == (full_dropped, full_latest)


def test_equal_but_differently_typed_properties_are_not_shared(tmp_path: Path) -> None:
    """``true == 1`` in Python; the JSON values differ, and so do the conversions (D-10)."""
    path = tmp_path / "conversions.jsonl"
    lines = [
        '{"user_id":"u1","name":"p","time":"2026-05-04T07:00:00Z","properties":{"a":1}}',
        '{"user_id":"u1","name":"p","time":"2026-05-04T07:00:00Z","properties":{"a":true}}',
        '{"user_id":"u1","name":"p","time":"2026-05-04T07:00:00Z","properties":{"a":1.0}}',
        '{"user_id":"u1","name":"p","time":"2026-05-04T07:00:00Z","properties":{"a":"1"}}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pool = ConversionPool()
    fold_conversions(pool, path, keep={"u1"}, on_bad=lambda e, n: None)
    assert _stored(pool) == _stored(_full_path(path, {"u1"}, None)[0])
    assert pool.distinct() == 3  # 1 and 1.0 are one JSON number: the same canonical text
    assert [type(r[3]["a"]) for r in pool.by_user["u1"]] == [int, bool, str]


def test_fast_path_dedups_by_canonical_content(tmp_path: Path) -> None:
    """D-10: the same conversion written two ways is one conversion; properties are shared."""
    path = tmp_path / "conversions.jsonl"
    lines = [
        {"user_id": "u1", "name": "purchase", "time": "2026-05-04T07:00:00Z", "revenue": 10},
        {"name": "purchase", "time": "2026-05-04T09:00:00+02:00", "user_id": "u1", "revenue": 10},
        {"user_id": "u1", "name": "p", "time": "2026-05-04T07:00:00Z", "properties": {"a": 1}},
        {"user_id": "u2", "name": "p", "time": "2026-05-04T07:00:00Z", "properties": {"a": 1}},
        {"user_id": "u9", "name": "p", "time": "2026-05-05T07:00:00Z"},
    ]
    text = "\n".join(json.dumps(x) for x in lines).replace("10}", "10.0}", 1)
    path.write_text(text + "\n", encoding="utf-8")
    pool = ConversionPool()
    read = fold_conversions(pool, path, keep={"u1", "u2"}, on_bad=lambda e, n: None)
    assert pool.records == 4
    assert pool.distinct() == 3
    assert (read.dropped, read.dropped_latest) == (
        1,
        to_us(dt.datetime(2026, 5, 5, 7, tzinfo=dt.timezone.utc)),
    )
    assert pool.by_user["u1"][1][3] is pool.by_user["u2"][0][3]
    assert pool.state_key() == _full_path(path, {"u1", "u2"}, None)[0].state_key()


def test_strict_reading_stops_at_the_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "conversions.jsonl"
    path.write_text('{"user_id":"u1","name":"p","time":"x"}\n{"oops"\n', encoding="utf-8")

    def on_bad(error: InputError, line: int) -> None:
        raise error

    with pytest.raises(InputError, match=r"conversions.jsonl:1: field 'time'"):
        fold_conversions(ConversionPool(), path, keep={"u1"}, on_bad=on_bad)
