"""Opening an input file: the one place that knows compressed files and the file names
a campaign directory may hold.

Every reader opens its text through :func:`open_text`: a ``.gz`` file is streamed with
the standard library's :mod:`gzip`, a ``.zst`` file with the optional ``zstandard``
package (``pip install 'campaign-metrics[zstd]'``), anything else read as it is — never
decompressed whole. :func:`find_input` finds a directory's events or conversions file
among the names it may have and refuses a directory that holds two of them (one log
would be counted twice).
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigurationError, InputError, MissingDependencyError
from ..limits import LONG_LINE, MAX_LINE_BYTES

__all__ = [
    "COMPRESSIONS",
    "CONVERSIONS_NAMES",
    "EVENTS_NAMES",
    "LineGuard",
    "compression",
    "find_input",
    "is_csv",
    "is_parquet",
    "open_text",
]

#: The compressed suffixes and the codec of each.
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}
#: The names a campaign directory's events file may have (FORMATS.md), in the order
#: they are listed in messages.
EVENTS_NAMES = (
    "events.jsonl",
    "events.csv",
    "events.jsonl.gz",
    "events.csv.gz",
    "events.jsonl.zst",
    "events.csv.zst",
    "events.parquet",
)
#: The names of a directory's own conversions file.
CONVERSIONS_NAMES = (
    "conversions.jsonl",
    "conversions.jsonl.gz",
    "conversions.jsonl.zst",
    "conversions.parquet",
)
_CHUNK = 1 << 20


def compression(path: Path) -> str | None:
    """The codec of a compressed file by its suffix (``"gzip"``, ``"zstd"``), else None.

    >>> from pathlib import Path
    >>> compression(Path("events.csv.gz")), compression(Path("events.csv"))
    ('gzip', None)
    """
    return COMPRESSIONS.get(path.suffix.lower())


def _format_suffix(path: Path) -> str:
    """The suffix that names the format, under a compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def is_csv(path: Path) -> bool:
    """Whether the file is CSV (``.csv``, compressed or not; else JSON Lines or Parquet).

    >>> from pathlib import Path
    >>> is_csv(Path("events.csv.zst")), is_csv(Path("events.jsonl.gz"))
    (True, False)
    """
    return _format_suffix(path) == ".csv"


def is_parquet(path: Path) -> bool:
    """Whether the file is Parquet (``.parquet``).

    >>> from pathlib import Path
    >>> is_parquet(Path("conversions.parquet"))
    True
    """
    return path.suffix.lower() == ".parquet"


class LineGuard(io.RawIOBase):
    r"""A byte stream whose lines past :data:`~campaign_metrics.limits.MAX_LINE_BYTES` are
    read past in bounded chunks and replaced by one :data:`~campaign_metrics.limits.LONG_LINE`
    line each (so line numbers stay true): no line longer than the limit is ever held.

    >>> import io
    >>> raw = io.BytesIO(b"ok\n" + b"x" * 30 + b"\nend\n")
    >>> text = io.TextIOWrapper(io.BufferedReader(LineGuard(raw, limit=10)), encoding="utf-8")
    >>> [len(line) for line in text]
    [3, 18, 4]
    """

    def __init__(self, stream: Any, limit: int = MAX_LINE_BYTES, chunk: int = 1 << 16) -> None:
        self.stream = stream
        self.limit = limit
        self.chunk = min(chunk, limit)  # so a line inside one chunk is within the limit
        self.tail = b""  # the line being read, not yet known to end within the limit
        self.out = bytearray()
        self.skipping = False
        self.done = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self.out and not self.done:
            data = self.stream.read(self.chunk)
            if not data:
                self.done = True
                if self.skipping:
                    self.out += _MARK
                else:
                    self.out += self.tail
                self.tail = b""
                return
            if self.skipping:
                end = data.find(b"\n")
                if end < 0:
                    continue  # still inside the long line: dropped
                self.out += _MARK + b"\n"
                self.skipping = False
                data = data[end + 1 :]
            data = self.tail + data
            first = data.find(b"\n")
            if first > self.limit:  # the line begun earlier is too long
                self.out += _MARK + b"\n"
                data = data[first + 1 :]
            last = data.rfind(b"\n")
            self.out += data[: last + 1]
            self.tail = data[last + 1 :]
            if len(self.tail) > self.limit:
                self.tail = b""
                self.skipping = True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        self._fill()
        n = min(len(buffer), len(self.out))
        buffer[:n] = self.out[:n]
        del self.out[:n]
        return n

    def close(self) -> None:
        self.stream.close()
        super().close()


_MARK = LONG_LINE.encode()


class _Guarded(io.RawIOBase):
    """A decompressed byte stream whose read errors (a corrupt or truncated file) become
    the located :class:`InputError` of the file, not a traceback."""

    def __init__(self, stream: Any, name: str) -> None:
        self.stream = stream
        self.name_ = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                reason=f"cannot read the compressed file: {exc}", file=self.name_
            ) from None
        except Exception as exc:  # zstandard.ZstdError is a plain Exception
            if type(exc).__name__ != "ZstdError":
                raise
            raise InputError(
                reason=f"cannot read the compressed file: {exc}", file=self.name_
            ) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


def open_text(path: Path, name: str | None = None) -> IO[str]:
    """The text of an input file (UTF-8, line endings kept), decompressed as it is read
    when its name ends with ``.gz`` or ``.zst``. ``name`` is the file's name in messages.

    An unreadable file raises :class:`InputError`; a ``.zst`` file without the
    ``zstandard`` package raises :class:`MissingDependencyError`.

    >>> import gzip, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "events.jsonl.gz"
    >>> _ = p.write_bytes(gzip.compress(b'{"a": 1}\\n'))
    >>> with open_text(p) as f:
    ...     f.read()
    '{"a": 1}\\n'
    """
    display = name or path.name
    codec = compression(path)
    stream: Any
    try:
        if codec is None:
            stream = open(path, "rb", buffering=0)  # noqa: SIM115 - closed with the wrapper
        elif codec == "gzip":
            stream = gzip.open(path, "rb")  # noqa: SIM115 - closed with the text wrapper
        else:
            try:
                import zstandard
            except ImportError:
                raise MissingDependencyError("zstandard", "zstd") from None
            raw = open(path, "rb")  # noqa: SIM115 - closed with the text wrapper
            stream = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
    except OSError as exc:
        raise InputError(
            reason=f"cannot read the file: {exc.strerror or exc}", file=display
        ) from None
    if codec is not None:
        stream = _Guarded(stream, display)
    guarded = io.BufferedReader(LineGuard(stream), _CHUNK)
    return io.TextIOWrapper(guarded, encoding="utf-8", newline="")


def find_input(directory: Path, names: tuple[str, ...]) -> Path | None:
    """The one file of ``names`` the directory holds, or None; two of them raise
    :class:`ConfigurationError` (the same log would be counted twice).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "events.jsonl.gz").write_bytes(b"")
    >>> find_input(d, EVENTS_NAMES).name
    'events.jsonl.gz'
    """
    found = [directory / n for n in names if (directory / n).is_file()]
    if len(found) > 1:
        listed = " and ".join(p.name for p in found)
        raise ConfigurationError(
            f"{directory}: holds both {listed}; keep one of them"
            if len(found) == 2
            else f"{directory}: holds {', '.join(p.name for p in found)}; keep one of them"
        )
    return found[0] if found else None
