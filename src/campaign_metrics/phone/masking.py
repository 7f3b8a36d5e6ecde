"""Mobile numbers masked in output and messages (X-7)."""

from __future__ import annotations

import bisect
from functools import lru_cache

import phonenumbers
from phonenumbers import (
    Leniency,
    PhoneNumber,
)

from .validation import _CACHE_SIZE, _FALLBACK, _MASK, _NON_DIGITS, _SHOWN_DIGITS, _parse, _region


def _mask_parsed(parsed: PhoneNumber) -> str:
    national = phonenumbers.national_significant_number(parsed)
    # Never show the whole subscriber part, however short it is.
    shown = national[-_SHOWN_DIGITS:] if len(national) > _SHOWN_DIGITS else ""
    return f"+{parsed.country_code}{_MASK}{shown}"


def _mask_unparsed(text: str) -> str:
    digits = _NON_DIGITS.sub("", text)
    shown = digits[-_SHOWN_DIGITS:] if len(digits) > _SHOWN_DIGITS else ""
    return f"{_MASK}{shown}"


@lru_cache(maxsize=_CACHE_SIZE)
def _mask(number: str, region: str | None) -> str:
    parsed = _parse(number, region)
    if parsed is None or not parsed.country_code:
        return _mask_unparsed(number)
    return _mask_parsed(parsed)


def mask_number(number: str, *, default_region: str | None = None) -> str:
    """``number`` masked for reports and exports (X-7).

    The country code and the last two digits stay, with exactly seven asterisks between.
    A number that ``phonenumbers`` cannot parse (a national number without
    ``default_region``, or not a number at all) keeps only its last two digits. No more
    than the last two digits of the subscriber part are ever shown (none when the
    subscriber part has two digits or fewer).

    >>> mask_number("+1 415-555-0100")
    '+1*******00'
    >>> mask_number("(415) 555-0100", default_region="US")
    '+1*******00'
    >>> mask_number("(415) 555-0100")
    '*******00'
    """
    return _mask(number, _region(default_region))


def _spans(text: str, region: str | None) -> list[tuple[int, int, PhoneNumber | None]]:
    """Non-overlapping spans to mask, sorted, each with its parsed number when known."""
    found: list[tuple[int, int, PhoneNumber | None]] = []
    date_starts: list[int] = []
    date_ends: list[int] = []
    for match in _FALLBACK.finditer(text):
        if match.group("run") is not None:
            found.append((match.start(), match.end(), None))
        else:
            date_starts.append(match.start())
            date_ends.append(match.end())

    def in_date(start: int, end: int) -> bool:
        i = bisect.bisect_right(date_starts, start) - 1
        return i >= 0 and end <= date_ends[i]

    found.extend(
        (match.start, match.end, match.number)
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE)
        # The matcher reads parts of timestamps as national numbers; a date stays a date.
        if not in_date(match.start, match.end)
    )
    # Longest first among spans with the same start; the matcher's number wins a tie.
    found.sort(key=lambda span: (span[0], -span[1], span[2] is None))
    merged: list[tuple[int, int, PhoneNumber | None]] = []
    for start, end, parsed in found:
        if merged and start < merged[-1][1]:
            last_start, last_end, _ = merged[-1]
            if end > last_end:
                # Partly overlapping spans are masked as one piece of text.
                merged[-1] = (last_start, end, None)
            continue
        merged.append((start, end, parsed))
    return merged


def mask_numbers_in_text(text: str, *, default_region: str | None = None) -> str:
    """``text`` with every phone-number-like run masked (X-7), for warnings and errors.

    Numbers found by ``phonenumbers.PhoneNumberMatcher`` (leniency ``POSSIBLE``; with
    ``default_region``, numbers written without ``+`` too) are masked as by
    :func:`mask_number`. Any other run of seven or more digits, possibly with a leading
    ``+`` and spaces, dashes, dots, slashes or parentheses between the digits, keeps only
    its last two digits, so a number the matcher misses does not leak either. ISO-8601
    dates and times (``2026-05-04T07:00:00``) are left as they are; other long digit runs
    (large ids, amounts) are masked too. Pass the campaign's ``default_region``: national
    numbers shorter than seven digits are found only with it.

    >>> mask_numbers_in_text("send to (415) 555-0100 failed", default_region="US")
    'send to +1*******00 failed'
    >>> mask_numbers_in_text("send to (415) 555-0100 at 2026-05-04T07:00:00 failed")
    'send to *******00 at 2026-05-04T07:00:00 failed'
    """
    region = _region(default_region)
    pieces: list[str] = []
    position = 0
    for start, end, parsed in _spans(text, region):
        pieces.append(text[position:start])
        if parsed is not None and parsed.country_code:
            pieces.append(_mask_parsed(parsed))
        else:
            pieces.append(_mask(text[start:end], region))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
