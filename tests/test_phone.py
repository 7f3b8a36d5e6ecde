"""F-4 (valid mobile numbers, E.164 duplicates) and X-7 (masked numbers)."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

from campaign_metrics.phone import mask_number, mask_numbers_in_text, valid_mobile_e164

_TYPES = (
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
    PhoneNumberType.PAGER,
)
_NOT_MOBILE = frozenset(_TYPES[2:])
_STYLES = (
    PhoneNumberFormat.E164,
    PhoneNumberFormat.INTERNATIONAL,
    PhoneNumberFormat.NATIONAL,
    PhoneNumberFormat.RFC3966,
)


def _examples() -> list[tuple[str, int, PhoneNumber]]:
    """The library's example number of each type for every region it supports."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for number_type in _TYPES:
            number = phonenumbers.example_number_for_type(region, number_type)
            if number is not None:
                found.append((region, number_type, number))
    return found


EXAMPLES = _examples()
#: Numbers with at most six digits, which only the matcher finds in national writing.
SHORT_EXAMPLES = [
    case for case in EXAMPLES if len(phonenumbers.national_significant_number(case[2])) <= 6
]


def _written(number: PhoneNumber, style: int) -> str:
    return phonenumbers.format_number(number, style)


def _e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _national(number: PhoneNumber) -> str:
    return phonenumbers.national_significant_number(number)


# --- F-4 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        # mobile
        ("+44 7400 123456", "GB", "+447400123456"),
        ("07400 123456", "GB", "+447400123456"),
        ("01512 3456789", "DE", "+4915123456789"),
        ("07400 123456", "gb", "+447400123456"),  # region in any case
        ("+44 7400 123456", None, "+447400123456"),  # + needs no region
        ("+44 7400 123456", "US", "+447400123456"),  # the region only helps parsing
        # fixed line or mobile (the US does not tell them apart)
        ("(415) 555-0100", "US", "+14155550100"),
        ("+1 201-555-0123", None, "+12015550123"),
    ],
)
def test_valid_mobile_e164_accepts_mobile_and_fixed_or_mobile_f4(
    number: str, region: str | None, expected: str
) -> None:
    """F-4: mobile and fixed-line-or-mobile numbers are valid, in E.164 form."""
    assert valid_mobile_e164(number, region) == expected


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("020 7946 0018", "GB"),  # fixed line
        ("+49 30 123456", "DE"),  # fixed line
        ("0800 123 4567", "GB"),  # toll-free
        ("1-800-253-0000", "US"),  # toll-free
        ("09061 234567", "GB"),  # premium rate
        ("+1 900 555 1234", None),  # premium rate
        ("+44 56 1234 5678", None),  # VoIP
        ("+44 76 4012 3456", None),  # pager
        ("+44 70 1234 5678", None),  # personal number
        ("+1 415 555 01", None),  # too short to be valid
        ("(415) 555-0100", None),  # national number, no region to read it with
        ("(415) 555-0100", "ZZ"),  # unknown region
        ("not a number", "US"),
        ("", "US"),
        ("   ", "US"),
        (None, "US"),
    ],
)
def test_valid_mobile_e164_rejects_other_numbers_f4(number: str | None, region: str | None) -> None:
    """F-4: fixed-line, toll-free, VoIP, pager, premium, unparsable and empty give None."""
    assert valid_mobile_e164(number, region) is None


@pytest.mark.parametrize(
    "written", ["+1 415-555-0100", "(415) 555-0100", "415.555.0100", "1 415 555 0100"]
)
def test_valid_mobile_e164_writes_one_number_one_way_f4(written: str) -> None:
    """F-4: `+1 415-555-0100` and `(415) 555-0100` in region US are one number."""
    assert valid_mobile_e164(written, "US") == valid_mobile_e164("+1 415-555-0100", "US")
    assert valid_mobile_e164(written, "US") == "+14155550100"


@given(st.sampled_from(EXAMPLES), st.sampled_from(_STYLES))
def test_valid_mobile_e164_does_not_depend_on_the_writing_f4(
    case: tuple[str, int, PhoneNumber], style: int
) -> None:
    """F-4: every writing of a number gives the same answer: its E.164 form or None;
    the library's mobile examples are valid, its toll-free, premium, VoIP and pager
    examples are not."""
    region, number_type, number = case
    result = valid_mobile_e164(_written(number, style), region)
    assert result == valid_mobile_e164(_e164(number), None)
    assert result in (None, _e164(number))
    if number_type == PhoneNumberType.MOBILE:
        assert result == _e164(number)
    if number_type in _NOT_MOBILE:
        assert result is None


# --- one number --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("+1 415-555-0100", None, "+1*******00"),
        ("+14155550100", None, "+1*******00"),
        ("(415) 555-0100", "US", "+1*******00"),
        ("+44 7400 123456", None, "+44*******56"),
        ("+39 06 1234 5678", None, "+39*******78"),  # Italian leading zero kept in place
        ("+1 415 555 0100 ext. 4567", None, "+1*******00"),  # the extension is not shown
        ("(415) 555-0100", None, "*******00"),  # not parsable: last two digits only
        ("415/555/0100", None, "*******00"),
        ("no digits", None, "*******"),
        ("12", None, "*******"),  # never the whole of a short run
        ("+1 23", None, "+1*******"),  # nor the whole of a two-digit subscriber part
        ("+683 7012", None, "+683*******12"),  # a four-digit subscriber part
    ],
)
def test_mask_number_keeps_country_code_and_last_two_digits_x7(
    number: str, region: str | None, expected: str
) -> None:
    """X-7: masked numbers keep the country code and the last two digits (`+1*******00`)."""
    assert mask_number(number, default_region=region) == expected


@given(st.sampled_from(EXAMPLES), st.sampled_from(_STYLES))
def test_mask_number_hides_all_but_two_digits_of_valid_numbers_x7(
    case: tuple[str, int, PhoneNumber], style: int
) -> None:
    """X-7: for any valid number in any writing: `+<cc>*******<last two>`, nothing more."""
    region, _, number = case
    masked = mask_number(_written(number, style), default_region=region)
    national = _national(number)
    assert masked == f"+{number.country_code}*******{national[-2:]}"
    assert national not in re.sub(r"\D", "", masked)


_SEPARATOR = st.sampled_from(["", " ", "-", ".", " - ", "/"])


@st.composite
def _digit_runs(draw: st.DrawFn) -> tuple[str, str]:
    """Random digits (7 to 15) written in groups, maybe with + or parentheses."""
    digits = draw(st.text("0123456789", min_size=7, max_size=15))
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    separator = draw(_SEPARATOR)
    written = separator.join(groups)
    if draw(st.booleans()) and len(groups) > 1:
        written = f"({groups[0]}) {separator.join(groups[1:])}"
    prefix = draw(st.sampled_from(["", "+", "00"]))
    return prefix + written, (("00" if prefix == "00" else "") + digits)


@given(_digit_runs(), st.sampled_from([None, "US", "GB", "DE", "IN"]))
@example(("+1 415 555 0100", "14155550100"), None)
@example(("1234567", "1234567"), None)
def test_mask_number_never_shows_more_than_two_subscriber_digits_x7(
    run: tuple[str, str], region: str | None
) -> None:
    """X-7: any digit run, parsable or not, keeps at most a country code and two digits."""
    written, digits = run
    masked = mask_number(written, default_region=region)
    shown = re.sub(r"\D", "", masked)
    assert digits not in shown
    assert masked.count("*") == 7
    assert len(masked.split("*******")[1]) <= 2


# --- free text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("user 7 has +44 7400 123456", None, "user 7 has +44*******56"),
        ("send to (415) 555-0100 failed", "US", "send to +1*******00 failed"),
        ("send to (415) 555-0100 failed", None, "send to *******00 failed"),
        ("tel:+1-415-555-0100.", None, "tel:+1*******00."),
        ("+1 415 555 0100/+44 7400 123456", None, "+1*******00/+44*******56"),
        ("id 4155550100123 ok", None, "id *******23 ok"),
        ("ref 1234567 and 123456", None, "ref *******67 and 123456"),  # 7+ digits only
        # the matcher reads "x, 020" as an extension; the digit run goes on: one mask
        ("call +44 7400 123456x, 020 7946 0018 now", None, "call *******18 now"),
        ("call 40123 now", "AC", "call +247*******23 now"),  # short national number
        ("unit 8999 of", "NU", "unit +683*******99 of"),  # possible, though not valid
        # timestamps stay readable, also where the matcher would read a number in them
        ("at 2026-05-04T07:00:00.123456+02:00 ok", "GB", "at 2026-05-04T07:00:00.123456+02:00 ok"),
        ("(2026-05-04), 3 rows", "DE", "(2026-05-04), 3 rows"),
        ("line 12: field 'segments' got 7", None, "line 12: field 'segments' got 7"),
        # a date that runs on into more digits is masked like any digit run
        ("2026-05-04 12345678", None, "*******78"),
    ],
)
def test_mask_numbers_in_text_examples_x7(text: str, region: str | None, expected: str) -> None:
    """X-7: numbers in messages are masked; the rest of the message stays as it was."""
    assert mask_numbers_in_text(text, default_region=region) == expected


_WORDS = st.sampled_from(["call", "or", "failed for user", "then", "Recipient", "on"])


@st.composite
def _texts_with_numbers(draw: st.DrawFn) -> tuple[str, str | None, list[str]]:
    """A message with 1 to 4 example numbers, each written in one of several styles, and
    the campaign region (none, or the region of one of the numbers)."""
    cases = draw(
        st.lists(
            st.one_of(st.sampled_from(EXAMPLES), st.sampled_from(SHORT_EXAMPLES)),
            min_size=1,
            max_size=4,
        )
    )
    region = draw(st.sampled_from([None, cases[0][0], cases[-1][0]]))
    parts = [draw(_WORDS)]
    nationals = []
    for number_region, _, number in cases:
        styles = list(_STYLES)
        if number_region != region:
            # A national writing is only a number in its own region.
            styles.remove(PhoneNumberFormat.NATIONAL)
        parts.append(_written(number, draw(st.sampled_from(styles))))
        parts.append(draw(_WORDS))
        nationals.append(_national(number))
    punctuation = draw(st.sampled_from([" ", ", ", " (", ": "]))
    return punctuation.join(parts), region, nationals


@given(_texts_with_numbers())
@example(("call +1 415-555-0100 or", None, ["4155550100"]))
@example(("call (415) 555-0100 or", "US", ["4155550100"]))
@example(("call 0201 2345678 or", "DE", ["2012345678"]))
def test_mask_numbers_in_text_leaves_no_national_digits_x7(
    case: tuple[str, str | None, list[str]],
) -> None:
    """X-7: no number written in a message survives masking, whatever its writing."""
    text, region, nationals = case
    masked = mask_numbers_in_text(text, default_region=region)
    # Separators removed, so a number cannot hide behind spaces or dashes.
    compact = re.sub(r"[\s\-./():,;]", "", masked)
    for national in nationals:
        assert national not in compact, (text, masked)


_area = st.integers(0, 999).map(lambda n: f"{n:03d}")
_rest = st.integers(0, 9_999_999).map(lambda n: f"{n:07d}")
_sep = st.sampled_from(["", " ", "-", ".", "  "])


@st.composite
def _nanpa_texts(draw: st.DrawFn) -> str:
    area, rest = draw(_area), draw(_rest)
    s1, s2 = draw(_sep), draw(_sep)
    body = draw(
        st.sampled_from(
            [
                f"{area}{s1}{rest[:3]}{s2}{rest[3:]}",
                f"({area}){s1}{rest[:3]}{s2}{rest[3:]}",
                f"{area}{rest}",
            ]
        )
    )
    prefix = draw(st.sampled_from(["", "+1 ", "+1", "1 ", "1-", "+ 1 ", "+1 (", "01 "]))
    return prefix + body + draw(st.sampled_from(["", " ", "0", " x12"]))


@given(_nanpa_texts(), st.sampled_from(["US", "CA", "JM", None, "GB"]))
@settings(max_examples=400)
def test_fast_nanpa_path_equals_the_library(text: str, region: str | None) -> None:
    """F-4: the fast path for +1 numbers gives exactly the library's answer."""
    from campaign_metrics.phone import _library_mobile_e164, _mobile_e164

    assert _mobile_e164(text, region) == _library_mobile_e164(text, region)


_REGIONS_FOR_TYPES = ["US", "CA", "JM", "PR", "GB", "DE", "FR", "IN", "BR", "AU", "MX", "NG"]


@given(
    st.sampled_from(_REGIONS_FOR_TYPES),
    st.integers(4, 13),
    st.integers(0, 10**13 - 1),
    st.sampled_from(["", "1", "2", "3", "4", "5", "6", "7", "8", "9"]),
)
@example("BR", 11, 137_000_000_000, "")  # the text's leading 0 is not the parsed number's
@settings(max_examples=1500)
def test_one_regex_number_type_equals_the_chain_of_checks(
    region: str, length: int, value: int, lead: str
) -> None:
    """F-4: the one-regex typer gives the library's number type on numbers of any length."""
    import phonenumbers

    from campaign_metrics.phone import _compiled, _typer

    nsn = (lead + f"{value:013d}")[:length]
    expected = _compiled(region).number_type(nsn)
    assert _typer(region, len(nsn)).number_type(nsn) == expected
    code = phonenumbers.country_code_for_region(region)
    parsed = phonenumbers.parse(f"+{code}{nsn}", None)
    # a leading 0 of the text is not part of the parsed number: compare only the same digits
    same_digits = phonenumbers.national_significant_number(parsed) == nsn
    if same_digits and phonenumbers.region_code_for_number(parsed) == region:
        assert phonenumbers.number_type(parsed) == expected


@given(st.integers(2_000_000_000, 9_999_999_999), st.sampled_from(["", "800", "900", "52", "87"]))
@settings(max_examples=1500)
def test_fast_nanpa_type_equals_the_reference(value: int, prefix: str) -> None:
    """F-4: the +1 typing by one regex per region equals the check-by-check reference."""
    from campaign_metrics.phone import _nanpa_type, _nanpa_type_reference

    nsn = (prefix + str(value))[:10]
    assert _nanpa_type(nsn) == _nanpa_type_reference(nsn)


@given(_nanpa_texts(), st.sampled_from(["US", "us", " CA ", "JM", None, "GB", ""]))
@settings(max_examples=300)
def test_checker_equals_valid_mobile_e164(text: str, region: str | None) -> None:
    from campaign_metrics.phone import mobile_e164_checker, valid_mobile_e164

    assert mobile_e164_checker(region)(text) == valid_mobile_e164(text, region)


def _nanpa_national_reference(number: str, region: str | None) -> str | None:
    """The +1 reading by the general patterns alone (no plain-writing shortcut)."""
    from campaign_metrics.phone import (
        _NANPA_NATIONAL,
        _NANPA_PLUS,
        _NANPA_REGIONS,
        _NON_DIGITS,
    )

    if not number.isascii():
        return None  # other scripts' digits: the library reads them
    if _NANPA_PLUS.fullmatch(number):
        digits = _NON_DIGITS.sub("", number)[1:]
    elif region in _NANPA_REGIONS and _NANPA_NATIONAL.fullmatch(number):
        digits = _NON_DIGITS.sub("", number)
        if len(digits) == 11:
            digits = digits[1:]
    else:
        return None
    if len(digits) != 10 or digits[0] in "01":
        return None
    return digits


_odd = st.text(alphabet="0123456789+1 -.()\u00a0\u0663x", max_size=18)


@given(st.one_of(_nanpa_texts(), _odd), st.sampled_from(["US", "CA", None, "GB"]))
@settings(max_examples=600)
def test_plain_writings_read_as_the_general_patterns(text: str, region: str | None) -> None:
    """F-4: the shortcut for plainly written +1 numbers reads what the patterns read."""
    from campaign_metrics.phone import _nanpa_national

    assert _nanpa_national(text, region) == _nanpa_national_reference(text, region)


@st.composite
def _other_script_numbers(draw: st.DrawFn) -> str:
    """A +1 number with one digit written in Arabic-Indic digits (U+0660..U+0669)."""
    digits = str(draw(st.integers(2_000_000_000, 9_999_999_999)))
    i = draw(st.integers(0, 9))
    digits = digits[:i] + chr(0x0660 + int(digits[i])) + digits[i + 1 :]
    template = draw(st.sampled_from(["+1 {}", "{}", "1 {}", "+1{}"]))
    return template.format(digits)


@given(
    st.one_of(_nanpa_texts(), _odd, _other_script_numbers()),
    st.sampled_from(["US", "CA", None, "GB"]),
)
@settings(max_examples=600)
def test_f4_valid_mobile_e164_equals_the_library_for_any_digits(
    text: str, region: str | None
) -> None:
    """F-4: the fast +1 path gives the library's own E.164 form, also for numbers written
    with other scripts' digits or spaces (the library reads them as ASCII)."""
    from campaign_metrics.phone import _library_mobile_e164, _region, valid_mobile_e164

    expected = _library_mobile_e164(text, _region(region)) if text.strip() else None
    assert valid_mobile_e164(text, region) == expected


def test_f4_other_scripts_digits_give_the_ascii_e164_form() -> None:
    """F-4: duplicates are found on the E.164 form, whatever digits the number used."""
    from campaign_metrics.phone import valid_mobile_e164

    plain = valid_mobile_e164("+1 (201) 230-0000", "US")
    assert plain is not None
    assert valid_mobile_e164("+1 2012\u066300000", "US") == plain
    assert valid_mobile_e164("(201) 2\u06630-0000", "US") == plain
