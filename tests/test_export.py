"""X-6: CSV exports a spreadsheet cannot run as formulas; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from campaign_metrics.io.export import safe_cell, write_csv

DANGEROUS = "=+-@\t\r\n"


def _round_trip(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Write with write_csv, read back with the csv module (the header row first)."""
    out = io.StringIO(newline="")
    write_csv(out, header, rows)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def _expected_text(value: str) -> str:
    """What a spreadsheet-safe cell holding ``value`` reads back as (X-6)."""
    return "'" + value if value[:1] in set(DANGEROUS) else value


@pytest.mark.parametrize("first", list(DANGEROUS))
def test_safe_cell_quotes_every_dangerous_first_character_x6(first: str) -> None:
    """X-6: `=`, `+`, `-`, `@`, tab, carriage return and line feed each get a leading `'`."""
    assert safe_cell(first + "1+1") == "'" + first + "1+1"


@pytest.mark.parametrize(
    "value", ["", "Spring sale", "'=already quoted", " =1+1", "a=b", "1-2", "sms"]
)
def test_safe_cell_leaves_other_text_alone_x6(value: str) -> None:
    """X-6: text that does not begin with a dangerous character is written as it is."""
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "value", [0, -3, 2**70, -1.5, float("inf"), Decimal("-0.10"), Decimal("1E+3"), True, None]
)
def test_safe_cell_returns_numbers_bools_and_none_unchanged_x6(value: object) -> None:
    """X-6: numbers (negative ones too), bools and None are not text cells."""
    assert safe_cell(value) is value


def test_safe_cell_guards_other_objects_as_text_x6() -> None:
    """X-6: any other object becomes a text cell and is guarded like one."""

    class Formula:
        def __str__(self) -> str:
            return "=cmd|' /C calc'!A0"

    assert safe_cell(Formula()) == "'=cmd|' /C calc'!A0"


def test_write_csv_campaigns_row_x6() -> None:
    """X-6: a campaigns-table row (O-5) with a formula-like name and plain numbers."""
    header = ["Campaign name", "Revenue", "Total sent", "Click-to-delivered rate", "Last sent"]
    rows = [['=HYPERLINK("x")', Decimal("12.50"), 1200, 0.25, None]]
    out = io.StringIO(newline="")
    write_csv(out, header, rows)
    assert out.getvalue() == (
        "Campaign name,Revenue,Total sent,Click-to-delivered rate,Last sent\r\n"
        '"\'=HYPERLINK(""x"")",12.50,1200,0.25,\r\n'
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("1E+3"), "1000"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("-2.50"), "-2.50"),
        (0.1, "0.1"),
        (1e16, "1e+16"),
        (-7, "-7"),
        (True, "true"),
        (False, "false"),
        (None, ""),
    ],
)
def test_write_csv_writes_numbers_as_numbers_x6(value: object, written: str) -> None:
    """X-6: Decimals in plain notation, floats with repr, bools as true/false, None empty."""
    assert _round_trip(["v"], [[value]])[1] == [written]


def test_write_csv_guards_the_header_and_accepts_a_generator_x6() -> None:
    """X-6: header cells are guarded too; rows may come from a generator."""

    def rows() -> Iterator[list[object]]:
        yield ["-x", 1]
        yield ["@y", 2]

    assert _round_trip(["=a", "b"], rows()) == [["'=a", "b"], ["'-x", "1"], ["'@y", "2"]]


def test_write_csv_rejects_a_row_of_another_length() -> None:
    """A row must have as many cells as the header."""
    with pytest.raises(ValueError, match=r"row 2 must have 2 cells like the header \(got 3\)"):
        write_csv(io.StringIO(newline=""), ["a", "b"], [[1, 2], [1, 2, 3]])


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
@example([["=1+1", "-", "@SUM(A1)"], ["\tx", "\r", "\n"], ["", "'", '"=x"']])
@example([["+1 415 555 0100", "a,b", 'say "hi"\r\nbye']])
def test_write_csv_text_is_safe_and_round_trips_x6(rows: list[list[str]]) -> None:
    """X-6: a text cell starting with a dangerous character is read back with exactly one
    leading `'` added; every other text cell is read back exactly."""
    read = _round_trip(["a", "b", "c"], rows)
    assert read[0] == ["a", "b", "c"]
    assert read[1:] == [[_expected_text(value) for value in row] for row in rows]
    for row, read_row in zip(rows, read[1:], strict=True):
        for value, cell in zip(row, read_row, strict=True):
            if value[:1] in set(DANGEROUS):
                assert cell.startswith("'")
            assert cell[:1] not in set(DANGEROUS)


_NUMBERS = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False),
)


@given(st.lists(_NUMBERS, min_size=1, max_size=6))
@example([-1, -0.0, Decimal("-1E+5"), Decimal("-1E-9")])
def test_write_csv_numbers_stay_numbers_x6(values: list[int | float | Decimal]) -> None:
    """X-6: numbers, negative ones too, are written without a quote and read back equal."""
    read = _round_trip([str(i) for i in range(len(values))], [values])[1]
    for value, cell in zip(values, read, strict=True):
        assert not cell.startswith("'")
        if isinstance(value, int):
            assert cell == str(value)
        elif isinstance(value, float):
            assert float(cell) == value
        else:
            assert "E" not in cell.upper()
            assert Decimal(cell) == value
