"""The normalised error taxonomy (X-4, ERRORS.md), kept as versioned data.

Providers report failures in their own codes. Every code the library knows maps to one
:class:`ErrorCategory` and a *transient* flag ("could the same message, sent again
unchanged later, succeed?"); unknown codes map to ``unknown``, transient. The mapping is
data in this module only, and :data:`TAXONOMY_VERSION` names it, so a report can say in
``parameters.versions`` which mapping it used.

A code is written with its source: ``twilio:30007``, ``smpp:EXPIRED``, ``smpp:0x58``,
``gsm:005``, ``http_503``, ``dotdigital:inbox full``. :func:`normalize_code` brings a
written code to that form; :func:`classify_error` and :func:`classify_failure` classify;
:func:`failure_reason` gives the reason of an E-1 / E-3 report row.

Normalisation of spelling (applied by :func:`normalize_code`, so by every function here):

- surrounding whitespace is never part of a code; a code that is empty after stripping
  counts as *no code*;
- prefixes are matched case-insensitively and written in lower case (``TWILIO:30007``
  is ``twilio:30007``, ``HTTP_503`` is ``http_503``); whitespace after the prefix is
  dropped (``twilio: 30007``);
- SMPP state names are upper case, ASCII letters only (``smpp:expired`` is
  ``smpp:EXPIRED``, and a bare ``expired`` is an SMPP state name too); SMPP ``0x`` hex
  is written ``0x`` + upper-case digits, at least two, without further leading zeros
  (``0X58`` and ``0x00000058`` are ``0x58``; ``0xa`` is ``0x0A``), since the SMPP
  specification writes command_status values in eight digits;
- GSM error numbers have three digits (``gsm:5`` is ``gsm:005``);
- Dotdigital reasons are lower case with single spaces (``dotdigital:Inbox  Full`` is
  ``dotdigital:inbox full``);
- anything else keeps its text, stripped, and maps to ``unknown``.

Callers test for an opt-out with ``error_class.category is ErrorCategory.OPTED_OUT``
(O-2: one such failure suppresses the contact at once); there is no separate helper.

>>> classify_error("30007")
ErrorClass(category=<ErrorCategory.CARRIER_FILTERED: 'carrier_filtered'>, transient=False)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

__all__ = [
    "TAXONOMY_VERSION",
    "ErrorCategory",
    "ErrorClass",
    "classify_error",
    "classify_failure",
    "failure_reason",
    "normalize_code",
]

TAXONOMY_VERSION = "2026.11.1"
"""The version of the mapping below; change it with every change to the data.

>>> TAXONOMY_VERSION
'2026.11.1'
"""


class ErrorCategory(str, enum.Enum):
    """The 14 normalised error categories of ERRORS.md; the value is the report's name.

    >>> ErrorCategory("opted_out") is ErrorCategory.OPTED_OUT
    True
    >>> ErrorCategory.RATE_LIMITED.transient_by_default
    True
    """

    UNKNOWN_NUMBER = "unknown_number"
    NON_SMS_LINE_TYPE = "non_sms_line_type"
    UNREACHABLE = "unreachable"
    OPTED_OUT = "opted_out"
    BLOCKED = "blocked"
    CARRIER_FILTERED = "carrier_filtered"
    CONTENT_REJECTED = "content_rejected"
    SENDER_NOT_ALLOWED = "sender_not_allowed"
    RATE_LIMITED = "rate_limited"
    EXPIRED_VALIDITY = "expired_validity"
    NETWORK_ERROR = "network_error"
    PROVIDER_ERROR = "provider_error"
    INVALID_REQUEST = "invalid_request"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def transient_by_default(self) -> bool:
        """The category's transient flag in ERRORS.md's categories table.

        A mapping row may override it (``twilio:30035``, the "unknown (permanent)" rows).

        >>> ErrorCategory.OPTED_OUT.transient_by_default
        False
        """
        return self in _TRANSIENT_CATEGORIES


_TRANSIENT_CATEGORIES = frozenset(
    {
        ErrorCategory.UNREACHABLE,
        ErrorCategory.RATE_LIMITED,
        ErrorCategory.EXPIRED_VALIDITY,
        ErrorCategory.NETWORK_ERROR,
        ErrorCategory.PROVIDER_ERROR,
        ErrorCategory.UNKNOWN,
    }
)


@attrs.frozen(slots=True)
class ErrorClass:
    """The classification of one failure: its category and whether it is transient.

    O-1 reads ``transient`` to tell a soft from a hard bounce; O-2 reads
    ``category is ErrorCategory.OPTED_OUT``.

    >>> ErrorClass(ErrorCategory.UNREACHABLE, transient=True).transient
    True
    """

    category: ErrorCategory = attrs.field(validator=attrs.validators.instance_of(ErrorCategory))
    transient: bool = attrs.field(validator=attrs.validators.instance_of(bool))


_UNKNOWN = ErrorClass(ErrorCategory.UNKNOWN, transient=True)


# ---------------------------------------------------------------------------------------
# The data: ERRORS.md's mapping table, row by row. Codes are written in normal form.
# A row's transient flag is the category's unless the row names one.
# ---------------------------------------------------------------------------------------
_C = ErrorCategory

_ROWS: tuple[tuple[tuple[str, ...], ErrorCategory, bool | None], ...] = (
    # twilio
    (("twilio:30001",), _C.RATE_LIMITED, None),
    (("twilio:30002",), _C.SENDER_NOT_ALLOWED, None),
    (("twilio:30003",), _C.UNREACHABLE, None),
    (("twilio:30004",), _C.BLOCKED, None),
    (("twilio:30005",), _C.UNKNOWN_NUMBER, None),
    (("twilio:30006",), _C.NON_SMS_LINE_TYPE, None),
    (("twilio:30007",), _C.CARRIER_FILTERED, None),
    (("twilio:30008",), _C.UNKNOWN, None),
    (("twilio:30010",), _C.SENDER_NOT_ALLOWED, None),
    (("twilio:30011",), _C.NON_SMS_LINE_TYPE, None),
    (("twilio:30017",), _C.NETWORK_ERROR, None),
    (("twilio:30018",), _C.SENDER_NOT_ALLOWED, None),
    (("twilio:30019",), _C.CONTENT_REJECTED, None),
    (("twilio:30022", "twilio:30023", "twilio:30027"), _C.RATE_LIMITED, None),
    (
        ("twilio:30024", "twilio:30032", "twilio:30033", "twilio:30034"),
        _C.SENDER_NOT_ALLOWED,
        None,
    ),
    # The number is still being configured: the same message will go through later.
    (("twilio:30035",), _C.SENDER_NOT_ALLOWED, True),
    (("twilio:30500",), _C.PROVIDER_ERROR, None),
    (("twilio:21211",), _C.UNKNOWN_NUMBER, None),
    (("twilio:21408", "twilio:21606", "twilio:21612"), _C.SENDER_NOT_ALLOWED, None),
    (("twilio:21610",), _C.OPTED_OUT, None),
    (
        ("twilio:21611", "twilio:20429", "twilio:14107", "twilio:63038"),
        _C.RATE_LIMITED,
        None,
    ),
    (("twilio:21614", "twilio:21635"), _C.NON_SMS_LINE_TYPE, None),
    (("twilio:21617",), _C.CONTENT_REJECTED, None),
    # smpp stat (delivery receipt states)
    (("smpp:EXPIRED",), _C.EXPIRED_VALIDITY, None),
    (("smpp:DELETED", "smpp:UNDELIV"), _C.UNKNOWN, False),
    (("smpp:REJECTD", "smpp:SKIPPED"), _C.CARRIER_FILTERED, None),
    (("smpp:UNKNOWN",), _C.UNKNOWN, None),
    # Success or in-flight states are no errors; in a failure event the type decides (D-11).
    (("smpp:DELIVRD", "smpp:ENROUTE", "smpp:SCHEDULED", "smpp:ACCEPTD"), _C.UNKNOWN, None),
    # smpp status (command_status)
    (("smpp:0x01",), _C.CONTENT_REJECTED, None),
    (("smpp:0x08", "smpp:0x45", "smpp:0x64"), _C.PROVIDER_ERROR, None),
    (("smpp:0x0A",), _C.SENDER_NOT_ALLOWED, None),
    (("smpp:0x0B",), _C.UNKNOWN_NUMBER, None),
    (("smpp:0x14", "smpp:0x58"), _C.RATE_LIMITED, None),
    (
        (*(f"smpp:0x{n:02X}" for n in range(0x48, 0x51 + 1)), "smpp:0x61", "smpp:0x62"),
        _C.INVALID_REQUEST,
        None,
    ),
    (("smpp:0x65",), _C.UNKNOWN, False),
    (("smpp:0x66",), _C.CARRIER_FILTERED, None),
    (("smpp:0xFE", "smpp:0xFF"), _C.UNKNOWN, None),
    # gsm err
    (("gsm:001", "gsm:011", "gsm:002"), _C.UNREACHABLE, None),
    (("gsm:003", "gsm:012"), _C.NETWORK_ERROR, None),
    (("gsm:004", "gsm:007", "gsm:010"), _C.NON_SMS_LINE_TYPE, None),
    (("gsm:005",), _C.UNKNOWN_NUMBER, None),
    (("gsm:006", "gsm:008", "gsm:009"), _C.BLOCKED, None),
    # http (connectors); any other 5xx is matched by _HTTP_5XX below
    (
        ("http_400", "http_404", "http_405", "http_409", "http_413", "http_415", "http_422"),
        _C.INVALID_REQUEST,
        None,
    ),
    (("http_401", "http_402", "http_403"), _C.SENDER_NOT_ALLOWED, None),
    (("http_408", "http_429"), _C.RATE_LIMITED, None),
    # dotdigital reasons
    (
        ("dotdigital:incorrect number", "dotdigital:number no longer active"),
        _C.UNKNOWN_NUMBER,
        None,
    ),
    (("dotdigital:device accepts only known senders",), _C.BLOCKED, None),
    # A hard_bounce event with this reason stays a hard bounce: the type decides (O-1).
    (("dotdigital:inbox full",), _C.UNREACHABLE, None),
)

del _C


def _build(
    rows: Iterable[tuple[tuple[str, ...], ErrorCategory, bool | None]],
) -> dict[str, ErrorClass]:
    table: dict[str, ErrorClass] = {}
    for codes, category, transient in rows:
        cls = ErrorClass(
            category, category.transient_by_default if transient is None else transient
        )
        for code in codes:
            if code in table:
                raise ValueError(f"taxonomy: code {code!r} is mapped twice")
            table[code] = cls
    return table


_TABLE: Mapping[str, ErrorClass] = MappingProxyType(_build(_ROWS))

_HTTP_5XX = ErrorClass(
    ErrorCategory.PROVIDER_ERROR, ErrorCategory.PROVIDER_ERROR.transient_by_default
)

_SMPP_STATES = frozenset(
    {
        "DELIVRD",
        "EXPIRED",
        "DELETED",
        "UNDELIV",
        "ACCEPTD",
        "UNKNOWN",
        "REJECTD",
        "SKIPPED",
        "ENROUTE",
        "SCHEDULED",
    }
)

_DOTDIGITAL = "dotdigital:"

# ASCII only: `\d` and case-insensitive Unicode matching would accept other scripts' digits
# or look-alike letters ("ſ" for "s").
_PREFIXED = re.compile(r"(twilio|smpp|gsm|dotdigital):(.*)", re.ASCII | re.IGNORECASE | re.DOTALL)
_HTTP = re.compile(r"http_(.*)", re.ASCII | re.IGNORECASE | re.DOTALL)
_HEX = re.compile(r"0x([0-9a-f]+)", re.ASCII | re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _phrase(text: str) -> str:
    """Lower case, single spaces: how Dotdigital phrases are compared."""
    return " ".join(text.lower().split())


def _ascii_upper(text: str) -> str:
    """Upper case for ASCII letters only, so no look-alike ("ſ") becomes a state name."""
    return text.translate(_ASCII_UPPER)


def _smpp_body(body: str) -> str:
    hex_match = _HEX.fullmatch(body)
    if hex_match is not None:
        return f"0x{int(hex_match.group(1), 16):02X}"
    return _ascii_upper(body)


def _gsm_body(body: str) -> str:
    if _DIGITS.fullmatch(body) and len(body) <= 3:
        return body.zfill(3)
    return body


def normalize_code(code: str) -> str:
    """The written ``code`` in its prefixed normal form (ERRORS.md, X-4).

    A prefixed code keeps its source; a bare code is read as Twilio's when it is five
    digits, GSM when it is three digits with a leading zero, HTTP when it is three other
    digits, SMPP when it is a state name or ``0x`` hex; anything else keeps its text
    (stripped). See the module docstring for the normalisation of case and whitespace.

    >>> normalize_code("30007"), normalize_code("005"), normalize_code("503")
    ('twilio:30007', 'gsm:005', 'http_503')
    >>> normalize_code(" expired "), normalize_code("0X58"), normalize_code("SMPP:0x00000058")
    ('smpp:EXPIRED', 'smpp:0x58', 'smpp:0x58')
    >>> normalize_code("Dotdigital:Inbox  Full"), normalize_code("E42")
    ('dotdigital:inbox full', 'E42')
    """
    text = code.strip()
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed is not None:
        source = prefixed.group(1).lower()
        body = prefixed.group(2).strip()
        if source == "smpp":
            body = _smpp_body(body)
        elif source == "gsm":
            body = _gsm_body(body)
        elif source == "dotdigital":
            body = _phrase(body)
        return f"{source}:{body}"
    http = _HTTP.fullmatch(text)
    if http is not None:
        return f"http_{http.group(1).strip()}"
    if _DIGITS.fullmatch(text):
        if len(text) == 5:
            return f"twilio:{text}"
        if len(text) == 3:
            return f"gsm:{text}" if text.startswith("0") else f"http_{text}"
    if _HEX.fullmatch(text) or _ascii_upper(text) in _SMPP_STATES:
        return f"smpp:{_smpp_body(text)}"
    return text


def classify_error(code: str) -> ErrorClass:
    """The category and transient flag of a written error code (ERRORS.md, X-4).

    The code is normalised first (:func:`normalize_code`). Any 5xx HTTP code is a
    ``provider_error``; a code the mapping does not know is ``unknown``, transient.
    Never raises for a string.

    >>> classify_error("twilio:21610").category is ErrorCategory.OPTED_OUT
    True
    >>> classify_error("smpp:DELETED")
    ErrorClass(category=<ErrorCategory.UNKNOWN: 'unknown'>, transient=False)
    >>> classify_error("http_599").category
    <ErrorCategory.PROVIDER_ERROR: 'provider_error'>
    """
    normal = normalize_code(code)
    known = _TABLE.get(normal)
    if known is not None:
        return known
    if normal.startswith("http_5") and len(normal) == 8 and _DIGITS.fullmatch(normal[5:]):
        return _HTTP_5XX
    return _UNKNOWN


def _has_text(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def classify_failure(error_code: str | None, reason: str | None) -> ErrorClass:
    """The classification of a failure event from its ``error_code`` and ``reason`` (X-4).

    When the event has a code (not empty after stripping) the code decides, whatever the
    reason says. Without one, the reason is compared, ignoring case and runs of
    whitespace, with the whole of a Dotdigital phrase ("incorrect number", "number no
    longer active", "device accepts only known senders", "inbox full"); anything else is
    ``unknown``, transient. The class never changes the event's outcome (D-11).

    >>> classify_failure(None, "Inbox full").category
    <ErrorCategory.UNREACHABLE: 'unreachable'>
    >>> classify_failure("30007", "Inbox full").category
    <ErrorCategory.CARRIER_FILTERED: 'carrier_filtered'>
    """
    if error_code is not None and _has_text(error_code):
        return classify_error(error_code)
    if reason is not None and _has_text(reason):
        known = _TABLE.get(_DOTDIGITAL + _phrase(reason))
        if known is not None:
            return known
    return _UNKNOWN


def failure_reason(error_code: str | None, reason: str | None, fallback: str) -> str:
    """The ``reason`` of a failure's report row (X-4, FORMATS.md, E-1 and E-3).

    The prefixed code when the event has one, else its ``reason`` text (stripped), else
    ``fallback`` — the event's type. Empty or blank values count as absent.

    >>> failure_reason("30007", "filtered", "delivery_failed")
    'twilio:30007'
    >>> failure_reason(None, "Inbox full", "hard_bounce")
    'Inbox full'
    >>> failure_reason(None, None, "delivery_failed")
    'delivery_failed'
    """
    if error_code is not None and _has_text(error_code):
        return normalize_code(error_code)
    if reason is not None and _has_text(reason):
        return reason.strip()
    return fallback
