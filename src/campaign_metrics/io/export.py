"""CSV export that a spreadsheet cannot run as formulas (X-6).

Text cells that a spreadsheet would read as a formula get a leading ``'``; numbers stay
numbers.

>>> import io
>>> out = io.StringIO(newline="")
>>> write_csv(out, ["name", "clicks"], [["=HYPERLINK(1)", -3]])
>>> out.getvalue()
"name,clicks\\r\\n'=HYPERLINK(1),-3\\r\\n"
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO

__all__ = ["safe_cell", "write_csv"]

# the characters with which a spreadsheet starts a formula (or hides one).
_DANGEROUS_FIRST = frozenset("=+-@\t\r\n")
_QUOTE = "'"


def _safe_text(text: str) -> str:
    if text and text[0] in _DANGEROUS_FIRST:
        return _QUOTE + text
    return text


def safe_cell(value: object) -> str | int | float | Decimal | None:
    """``value`` as a CSV cell that a spreadsheet will not run as a formula (X-6).

    A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a
    line feed gets a leading ``'``. ``int``, ``float``, ``Decimal``, ``bool`` and
    ``None`` are returned unchanged: numbers are written as numbers (``-3`` stays
    ``-3``). Any other object becomes a text cell (``str(value)``) and is guarded the
    same way.

    >>> safe_cell("=1+2")
    "'=1+2"
    >>> safe_cell("Spring sale")
    'Spring sale'
    >>> safe_cell(-3)
    -3
    """
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, str):
        # str.__str__ gives the text itself, also for str-based enums.
        return _safe_text(str.__str__(value))
    return _safe_text(str(value))


def _cell_text(value: str | int | float | Decimal | None) -> str:
    """The text ``csv`` writes for a cell returned by :func:`safe_cell`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, Decimal):
        return format(value, "f")  # plain notation: Decimal("1E+3") is written 1000
    return str(value)


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``header`` and ``rows`` to ``out`` as CSV, every cell through :func:`safe_cell`.

    The ``csv`` module writes the file (``QUOTE_MINIMAL``, ``\\r\\n`` line ends), so open
    ``out`` with ``newline=""``. ``Decimal`` values are written in plain notation (no
    exponent), floats with ``repr``, ``None`` as an empty cell and bools as ``true`` /
    ``false``. Rows are written as they come, so ``rows`` may be a generator. Raises
    :class:`ValueError` for a row whose length differs from the header's.

    >>> import io
    >>> out = io.StringIO(newline="")
    >>> write_csv(out, ["a", "b"], [[Decimal("1E+3"), None], [True, "-x"]])
    >>> out.getvalue()
    "a,b\\r\\n1000,\\r\\ntrue,'-x\\r\\n"
    """
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_cell_text(safe_cell(name)) for name in header])
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise ValueError(
                f"row {number} must have {len(header)} cells like the header (got {len(row)})"
            )
        writer.writerow([_cell_text(safe_cell(value)) for value in row])
