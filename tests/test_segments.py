"""SMS segment counting (O-7) and the ContentTooLong check (O-6).

Plain tests port the public test vectors of Twilio's message segment calculator
(github.com/TwilioDevEd/message-segment-calculator, ``tests/index.test.js``,
``tests/methods.test.js``, ``tests/segments.test.js``) and its GSM 03.38 map
(``src/libs/UnicodeToGSM.ts``); the properties compare ``count_segments`` with a
deliberately simple splitter that packs code units one by one.
"""

from __future__ import annotations

import doctest
import itertools

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import campaign_metrics.segments as segments_module
from campaign_metrics.errors import ConfigurationError
from campaign_metrics.segments import SegmentCount, count_segments, is_content_too_long

# The code points of TwilioDevEd/message-segment-calculator src/libs/UnicodeToGSM.ts:
# those mapped to one septet (basic table) and to two (escape + extension table).
TWILIO_ONE_SEPTET = frozenset(
    [
        *(0x0A, 0x0D, *range(0x20, 0x5B), 0x5F, *range(0x61, 0x7B)),
        *(0xA1, 0xA3, 0xA4, 0xA5, 0xA7, 0xBF, 0xC4, 0xC5, 0xC6, 0xC7, 0xC9, 0xD1, 0xD6, 0xD8),
        *(0xDC, 0xDF, 0xE0, 0xE4, 0xE5, 0xE6, 0xE8, 0xE9, 0xEC, 0xF1, 0xF2, 0xF6, 0xF8, 0xF9),
        *(0xFC, 0x393, 0x394, 0x398, 0x39B, 0x39E, 0x3A0, 0x3A3, 0x3A6, 0x3A8, 0x3A9),
    ]
)
TWILIO_TWO_SEPTETS = frozenset([0x0C, 0x5B, 0x5C, 0x5D, 0x5E, 0x7B, 0x7C, 0x7D, 0x7E, 0x20AC])

# The digit runs of the vectors' bodies: "1234567890" repeated.
DIGITS = "1234567890" * 40
FLAG_IT = "\U0001f1ee\U0001f1f9"
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"
UDH_BITS = 48  # a concatenated part's 6-octet user data header

# TwilioDevEd/message-segment-calculator tests/index.test.js, "Basic tests" (TestData):
# description, body, encoding, segments, messageSize (bits without the user data
# header), totalSize (bits with it).
TWILIO_BASIC = [
    ("GSM-7 in one segment", DIGITS[:160], "GSM-7", 1, 1120, 1120),
    ("GSM-7 in two segments", DIGITS[:161], "GSM-7", 2, 1127, 1223),
    ("GSM-7 in three segments", DIGITS[:307], "GSM-7", 3, 2149, 2293),
    ("UCS-2 message in one segment", "😜" + DIGITS[1:69], "UCS-2", 1, 1120, 1120),
    ("UCS-2 message in two segments", "😜" + DIGITS[1:70], "UCS-2", 2, 1136, 1232),
    ("UCS-2 message in three segments", "😜" + DIGITS[1:134], "UCS-2", 3, 2160, 2304),
    ("UCS-2 two-pair character, one segment", FLAG_IT + DIGITS[1:67], "UCS-2", 1, 1120, 1120),
    ("UCS-2 two-pair character, two segments", FLAG_IT + DIGITS[1:68], "UCS-2", 2, 1136, 1232),
    ("UCS-2 emoji sequence, one segment", RAINBOW_FLAG + DIGITS[1:65], "UCS-2", 1, 1120, 1120),
    ("UCS-2 emoji sequence, two segments", RAINBOW_FLAG + DIGITS[1:66], "UCS-2", 2, 1136, 1232),
]
# tests/index.test.js, "GSM-7 Escape Characters".
TWILIO_ESCAPE_CHARS = ["|", "^", "€", "{", "}", "[", "]", "~", "\\"]
# tests/index.test.js, "One grapheme UCS-2 characters".
TWILIO_ONE_GRAPHEME_UCS2 = ["Á", "Ú", "ú", "ç", "í", "Í", "ó", "Ó"]
TRIPLE_ACCENT = "e\u0301\u0301\u0301"


# --- the reference splitter -------------------------------------------------------------

ESC = "ESC"


def reference_units(text: str) -> tuple[str, list[str | int]]:
    """The encoding and the code units on the wire, from Twilio's map and Python's codec.

    GSM-7: one septet per basic character, ``ESC`` then the character for an extension
    one. UCS-2: the UTF-16 code units.
    """
    codes = [ord(ch) for ch in text]
    if all(c in TWILIO_ONE_SEPTET or c in TWILIO_TWO_SEPTETS for c in codes):
        units: list[str | int] = []
        for ch in text:
            if ord(ch) in TWILIO_TWO_SEPTETS:
                units.append(ESC)
            units.append(ch)
        return "GSM-7", units
    data = text.encode("utf-16-le", "surrogatepass")
    return "UCS-2", [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def is_pair_lead(unit: str | int) -> bool:
    return unit == ESC or (isinstance(unit, int) and 0xD800 <= unit <= 0xDBFF)


def is_pair_tail(unit: str | int) -> bool:
    return isinstance(unit, int) and 0xDC00 <= unit <= 0xDFFF


def reference_split(text: str) -> tuple[str, int, list[list[str | int]]]:
    """Split ``text`` into parts by packing code units one by one.

    Returns the encoding, the capacity per part and the parts. A unit that opens a pair
    (an escape, a high surrogate) goes to a new part when only one place is left.
    """
    encoding, units = reference_units(text)
    single, part = (160, 153) if encoding == "GSM-7" else (70, 67)
    capacity = single if len(units) <= single else part
    parts: list[list[str | int]] = [[]]
    for unit in units:
        free = capacity - len(parts[-1])
        if free == 0 or (free == 1 and is_pair_lead(unit)):
            parts.append([])
        parts[-1].append(unit)
    return encoding, capacity, parts


# --- ported vectors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "encoding", "segments", "message_bits", "total_bits"),
    [vector[1:] for vector in TWILIO_BASIC],
    ids=[vector[0] for vector in TWILIO_BASIC],
)
def test_twilio_basic_vectors(
    body: str, encoding: str, segments: int, message_bits: int, total_bits: int
) -> None:
    """O-7: Twilio's basic vectors — encoding, segments, and sizes in bits."""
    result = count_segments(body)
    assert result.encoding == encoding
    assert result.segments == segments
    bits_per_unit = 7 if encoding == "GSM-7" else 16
    assert result.units * bits_per_unit == message_bits
    assert message_bits + (UDH_BITS * segments if segments > 1 else 0) == total_bits


@pytest.mark.parametrize("escape_char", TWILIO_ESCAPE_CHARS)
def test_twilio_escape_characters_cost_two_septets(escape_char: str) -> None:
    """O-7: an extension character and 158 digits fill one message; 159 need two."""
    one = count_segments(escape_char + DIGITS[:158])
    assert (one.encoding, one.segments, one.units * 7) == ("GSM-7", 1, 1120)
    two = count_segments(escape_char + DIGITS[:159])
    assert (two.encoding, two.segments, two.units * 7) == ("GSM-7", 2, 1127)
    assert two.units * 7 + 2 * UDH_BITS == 1223


@pytest.mark.parametrize("character", TWILIO_ONE_GRAPHEME_UCS2)
def test_twilio_one_grapheme_ucs2_characters(character: str) -> None:
    """O-7: 70 characters outside GSM 03.38 fill one UCS-2 message, 71 need two."""
    one = count_segments(character * 70)
    assert (one.encoding, one.segments, one.non_gsm_characters) == ("UCS-2", 1, (character,))
    two = count_segments(character * 71)
    assert (two.encoding, two.segments, two.non_gsm_characters) == ("UCS-2", 2, (character,))


def test_twilio_gsm_characters_in_ucs2_cost_one_unit() -> None:
    """O-7: Twilio issue #18 — in UCS-2 an extension character is one code unit."""
    assert count_segments("😀" + "]" * 68).segments == 1
    assert count_segments("😀" + "]" * 69).segments == 2


def test_twilio_line_breaks_count_one_septet_each() -> None:
    """O-7: CR and LF are basic-table characters (Twilio's line break style tests)."""
    assert count_segments("\rabcde\r\n123").units == 11
    assert count_segments("\nabcde\n\n123\n").units == 12


def test_twilio_combining_accents() -> None:
    """O-7: a letter with three combining accents is four UCS-2 units (Twilio issue #17)."""
    assert count_segments(TRIPLE_ACCENT).units == 4
    assert count_segments(TRIPLE_ACCENT + "a" * 66).segments == 1
    assert count_segments(TRIPLE_ACCENT + "a" * 67).segments == 2


def test_twilio_non_gsm_characters() -> None:
    """O-7: 'más' is UCS-2 because of 'á' (Twilio's getNonGsmCharacters test)."""
    assert count_segments("más").non_gsm_characters == ("á",)


@pytest.mark.parametrize(("body", "last"), [(DIGITS[:307], "7"), ("😜" + DIGITS[1:134], "4")])
def test_reference_split_matches_twilio_last_part(body: str, last: str) -> None:
    """O-7: the reference splitter's last part carries one character, as in Twilio's
    tests/segments.test.js — the oracle itself agrees with the public vectors."""
    _, _, parts = reference_split(body)
    assert len(parts) == 3
    assert parts[-1] == [last if body.isascii() else ord(last)]


def test_gsm_table_matches_twilio_map() -> None:
    """O-7: every BMP character is basic (1 septet), extension (2) or UCS-2 as in the
    GSM 03.38 map of TwilioDevEd/message-segment-calculator."""
    for code in range(0x10000):
        result = count_segments(chr(code))
        expected: tuple[str, int, tuple[str, ...]]
        if code in TWILIO_ONE_SEPTET:
            expected = ("GSM-7", 1, ())
        elif code in TWILIO_TWO_SEPTETS:
            expected = ("GSM-7", 2, ())
        else:
            expected = ("UCS-2", 1, (chr(code),))
        assert (result.encoding, result.units, result.non_gsm_characters) == expected, hex(code)


# --- O-7 decisions ----------------------------------------------------------------------


def test_empty_text_is_one_gsm7_segment() -> None:
    """O-7 decision: the empty text is one GSM-7 segment, as Twilio's calculator counts it."""
    assert count_segments("") == SegmentCount(
        encoding="GSM-7", segments=1, units=0, per_segment=160, non_gsm_characters=()
    )


@pytest.mark.parametrize(
    ("text", "segments", "units", "per_segment"),
    [
        ("a" * 160, 1, 160, 160),
        ("a" * 161, 2, 161, 153),
        ("a" * 306, 2, 306, 153),
        ("a" * 307, 3, 307, 153),
        ("€" * 80, 1, 160, 160),
        ("€" * 80 + "a", 2, 161, 153),
        ("ç" * 70, 1, 70, 70),
        ("ç" * 71, 2, 71, 67),
        ("ç" * 134, 2, 134, 67),
        ("ç" * 135, 3, 135, 67),
        ("😀" * 35, 1, 70, 70),
        ("😀" * 36, 2, 72, 67),
        ("😀" * 67, 3, 134, 67),  # 33 pairs (66 units) a part, not 134 / 67 = 2
    ],
    ids=lambda value: f"{len(value)}x{value[0]!r}" if isinstance(value, str) and value else None,
)
def test_capacities_single_and_concatenated(
    text: str, segments: int, units: int, per_segment: int
) -> None:
    """O-7: 160 / 153 septets, 70 / 67 UTF-16 units."""
    result = count_segments(text)
    assert (result.segments, result.units, result.per_segment) == (segments, units, per_segment)


def test_escape_pair_is_never_split() -> None:
    """O-7: 152 septets leave one place; the € (two septets) starts the next part."""
    result = count_segments("a" * 152 + "€" + "a" * 152)
    assert (result.encoding, result.units) == ("GSM-7", 306)
    assert result.segments == 3  # 152 | € + 151 | 1, not 306 / 153 = 2


def test_surrogate_pair_is_never_split() -> None:
    """O-7: 66 units leave one place; the emoji (a surrogate pair) starts the next part."""
    result = count_segments("a" * 66 + "😀" + "a" * 66)
    assert (result.encoding, result.units) == ("UCS-2", 134)
    assert result.segments == 3  # 66 | 😀 + 65 | 1, not 134 / 67 = 2


def test_form_feed_is_an_extension_character() -> None:
    """O-7: the form feed is in the extension table (escape + 0x0A)."""
    assert (count_segments("\f").encoding, count_segments("\f").units) == ("GSM-7", 2)


@pytest.mark.parametrize(
    ("character", "encoding"),
    [("Ç", "GSM-7"), ("ç", "UCS-2"), ("\x1b", "UCS-2"), ("\xa0", "UCS-2"), ("`", "UCS-2")],
)
def test_characters_outside_the_tables(character: str, encoding: str) -> None:
    """O-7: 0x09 is capital Ç; the escape code and NBSP are not characters of the tables."""
    assert count_segments(character).encoding == encoding


def test_lone_surrogate_is_one_ucs2_unit() -> None:
    """O-7 decision: a lone surrogate (not valid text) is one UTF-16 unit, not a pair."""
    result = count_segments("a" * 66 + "\ud800" + "a" * 67)
    assert (result.encoding, result.units) == ("UCS-2", 134)
    assert result.segments == 2  # 66 + 1 | 67: nothing to keep together


def test_non_gsm_characters_are_distinct_in_order_of_first_appearance() -> None:
    """O-7: the characters that forced UCS-2, each once."""
    assert count_segments("ça ça 😀 ç [x]").non_gsm_characters == ("ç", "😀")
    assert count_segments("plain [GSM] text €").non_gsm_characters == ()


def test_segment_count_is_validated_and_frozen() -> None:
    """A SegmentCount cannot hold an impossible combination."""
    with pytest.raises(ValueError, match="per_segment"):
        SegmentCount(
            encoding="GSM-7", segments=2, units=200, per_segment=160, non_gsm_characters=()
        )
    with pytest.raises(ValueError, match="segments"):
        SegmentCount(encoding="UCS-2", segments=0, units=0, per_segment=70, non_gsm_characters=())
    result = count_segments("hello")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.segments = 2  # type: ignore[misc]


def test_text_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="'text' must be a str"):
        count_segments(b"hello")  # type: ignore[arg-type]


def test_docstring_examples() -> None:
    assert doctest.testmod(segments_module).failed == 0


# --- O-6 ContentTooLong -----------------------------------------------------------------


def test_content_too_long_over_2000_characters() -> None:
    """O-6: over 2000 characters is ContentTooLong, whatever the segment limit."""
    assert not is_content_too_long("a" * 2000, max_segments=None)
    assert is_content_too_long("a" * 2001, max_segments=None)
    assert is_content_too_long("a" * 2001, max_segments=100)


def test_content_too_long_counts_code_points() -> None:
    """O-6 decision: a character is a code point (an emoji is one, not two UTF-16 units)."""
    assert not is_content_too_long("😀" * 2000, max_segments=None)
    assert is_content_too_long("😀" * 2001, max_segments=None)


def test_content_too_long_more_segments_than_the_maximum() -> None:
    """O-6: more segments (O-7) than max_segments is ContentTooLong; exactly as many is not."""
    text = "a" * 152 + "€" + "a" * 152  # three segments (O-7)
    assert is_content_too_long(text, max_segments=2)
    assert not is_content_too_long(text, max_segments=3)
    assert not is_content_too_long("", max_segments=1)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_content_too_long_rejects_invalid_max_segments(bad: object) -> None:
    """O-6: max_segments is an integer >= 1 or None (FORMATS.md)."""
    with pytest.raises(ConfigurationError, match="'max_segments' must be an integer >= 1"):
        is_content_too_long("hello", max_segments=bad)  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------

GSM_BASIC_CHARS = sorted(chr(c) for c in TWILIO_ONE_SEPTET)
GSM_EXTENSION_CHARS = sorted(chr(c) for c in TWILIO_TWO_SEPTETS)
gsm_chars = st.sampled_from(GSM_BASIC_CHARS) | st.sampled_from(GSM_EXTENSION_CHARS)
any_chars = (
    gsm_chars
    | st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF)  # astral: surrogate pairs
    | st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])  # no lone surrogates
)


@st.composite
def runs(draw: st.DrawFn, chars: st.SearchStrategy[str]) -> str:
    """A text of runs of characters, long enough to reach several parts."""
    pieces = draw(st.lists(st.tuples(chars, st.integers(1, 80)), max_size=8))
    return "".join(ch * n for ch, n in pieces)


gsm_texts = runs(gsm_chars)
mixed_texts = runs(any_chars)
texts = gsm_texts | mixed_texts


@given(texts)
@example("a" * 152 + "€" + "a" * 152)
@example("a" * 66 + "😀" + "a" * 66)
@example("€" * 80 + "a")
@example("")
def test_count_agrees_with_reference_splitter(text: str) -> None:
    """O-7: count_segments equals packing the code units one by one."""
    encoding, capacity, parts = reference_split(text)
    result = count_segments(text)
    assert result.encoding == encoding
    assert result.segments == len(parts)
    assert result.units == sum(len(part) for part in parts)
    assert result.per_segment == capacity


@given(texts)
@example("a" * 152 + "€" + "a" * 152)
@example("a" * 66 + "😀" + "a" * 66)
def test_parts_never_split_a_pair(text: str) -> None:
    """O-7: no part ends with an escape, no boundary falls inside a surrogate pair, no
    part is empty or over capacity, and the parts put together are the text."""
    _, capacity, parts = reference_split(text)
    assert [unit for part in parts for unit in part] == reference_units(text)[1]
    for part in parts:
        assert 0 < len(part) <= capacity or parts == [[]]
        assert part[-1:] != [ESC]
    for before, after in itertools.pairwise(parts):
        assert not (is_pair_lead(before[-1]) and is_pair_tail(after[0]))


@given(texts, any_chars)
@example("a" * 160, "a")
@example("€" * 80, "ç")
def test_appending_never_lowers_the_segment_count(text: str, character: str) -> None:
    """O-7: segments and units are monotone in the text."""
    before, after = count_segments(text), count_segments(text + character)
    assert after.segments >= before.segments
    assert after.units > before.units or after.encoding != before.encoding
