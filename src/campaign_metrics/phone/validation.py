"""Mobile numbers checked and written in E.164 (F-2, F-4): the fast paths and the library's."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

import phonenumbers
import phonenumbers.phonenumberutil as pu
from phonenumbers import (
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberType,
)

# Recipients files hold millions of rows and events repeat the same numbers: the
# results (immutable strings) are cached, never the mutable PhoneNumber objects.
_CACHE_SIZE = 1 << 16

_MASK = "*******"
_SHOWN_DIGITS = 2

_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})

# Characters that may sit between the digits of a written number.
_SEPARATORS = r"[\s\-./()\u2010-\u2015\u2212\uff0d]"
# An ISO-8601 date (and time) is left readable: messages quote timestamps all the time.
# A date followed by more digits (other than its time) is treated as a digit run instead.
_ISO_DATE_TIME = (
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?(?!\d)"
    rf"|(?!{_SEPARATORS}{{0,4}}\d))"
)
# Seven or more digits, possibly with a leading + or ( and separators in between.
_DIGIT_RUN = rf"\+?\(?\d(?:{_SEPARATORS}{{0,4}}\d){{6,}}"
_FALLBACK = re.compile(rf"(?P<date>\(?{_ISO_DATE_TIME})|(?P<run>{_DIGIT_RUN})")
_NON_DIGITS = re.compile(r"\D")


def _region(default_region: str | None) -> str | None:
    """The library's spelling of a region code (upper case), or None."""
    if default_region is None:
        return None
    region = default_region.strip().upper()
    return region or None


def _parse(number: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except NumberParseException:
        return None


# ------------------------------------------------------------------ the NANPA fast path
# Parsing and typing one number with the library costs about 0.1 ms, which is a minute
# and a half for a million recipients. Numbers of the North American plan (+1), the most
# common here, are read by a fast path that uses the library's own metadata and follows
# its algorithm step for step (region by leading digits or by type, then the type
# checks in the library's order); the tests hold it equal to the library on generated
# numbers. Every other number goes through the library itself.

_NANPA_REGIONS = tuple(pu.COUNTRY_CODE_TO_REGION_CODE.get(1, ()))
_NANPA_SEPARATORS = " -.()"
_NANPA_PLUS = re.compile(r"\s*\+\s*1[\s\-.()]*(?:\d[\s\-.()]*){10}")
_NANPA_NATIONAL = re.compile(r"\s*(?:1[\s\-.()]*)?\(?[2-9](?:[\s\-.()]*\d){9}[\s\-.()]*")
# The common plain writings, read by one match whose groups are the national number:
# each is a strict part of the pattern above it (optional 1, one separator, the area
# code in optional parentheses, 3 and 4 digits with one separator each, ASCII digits
# only), so a number they read is read the same way by the general patterns.
_PLAIN_PLUS = re.compile(r"\+1[ \-.]?\(?([2-9][0-9][0-9])\)?[ \-.]?([0-9]{3})[ \-.]?([0-9]{4})")
_PLAIN_NATIONAL = re.compile(
    r"(?:1[ \-.]?)?\(?([2-9][0-9][0-9])\)?[ \-.]?([0-9]{3})[ \-.]?([0-9]{4})"
)
_TYPE_ORDER = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)

_Desc = tuple[frozenset[int], "re.Pattern[str]"] | None


def _desc(desc: object) -> _Desc:
    pattern = getattr(desc, "national_number_pattern", None) if desc is not None else None
    if not pattern:
        return None
    lengths = frozenset(getattr(desc, "possible_length", ()) or ())
    return lengths, re.compile(pattern)


def _matches(nsn: str, desc: _Desc) -> bool:
    if desc is None:
        return False
    lengths, pattern = desc
    if lengths and len(nsn) not in lengths:
        return False
    return pattern.fullmatch(nsn) is not None


class _Compiled:
    """One region's metadata with its patterns compiled once."""

    __slots__ = ("fixed_line", "general", "leading", "mobile", "same", "special")

    def __init__(self, region: str) -> None:
        md = PhoneMetadata.metadata_for_region(region, None)
        if md is None:  # pragma: no cover - the regions come from the library's own map
            raise ValueError(f"no phone metadata for region {region!r}")
        self.general = _desc(md.general_desc)
        self.special = tuple((_desc(getattr(md, name)), kind) for name, kind in _TYPE_ORDER)
        self.fixed_line = _desc(md.fixed_line)
        self.mobile = _desc(md.mobile)
        self.same = bool(md.same_mobile_and_fixed_line_pattern)
        self.leading = re.compile(md.leading_digits) if md.leading_digits else None

    def number_type(self, nsn: str) -> int:
        # the library's _number_type_helper, in its order
        if not _matches(nsn, self.general):
            return PhoneNumberType.UNKNOWN
        for desc, kind in self.special:
            if _matches(nsn, desc):
                return kind
        if _matches(nsn, self.fixed_line):
            if self.same or _matches(nsn, self.mobile):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same and _matches(nsn, self.mobile):
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


@cache
def _compiled(region: str) -> _Compiled:
    return _Compiled(region)


def _allows(desc: _Desc, length: int) -> bool:
    return desc is not None and (not desc[0] or length in desc[0])


class _Typer:
    """:meth:`_Compiled.number_type` for national numbers of one length, in one regex.

    The descriptions that the length rules out are dropped, and the others become the
    alternatives of one pattern, in the order the library tries them, behind a lookahead
    for the general description: the first alternative that matches the whole number is
    the one the library's chain of checks stops at (the tests hold the two equal).
    """

    __slots__ = ("kinds", "mobile", "pattern", "same")

    def __init__(self, compiled: _Compiled, length: int) -> None:
        self.same = compiled.same
        self.mobile = compiled.mobile if _allows(compiled.mobile, length) else None
        alternatives: list[str] = []
        kinds: list[int] = []

        def add(desc: _Desc, kind: int) -> None:
            if desc is not None and _allows(desc, length):
                alternatives.append(f"(?P<k{len(kinds)}>{desc[1].pattern})")
                kinds.append(kind)

        general = compiled.general
        for desc, kind in compiled.special:
            add(desc, kind)
        add(compiled.fixed_line, PhoneNumberType.FIXED_LINE)  # refined in number_type
        if not compiled.same:
            add(compiled.mobile, PhoneNumberType.MOBILE)
        self.kinds = tuple(kinds)
        self.pattern: re.Pattern[str] | None = None
        if general is not None and _allows(general, length) and alternatives:
            self.pattern = re.compile(
                rf"(?=(?:{general[1].pattern})\Z)(?:{'|'.join(alternatives)})"
            )

    def number_type(self, nsn: str) -> int:
        pattern = self.pattern
        if pattern is None:
            return PhoneNumberType.UNKNOWN
        match = pattern.fullmatch(nsn)
        if match is None:
            return PhoneNumberType.UNKNOWN
        group = match.lastgroup
        assert group is not None
        kind = self.kinds[int(group[1:])]
        if kind == PhoneNumberType.FIXED_LINE and (self.same or _matches(nsn, self.mobile)):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return kind


@cache
def _typer(region: str, length: int) -> _Typer:
    return _Typer(_compiled(region), length)


_NanpaTypers = tuple[tuple["re.Pattern[str] | None", _Typer], ...]
_nanpa_typers_made: list[_NanpaTypers] = []


def _nanpa_typers() -> _NanpaTypers:
    if not _nanpa_typers_made:
        _nanpa_typers_made.append(
            tuple((_compiled(r).leading, _typer(r, 10)) for r in _NANPA_REGIONS)
        )
    return _nanpa_typers_made[0]


def _nanpa_type(nsn: str) -> int:
    """The library's number_type for +1 and a 10-digit national number."""
    typers = _nanpa_typers_made[0] if _nanpa_typers_made else _nanpa_typers()
    for leading, typer in typers:
        if leading is not None:
            if leading.match(nsn):
                return typer.number_type(nsn)
        else:
            kind = typer.number_type(nsn)
            if kind != PhoneNumberType.UNKNOWN:
                return kind
    return PhoneNumberType.UNKNOWN


def _nanpa_type_reference(nsn: str) -> int:
    """:func:`_nanpa_type` through :meth:`_Compiled.number_type` (for the tests)."""
    for region in _NANPA_REGIONS:
        compiled = _compiled(region)
        if compiled.leading is not None:
            if compiled.leading.match(nsn):
                return compiled.number_type(nsn)
        else:
            kind = compiled.number_type(nsn)
            if kind != PhoneNumberType.UNKNOWN:
                return kind
    return PhoneNumberType.UNKNOWN


def _nanpa_national(number: str, region: str | None) -> str | None:
    """The 10-digit national number of a plainly written NANPA number, else None.

    ASCII text only: the library reads other scripts' digits (and spaces) as their ASCII
    values, which the patterns here would keep as they are; such numbers go to it.
    """
    if not number.isascii():
        return None
    # only the first pattern has a "+", so at most one of them is tried
    if "+" in number:
        plain = _PLAIN_PLUS.fullmatch(number)
        if plain is not None:
            return plain[1] + plain[2] + plain[3]
        if not _NANPA_PLUS.fullmatch(number):
            return None
        digits = _NON_DIGITS.sub("", number)[1:]
    elif region in _NANPA_REGIONS and (plain := _PLAIN_NATIONAL.fullmatch(number)) is not None:
        return plain[1] + plain[2] + plain[3]
    elif region in _NANPA_REGIONS and _NANPA_NATIONAL.fullmatch(number):
        digits = _NON_DIGITS.sub("", number)
        if len(digits) == 11:
            digits = digits[1:]  # the national prefix 1
    else:
        return None
    if len(digits) != 10 or digits[0] in "01":
        return None
    return digits


def _mobile_e164(number: str, region: str | None) -> str | None:
    nsn = _nanpa_national(number, region)
    if nsn is not None:
        # F-4 via the fast path: valid and of a mobile type
        return "+1" + nsn if _nanpa_type(nsn) in _MOBILE_TYPES else None
    return _library_mobile_e164(number, region)


@lru_cache(maxsize=_CACHE_SIZE)
def _library_mobile_e164(number: str, region: str | None) -> str | None:
    parsed = _parse(number, region)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return None
    # F-4: mobile or fixed-line-or-mobile only; fixed line, toll-free, VoIP, pager,
    # premium, shared cost, personal numbers and the like are not mobile numbers.
    if phonenumbers.number_type(parsed) not in _MOBILE_TYPES:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def valid_mobile_e164(number: str | None, default_region: str | None) -> str | None:
    """The E.164 form of a valid mobile number, or ``None`` (F-4).

    ``number`` is parsed by ``phonenumbers`` with the campaign's ``default_region``
    (ISO 3166 alpha-2, any case; needed only for numbers written without ``+``). It is a
    valid mobile number when the library finds it valid and of type ``MOBILE`` or
    ``FIXED_LINE_OR_MOBILE``; fixed-line, toll-free, VoIP, pager, premium, unparsable and
    empty values give ``None``. Equal E.164 forms are the same number.

    >>> valid_mobile_e164("+1 415-555-0100", "US") == valid_mobile_e164("(415) 555-0100", "US")
    True
    >>> valid_mobile_e164("+44 20 7946 0018", "GB") is None  # a London fixed line
    True
    """
    if number is None or not number.strip():
        return None
    return _mobile_e164(number, _region(default_region))


def mobile_e164_checker(default_region: str | None) -> Callable[[str | None], str | None]:
    """:func:`valid_mobile_e164` with ``default_region`` bound (read once, not per call).

    >>> mobile_e164_checker("us")("(415) 555-0100")
    '+14155550100'
    """
    region = _region(default_region)

    def check(number: str | None) -> str | None:
        if number is None or not number.strip():
            return None
        return _mobile_e164(number, region)

    return check
