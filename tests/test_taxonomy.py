"""The error taxonomy (X-4, ERRORS.md): every row of its tables, the prefix rules, and laws.

Expected values are written out here from ERRORS.md, not read from the module's data, so
a wrong row in ``taxonomy.py`` fails a test.
"""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from campaign_metrics.taxonomy import (
    TAXONOMY_VERSION,
    ErrorCategory,
    ErrorClass,
    classify_error,
    classify_failure,
    failure_reason,
    normalize_code,
)

# ERRORS.md, table "Categories": category -> transient.
CATEGORIES: dict[str, bool] = {
    "unknown_number": False,
    "non_sms_line_type": False,
    "unreachable": True,
    "opted_out": False,
    "blocked": False,
    "carrier_filtered": False,
    "content_rejected": False,
    "sender_not_allowed": False,
    "rate_limited": True,
    "expired_validity": True,
    "network_error": True,
    "provider_error": True,
    "invalid_request": False,
    "unknown": True,
}

Row = tuple[str, str, bool]  # (code as written, category, transient)


def _rows(codes: str, category: str, transient: bool | None = None) -> list[Row]:
    """Rows for the comma-separated ``codes``; transient defaults to the category's."""
    flag = CATEGORIES[category] if transient is None else transient
    return [(code.strip(), category, flag) for code in codes.split(",")]


TWILIO: list[Row] = [
    *_rows("twilio:30001", "rate_limited"),
    *_rows("twilio:30002", "sender_not_allowed"),
    *_rows("twilio:30003", "unreachable"),
    *_rows("twilio:30004", "blocked"),
    *_rows("twilio:30005", "unknown_number"),
    *_rows("twilio:30006", "non_sms_line_type"),
    *_rows("twilio:30007", "carrier_filtered"),
    *_rows("twilio:30008", "unknown"),
    *_rows("twilio:30010", "sender_not_allowed"),
    *_rows("twilio:30011", "non_sms_line_type"),
    *_rows("twilio:30017", "network_error"),
    *_rows("twilio:30018", "sender_not_allowed"),
    *_rows("twilio:30019", "content_rejected"),
    *_rows("twilio:30022, twilio:30023, twilio:30027", "rate_limited"),
    *_rows("twilio:30024, twilio:30032, twilio:30033, twilio:30034", "sender_not_allowed"),
    *_rows("twilio:30035", "sender_not_allowed", transient=True),
    *_rows("twilio:30500", "provider_error"),
    *_rows("twilio:21211", "unknown_number"),
    *_rows("twilio:21408, twilio:21606, twilio:21612", "sender_not_allowed"),
    *_rows("twilio:21610", "opted_out"),
    *_rows("twilio:21611, twilio:20429, twilio:14107, twilio:63038", "rate_limited"),
    *_rows("twilio:21614, twilio:21635", "non_sms_line_type"),
    *_rows("twilio:21617", "content_rejected"),
]

SMPP_STAT: list[Row] = [
    *_rows("smpp:EXPIRED", "expired_validity"),
    *_rows("smpp:DELETED", "unknown", transient=False),
    *_rows("smpp:UNDELIV", "unknown", transient=False),
    *_rows("smpp:REJECTD, smpp:SKIPPED", "carrier_filtered"),
    *_rows("smpp:UNKNOWN", "unknown"),
    *_rows("smpp:DELIVRD, smpp:ENROUTE, smpp:SCHEDULED, smpp:ACCEPTD", "unknown"),
]

SMPP_STATUS: list[Row] = [
    *_rows("smpp:0x01", "content_rejected"),
    *_rows("smpp:0x08, smpp:0x45, smpp:0x64", "provider_error"),
    *_rows("smpp:0x0A", "sender_not_allowed"),
    *_rows("smpp:0x0B", "unknown_number"),
    *_rows("smpp:0x14, smpp:0x58", "rate_limited"),
    # 0x48–0x51, written out: 0x48 … 0x4F, 0x50, 0x51.
    *_rows(
        "smpp:0x48, smpp:0x49, smpp:0x4A, smpp:0x4B, smpp:0x4C, smpp:0x4D, smpp:0x4E,"
        " smpp:0x4F, smpp:0x50, smpp:0x51, smpp:0x61, smpp:0x62",
        "invalid_request",
    ),
    *_rows("smpp:0x65", "unknown", transient=False),
    *_rows("smpp:0x66", "carrier_filtered"),
    *_rows("smpp:0xFE, smpp:0xFF", "unknown"),
]

GSM: list[Row] = [
    *_rows("gsm:001, gsm:011, gsm:002", "unreachable"),
    *_rows("gsm:003, gsm:012", "network_error"),
    *_rows("gsm:004, gsm:007, gsm:010", "non_sms_line_type"),
    *_rows("gsm:005", "unknown_number"),
    *_rows("gsm:006, gsm:008, gsm:009", "blocked"),
]

HTTP: list[Row] = [
    *_rows(
        "http_400, http_404, http_405, http_409, http_413, http_415, http_422", "invalid_request"
    ),
    *_rows("http_401, http_402, http_403", "sender_not_allowed"),
    *_rows("http_408, http_429", "rate_limited"),
    # 5xx: every code of the hundred.
    *[(f"http_{code}", "provider_error", True) for code in range(500, 600)],
]

DOTDIGITAL: list[Row] = [
    *_rows("dotdigital:incorrect number, dotdigital:number no longer active", "unknown_number"),
    *_rows("dotdigital:device accepts only known senders", "blocked"),
    *_rows("dotdigital:inbox full", "unreachable"),
]

ALL_ROWS = TWILIO + SMPP_STAT + SMPP_STATUS + GSM + HTTP + DOTDIGITAL


def _check(code: str, category: str, transient: bool) -> None:
    assert classify_error(code) == ErrorClass(ErrorCategory(category), transient)


# --- the tables of ERRORS.md, one test per block ---------------------------------------


def test_categories_are_the_fourteen_of_the_table_with_their_transient_flag() -> None:
    """X-4, O-1: the categories table — names and transient flags."""
    assert {c.value: c.transient_by_default for c in ErrorCategory} == CATEGORIES
    assert str(ErrorCategory.OPTED_OUT) == "opted_out"


@pytest.mark.parametrize(("code", "category", "transient"), TWILIO)
def test_twilio_codes_map_as_in_the_table(code: str, category: str, transient: bool) -> None:
    """X-4, O-1/O-2: twilio rows (30035 transient, 21610 opted_out)."""
    _check(code, category, transient)


@pytest.mark.parametrize(("code", "category", "transient"), SMPP_STAT)
def test_smpp_stat_states_map_as_in_the_table(code: str, category: str, transient: bool) -> None:
    """X-4, O-1: smpp stat rows; DELETED and UNDELIV are unknown but permanent."""
    _check(code, category, transient)


@pytest.mark.parametrize(("code", "category", "transient"), SMPP_STATUS)
def test_smpp_status_codes_map_as_in_the_table(code: str, category: str, transient: bool) -> None:
    """X-4, O-1: smpp command_status rows, the whole 0x48–0x51 range, 0x65 permanent."""
    _check(code, category, transient)


@pytest.mark.parametrize(("code", "category", "transient"), GSM)
def test_gsm_errors_map_as_in_the_table(code: str, category: str, transient: bool) -> None:
    """X-4, O-1: gsm err rows."""
    _check(code, category, transient)


@pytest.mark.parametrize(("code", "category", "transient"), HTTP)
def test_http_codes_map_as_in_the_table(code: str, category: str, transient: bool) -> None:
    """X-4, O-1: http (connector) rows, any 5xx a provider_error."""
    _check(code, category, transient)


@pytest.mark.parametrize(("code", "category", "transient"), DOTDIGITAL)
def test_dotdigital_reasons_map_as_in_the_table(code: str, category: str, transient: bool) -> None:
    """X-4, O-1: dotdigital reason rows, as codes and as reason text without a code."""
    _check(code, category, transient)
    phrase = code.removeprefix("dotdigital:")
    expected = ErrorClass(ErrorCategory(category), transient)
    assert classify_failure(None, phrase) == expected
    assert classify_failure(None, f"  {phrase.upper()} ") == expected


def test_written_rows_are_already_in_normal_form() -> None:
    """X-4: the codes as ERRORS.md writes them are their own normal form."""
    assert [normalize_code(code) for code, _, _ in ALL_ROWS] == [code for code, _, _ in ALL_ROWS]


@pytest.mark.parametrize(
    "code",
    ["http_200", "http_302", "http_418", "http_499", "http_600", "http_5000", "http_50"],
)
def test_http_codes_outside_the_table_are_unknown(code: str) -> None:
    """X-4: only the listed 4xx and the 5xx are mapped."""
    assert classify_error(code) == ErrorClass(ErrorCategory.UNKNOWN, transient=True)


# --- the prefix rules for bare codes ---------------------------------------------------


@pytest.mark.parametrize(
    ("bare", "prefixed"),
    [
        ("30007", "twilio:30007"),
        ("21610", "twilio:21610"),
        ("99999", "twilio:99999"),
        ("005", "gsm:005"),
        ("011", "gsm:011"),
        ("000", "gsm:000"),
        ("503", "http_503"),
        ("429", "http_429"),
        ("100", "http_100"),
        ("EXPIRED", "smpp:EXPIRED"),
        ("expired", "smpp:EXPIRED"),
        ("Scheduled", "smpp:SCHEDULED"),
        ("0x58", "smpp:0x58"),
        ("0X58", "smpp:0x58"),
        ("0x0a", "smpp:0x0A"),
        ("0xa", "smpp:0x0A"),
        ("0x00000058", "smpp:0x58"),
        ("0x1FF", "smpp:0x1FF"),
        (" 30007 ", "twilio:30007"),
        ("\t005\n", "gsm:005"),
    ],
)
def test_bare_codes_take_their_prefix(bare: str, prefixed: str) -> None:
    """X-4: five digits → twilio, 0dd → gsm, other ddd → http, state name or 0x → smpp."""
    assert normalize_code(bare) == prefixed
    assert classify_error(bare) == classify_error(prefixed)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("twilio:30007", "twilio:30007"),
        ("TWILIO:30007", "twilio:30007"),
        ("twilio: 30007", "twilio:30007"),
        ("smpp:EXPIRED", "smpp:EXPIRED"),
        ("smpp:expired", "smpp:EXPIRED"),
        ("SMPP:0X58", "smpp:0x58"),
        ("smpp:0x0000000b", "smpp:0x0B"),
        ("gsm:005", "gsm:005"),
        ("gsm:5", "gsm:005"),
        ("GSM:05", "gsm:005"),
        ("http_503", "http_503"),
        ("HTTP_503", "http_503"),
        ("dotdigital:inbox full", "dotdigital:inbox full"),
        ("Dotdigital:Inbox   FULL", "dotdigital:inbox full"),
        # A prefixed code keeps its source even when the body is unknown to it.
        ("twilio:005", "twilio:005"),
        ("smpp:30007", "smpp:30007"),
    ],
)
def test_prefixed_codes_keep_their_source(written: str, normal: str) -> None:
    """X-4: a code written with its source stays with that source, in normal spelling."""
    assert normalize_code(written) == normal


def test_a_prefixed_code_is_read_with_its_own_source() -> None:
    """X-4: `twilio:005` is no GSM code and `gsm:30007` no Twilio code."""
    assert classify_error("005").category is ErrorCategory.UNKNOWN_NUMBER
    assert classify_error("twilio:005") == ErrorClass(ErrorCategory.UNKNOWN, transient=True)
    assert classify_error("gsm:30007") == ErrorClass(ErrorCategory.UNKNOWN, transient=True)


# --- unknown codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "E42",
        "1234",
        "123456",
        "12",
        "0x",
        "0xZZ",
        "EXPIRE",
        "twilio:",
        "twilio:99999",
        "smpp:0x02",
        "smpp:FOO",
        "gsm:013",
        "dotdigital:mailbox full",
        "vendor:30007",
        "",
        "   ",
        "٣٠٠٠٧",  # Arabic-Indic digits are no Twilio code
        "ſkipped",  # a look-alike of SKIPPED
    ],
)
def test_unknown_codes_are_unknown_and_transient(code: str) -> None:
    """X-4, O-1: a code the mapping does not know is `unknown`, transient."""
    assert classify_error(code) == ErrorClass(ErrorCategory.UNKNOWN, transient=True)


@pytest.mark.parametrize("code", ["E42", "1234", "vendor:30007", "Some Text", "ſkipped"])
def test_unknown_codes_keep_their_text(code: str) -> None:
    """X-4: anything else stays as given (surrounding whitespace aside)."""
    assert normalize_code(code) == code
    assert normalize_code(f" {code}\n") == code


# --- classify_failure: a code decides, the reason only without one ----------------------


def test_the_code_decides_over_the_reason() -> None:
    """X-4: with an error_code the reason text is not read."""
    assert classify_failure("30007", "inbox full").category is ErrorCategory.CARRIER_FILTERED
    assert classify_failure("E42", "inbox full") == ErrorClass(ErrorCategory.UNKNOWN, True)
    assert classify_failure("21610", None).category is ErrorCategory.OPTED_OUT


@pytest.mark.parametrize("code", [None, "", "  "])
def test_the_reason_is_matched_only_without_a_code(code: str | None) -> None:
    """X-4, O-1: without a code (absent or blank) the Dotdigital phrase decides."""
    assert classify_failure(code, "Inbox full") == ErrorClass(ErrorCategory.UNREACHABLE, True)
    assert classify_failure(code, "INCORRECT  NUMBER") == ErrorClass(
        ErrorCategory.UNKNOWN_NUMBER, False
    )


@pytest.mark.parametrize(
    "reason",
    [None, "", "inbox", "the inbox full", "inbox full now", "some reason", "twilio:30007"],
)
def test_other_reasons_without_a_code_are_unknown(reason: str | None) -> None:
    """X-4: a reason that is not a whole Dotdigital phrase (or no reason) is unknown."""
    assert classify_failure(None, reason) == ErrorClass(ErrorCategory.UNKNOWN, True)


# --- failure_reason: the report row's reason ------------------------------------------


@pytest.mark.parametrize(
    ("error_code", "reason", "fallback", "expected"),
    [
        ("30007", "Filtered", "delivery_failed", "twilio:30007"),
        ("twilio:30007", None, "delivery_failed", "twilio:30007"),
        ("expired", "Expired", "soft_bounce", "smpp:EXPIRED"),
        ("503", None, "send_failed", "http_503"),
        ("E42", "whatever", "delivery_failed", "E42"),
        (None, "Inbox full", "hard_bounce", "Inbox full"),
        ("", " Inbox full ", "hard_bounce", "Inbox full"),
        (None, None, "delivery_failed", "delivery_failed"),
        ("  ", "", "deleted", "deleted"),
    ],
)
def test_failure_reason_is_code_else_reason_else_type(
    error_code: str | None, reason: str | None, fallback: str, expected: str
) -> None:
    """X-4, E-3: the prefixed code, else the reason text, else the event type."""
    assert failure_reason(error_code, reason, fallback) == expected


# --- the version and the value type ---------------------------------------------------


def test_taxonomy_version_is_present() -> None:
    """X-4: the mapping is versioned data; the version is a dotted string."""
    assert re.fullmatch(r"[0-9]{4}\.[0-9]{1,2}\.[0-9]+", TAXONOMY_VERSION)


def test_error_class_is_frozen_and_validated() -> None:
    """X-4: an ErrorClass cannot be changed or built from wrong types."""
    cls = classify_error("30003")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cls.transient = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        ErrorClass("unreachable", True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ErrorClass(ErrorCategory.UNREACHABLE, 1)  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------

_KNOWN = [code for code, _, _ in ALL_ROWS]


def _respell(code: str, flips: list[bool], pad: tuple[str, str]) -> str:
    """The code with the case of some letters flipped and whitespace around it."""
    flipped = (ch.swapcase() if i < len(flips) and flips[i] else ch for i, ch in enumerate(code))
    return pad[0] + "".join(flipped) + pad[1]


_padding = st.tuples(*[st.sampled_from(["", " ", "\t", "  \n"])] * 2)

code_like = st.one_of(
    st.text(),
    st.sampled_from(_KNOWN),
    st.builds(_respell, st.sampled_from(_KNOWN), st.lists(st.booleans()), _padding),
    st.from_regex(r"\A\s*[0-9]{3,5}\s*\Z"),
    st.from_regex(r"\A\s*0[xX][0-9a-fA-F]{1,10}\s*\Z"),
    st.builds(
        "{}{}".format,
        st.sampled_from(["twilio:", "SMPP:", "gsm:", "Dotdigital:", "HTTP_", "smpp: ", "x:"]),
        st.text(),
    ),
)


@given(code_like)
@example("")
@example("smpp:ß")
@example("dotdigital:\x1f")
def test_classify_error_never_raises_and_returns_a_category(code: str) -> None:
    """X-4: any text classifies into one of the 14 categories with a bool flag."""
    cls = classify_error(code)
    assert isinstance(cls.category, ErrorCategory)
    assert isinstance(cls.transient, bool)


@given(code_like)
@example("0x0")
@example("gsm:5")
@example("smpp:İ")
def test_normalize_code_is_idempotent(code: str) -> None:
    """X-4: the normal form is its own normal form."""
    once = normalize_code(code)
    assert normalize_code(once) == once


@given(code_like)
def test_a_code_classifies_as_its_normal_form(code: str) -> None:
    """X-4: classification of a code equals classification of its normalised form."""
    assert classify_error(code) == classify_error(normalize_code(code))


@given(st.sampled_from(ALL_ROWS), st.lists(st.booleans()), _padding)
def test_respelled_codes_keep_their_class(
    row: Row, flips: list[bool], pad: tuple[str, str]
) -> None:
    """X-4, O-1: case and surrounding whitespace never change a known code's class.

    The Dotdigital phrases and SMPP state names compare without case; the other bodies
    are digits or hex, so a flipped letter is a spelling of the same code.
    """
    code, category, transient = row
    _check(_respell(code, flips, pad), category, transient)


@given(st.sampled_from(ALL_ROWS))
def test_bare_known_codes_classify_as_their_prefixed_form(row: Row) -> None:
    """X-4: the bare twilio / gsm / http / smpp codes are read with the right prefix."""
    code, category, transient = row
    if code.startswith("dotdigital:"):
        return  # a bare phrase is no code; reasons are matched by classify_failure
    bare = code.split(":", 1)[1] if ":" in code else code.removeprefix("http_")
    _check(bare, category, transient)
