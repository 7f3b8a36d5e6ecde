"""Byte ranges of an events file, each starting at a line, for folding in parallel.

:func:`line_spans` cuts a file into about equal :class:`Span` s that begin at a line
start and know that line's number (so rejected records keep their file line);
:func:`open_span` reads one of them as text. A CSV file holding a double quote is not
cut: a quoted cell may hold a line break, and a cut there would split a record.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, NamedTuple

from .opening import LineGuard

__all__ = ["Span", "line_spans", "open_span"]

_CHUNK = 1 << 20


class Span(NamedTuple):
    """Bytes ``start`` (a line start) to ``end`` of a file; ``first_line`` is the file
    line at ``start`` (1-based)."""

    start: int
    end: int
    first_line: int


def line_spans(path: Path, parts: int, *, csv: bool, smallest: int = 1 << 20) -> list[Span]:
    """``parts`` spans of about equal size covering the file (fewer for a small file;
    one for a CSV file holding a double quote, and for a compressed or Parquet file).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.jsonl"
    >>> _ = p.write_bytes(b"a\\nbb\\nccc\\ndddd\\n")
    >>> line_spans(p, 2, csv=False, smallest=1)
    [Span(start=0, end=9, first_line=1), Span(start=9, end=14, first_line=4)]
    """
    size = path.stat().st_size
    if path.suffix.lower() in (".gz", ".zst", ".parquet"):
        return [Span(0, size, 1)]  # a compressed or columnar file cannot be cut by bytes
    parts = max(1, min(parts, size // max(1, smallest)))
    if parts == 1:
        return [Span(0, size, 1)]
    cuts: list[int] = []
    with open(path, "rb") as f:
        for k in range(1, parts):
            f.seek(size * k // parts)
            f.readline()  # to the start of the next line
            cut = f.tell()
            if cut < size and (not cuts or cut > cuts[-1]):
                cuts.append(cut)
        # the line number at each cut (and, in a CSV file, whether any cell is quoted)
        f.seek(0)
        lines = 1
        pos = 0
        numbers: list[int] = []
        pending = list(cuts)
        while pending:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            if csv and b'"' in chunk:
                return [Span(0, size, 1)]
            while pending and pending[0] <= pos + len(chunk):
                numbers.append(lines + chunk.count(b"\n", 0, pending[0] - pos))
                pending.pop(0)
            lines += chunk.count(b"\n")
            pos += len(chunk)
        if csv and b'"' in f.read():
            return [Span(0, size, 1)]
    bounds = [0, *cuts, size]
    firsts = [1, *numbers]
    return [Span(bounds[i], bounds[i + 1], firsts[i]) for i in range(len(bounds) - 1)]


class _Limited(io.RawIOBase):
    """At most ``left`` bytes of a binary file, from where it stands."""

    def __init__(self, raw: IO[bytes], left: int) -> None:
        self.raw = raw
        self.left = left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        if n <= 0:
            return 0
        data = self.raw.read(n)
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_span(path: Path, span: Span) -> IO[str]:
    """The text of one span (UTF-8, line endings kept, as the readers open a file)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed with the text wrapper
    raw.seek(span.start)
    limited = io.BufferedReader(LineGuard(_Limited(raw, span.end - span.start)), _CHUNK)
    return io.TextIOWrapper(limited, encoding="utf-8", newline="")
