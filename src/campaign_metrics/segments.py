"""SMS segments as carriers count them (O-7), and the ContentTooLong check of O-6.

A text whose every character is in the GSM 03.38 default alphabet (3GPP TS 23.038: the
basic table, or the extension table reached through the escape code) is sent as GSM-7:

- a basic-table character costs one septet, an extension-table character
  (``^ { } \\ [ ~ ] | €`` and the form feed) costs two — the escape and the code — and
  the two are never split across parts;
- a single message holds up to 160 septets; a longer text is sent as concatenated parts
  of up to 153 septets each (the user data header takes the rest).

Any other character makes the whole text UCS-2 (UTF-16 on the wire): each character
costs its UTF-16 code units (one, or two for a surrogate pair outside the Basic
Multilingual Plane) and a surrogate pair is never split; a single message holds up to
70 units, a concatenated part up to 67.

Parts are filled in order; a pair that does not fit in the units left in a part starts
the next part, so a part may carry one unit less than its capacity.

**Decision — the empty text is one GSM-7 segment** (0 units, ``per_segment`` 160), as in
Twilio's message segment calculator (``TwilioDevEd/message-segment-calculator``: its
``SegmentedMessage`` always starts with one segment): an SMS without a body is still one
message on the network. O-6 skips an empty message as ``SkippedNoContent`` before its
segments matter.

**Decision — no grapheme rule.** Twilio's calculator also moves a whole grapheme
cluster (an emoji sequence, a letter with combining marks) to the next part; O-7 counts
code units as carriers do, so only surrogate pairs and escape pairs are kept whole.
A lone surrogate (text that is not valid Unicode) is one UCS-2 unit with no pair to keep.
``non_gsm_characters`` lists code points, each once (Twilio lists graphemes, repeated).
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

from .errors import ConfigurationError

__all__ = [
    "SegmentCount",
    "count_segments",
    "is_content_too_long",
]

# GSM 03.38 basic table in code order, 0x00-0x7F, one row of 16 per line. 0x1B is the
# escape to the extension table, not a character; its placeholder is removed below.
_GSM7_BASIC_ROWS: Final = (
    "@£$¥èéùìòÇ\nØø\rÅå",
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÄÖÑÜ§",
    "¿abcdefghijklmno",
    "pqrstuvwxyzäöñüà",
)
_GSM7_BASIC: Final = frozenset("".join(_GSM7_BASIC_ROWS)) - {"\x1b"}
# GSM 03.38 extension table: form feed (0x0A), ^ (0x14), { } (0x28 0x29), \ (0x2F),
# [ ~ ] (0x3C-0x3E), | (0x40), € (0x65).
_GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")
_GSM7_ALL: Final = _GSM7_BASIC | _GSM7_EXTENSION

_GSM7: Final = "GSM-7"
_UCS2: Final = "UCS-2"
_GSM7_SINGLE: Final = 160
_GSM7_PART: Final = 153
_UCS2_SINGLE: Final = 70
_UCS2_PART: Final = 67
_BMP_LIMIT: Final = 0x10000
#: O-6: a text over this many characters (code points) is ContentTooLong.
_MAX_CHARACTERS: Final = 2000

_PER_SEGMENT: Final = {
    _GSM7: (_GSM7_SINGLE, _GSM7_PART),
    _UCS2: (_UCS2_SINGLE, _UCS2_PART),
}


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"'{attribute.name}' must be an integer >= 0 (got {value!r})")


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"'{attribute.name}' must be an integer >= 1 (got {value!r})")


@attrs.frozen(slots=True)
class SegmentCount:
    """How a text is sent as SMS (O-7): its encoding, parts and units.

    - ``encoding``: ``"GSM-7"`` or ``"UCS-2"``;
    - ``segments``: the number of SMS parts (at least 1, the empty text included);
    - ``units``: septets for GSM-7 (an extension-table character counts two), UTF-16
      code units for UCS-2;
    - ``per_segment``: the capacity per part used for this text — 160 or 70 for a
      single message, 153 or 67 for the parts of a concatenated one;
    - ``non_gsm_characters``: the distinct characters outside GSM 03.38 that made the
      text UCS-2, in order of first appearance (empty for GSM-7).

    >>> count_segments("Hi {name}")
    SegmentCount(encoding='GSM-7', segments=1, units=11, per_segment=160, non_gsm_characters=())
    """

    encoding: Literal["GSM-7", "UCS-2"] = attrs.field(
        validator=attrs.validators.in_((_GSM7, _UCS2))
    )
    segments: int = attrs.field(validator=_at_least_one)
    units: int = attrs.field(validator=_non_negative)
    per_segment: int = attrs.field()
    non_gsm_characters: tuple[str, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(
            attrs.validators.instance_of(str), attrs.validators.instance_of(tuple)
        )
    )

    @per_segment.validator
    def _check_per_segment(self, attribute: attrs.Attribute[int], value: int) -> None:
        expected = _PER_SEGMENT[self.encoding][0 if self.segments == 1 else 1]
        if value != expected:
            raise ValueError(
                f"'per_segment' must be {expected} for {self.segments} {self.encoding} "
                f"segment(s) (got {value!r})"
            )


def _pack(costs: list[int], capacity: int) -> int:
    """Parts needed to carry ``costs`` in order, a cost never split across two parts."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > capacity:
            parts, used = parts + 1, 0
        used += cost
    return parts


def count_segments(text: str) -> SegmentCount:
    """Count the SMS segments of ``text`` as carriers do (O-7).

    >>> count_segments("a" * 161).segments
    2
    >>> count_segments("€" * 80).units
    160
    >>> result = count_segments("Olá 😀")
    >>> result.encoding, result.units, result.non_gsm_characters
    ('UCS-2', 6, ('á', '😀'))
    """
    if not isinstance(text, str):
        raise TypeError(f"'text' must be a str (got {text!r} that is a {type(text).__name__})")
    non_gsm = tuple(dict.fromkeys(ch for ch in text if ch not in _GSM7_ALL))
    encoding: Literal["GSM-7", "UCS-2"]
    if non_gsm:
        # O-7: one non-GSM character makes the whole text UCS-2; a character outside the
        # BMP is a surrogate pair, two code units that stay in one part.
        encoding = "UCS-2"
        costs = [2 if ord(ch) >= _BMP_LIMIT else 1 for ch in text]
    else:
        # O-7: an extension-table character is an escape pair, two septets in one part.
        encoding = "GSM-7"
        costs = [2 if ch in _GSM7_EXTENSION else 1 for ch in text]
    single, part = _PER_SEGMENT[encoding]
    units = sum(costs)
    segments = 1 if units <= single else _pack(costs, part)
    return SegmentCount(
        encoding=encoding,
        segments=segments,
        units=units,
        per_segment=single if segments == 1 else part,
        non_gsm_characters=non_gsm,
    )


def is_content_too_long(text: str, max_segments: int | None) -> bool:
    """Whether ``text`` is ContentTooLong (O-6).

    True when the text has more than 2000 characters (Unicode code points), or more
    segments (O-7) than ``max_segments``; ``None`` sets no segment limit.

    >>> is_content_too_long("a" * 161, max_segments=1)
    True
    >>> is_content_too_long("a" * 161, max_segments=2)
    False
    >>> is_content_too_long("a" * 2001, max_segments=None)
    True
    """
    if max_segments is not None and (
        isinstance(max_segments, bool) or not isinstance(max_segments, int) or max_segments < 1
    ):
        raise ConfigurationError(
            f"'max_segments' must be an integer >= 1 (got {max_segments!r})", field="max_segments"
        )
    if not isinstance(text, str):
        raise TypeError(f"'text' must be a str (got {text!r} that is a {type(text).__name__})")
    if len(text) > _MAX_CHARACTERS:
        return True
    return max_segments is not None and count_segments(text).segments > max_segments
