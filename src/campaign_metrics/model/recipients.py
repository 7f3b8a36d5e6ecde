"""A recipient of a campaign (recipients.csv)."""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import InputError
from .enums import Group, _StrEnum
from .values import _nonempty_str


def _opt_enum(enum_cls: type[_StrEnum], field: str) -> Any:
    def convert(value: object) -> _StrEnum | None:
        if value is None or value == "":
            return None
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str) and value in enum_cls._value2member_map_:
            return enum_cls(value)
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise InputError(field=field, expected=f"one of {allowed}", got=value)

    return convert


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


def _conv_group(value: object) -> Group | None:
    result: Group | None = _opt_enum(Group, "group")(value)
    return result


@attrs.frozen(slots=True, weakref_slot=False)  # a million of them: no weakref slot
class Recipient:
    """A targeted user (recipients.csv). ``group`` ``None`` means target (B-2)."""

    user_id: str = attrs.field(validator=_nonempty_str)
    mobile_number: str | None = attrs.field(default=None, converter=_empty_to_none)
    locale: str | None = attrs.field(default=None, converter=_empty_to_none)
    variation: str | None = attrs.field(default=None, converter=_empty_to_none)
    timezone: str | None = attrs.field(default=None, converter=_empty_to_none)
    group: Group | None = attrs.field(default=None, converter=_conv_group)

    def __attrs_post_init__(self) -> None:
        for name in ("mobile_number", "locale", "variation", "timezone"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(field=name, expected="a string", got=value)

    @property
    def is_control(self) -> bool:
        return self.group is Group.CONTROL


_new_object = object.__new__
# the slots' own setters: they bypass the frozen ``__setattr__`` like attrs' ``__init__``
(
    _set_user_id,
    _set_mobile_number,
    _set_locale,
    _set_variation,
    _set_timezone,
    _set_group,
) = (
    getattr(Recipient, a.name).__set__
    for a in attrs.fields(Recipient)  # the declaration order, checked below
)
assert [a.name for a in attrs.fields(Recipient)] == [
    "user_id",
    "mobile_number",
    "locale",
    "variation",
    "timezone",
    "group",
]


def _checked_recipient(
    user_id: str,
    mobile_number: str | None,
    locale: str | None,
    variation: str | None,
    timezone: str | None,
    group: Group | None,
) -> Recipient:
    """A :class:`Recipient` from values the caller has already proved valid.

    The readers' fast path: ``user_id`` a non-empty ``str``, the other texts ``None`` or
    a non-empty ``str`` and ``group`` ``None`` or a :class:`Group` — exactly what the
    validating constructor would keep — so the object equals the one it would build.
    """
    r: Recipient = _new_object(Recipient)
    _set_user_id(r, user_id)
    _set_mobile_number(r, mobile_number)
    _set_locale(r, locale)
    _set_variation(r, variation)
    _set_timezone(r, timezone)
    _set_group(r, group)
    return r


# --------------------------------------------------------------------------- events

#: The extra keys each event type may carry (FORMATS.md).
