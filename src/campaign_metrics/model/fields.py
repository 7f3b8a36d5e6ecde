"""The converters and checks of the campaign's fields (A-2, A-10, B-5, CH-*)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import ConfigurationError
from ..timezones import UTC, get_zone
from .enums import CampaignStatus, Channel, DeliveryType, Provider, _StrEnum
from .goals import Goal


def _window_hours(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ConfigurationError(
            f"'attribution_window_hours' must be a number > 0 (got {value!r})",
            field="attribution_window_hours",
        )
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ConfigurationError(
            f"'attribution_window_hours' must be a number > 0 (got {value!r})",
            field="attribution_window_hours",
        ) from None
    if not number.is_finite() or number <= 0:
        raise ConfigurationError(
            f"'attribution_window_hours' must be a number > 0 (got {value!r})",
            field="attribution_window_hours",
        )
    return number


def _positive_hours(field: str) -> Any:
    def convert(value: object) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ConfigurationError(f"'{field}' must be a number > 0 (got {value!r})", field=field)
        number = Decimal(str(value))
        if not number.is_finite() or number <= 0:
            raise ConfigurationError(f"'{field}' must be a number > 0 (got {value!r})", field=field)
        return number

    return convert


def _enum_converter(enum_cls: type[_StrEnum], field: str) -> Any:
    def convert(value: object) -> _StrEnum:
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str) and value in enum_cls._value2member_map_:
            return enum_cls(value)
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise ConfigurationError(f"'{field}' must be one of {allowed} (got {value!r})", field=field)

    return convert


def _bool_field(field: str, default: bool) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, bool):
            raise ConfigurationError(
                f"'{field}' must be true or false (got {value!r})", field=field
            )

    return attrs.field(default=default, validator=check)


def _zone_name(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(
            f"'app_timezone' must be an IANA time zone name (got {value!r})", field="app_timezone"
        )
    try:
        get_zone(value)
    except ValueError:
        raise ConfigurationError(
            f"'app_timezone' must be an IANA time zone name such as 'Europe/Berlin' "
            f"(got {value!r})",
            field="app_timezone",
        ) from None
    return value


def _opt_instant(field: str) -> Any:
    def convert(value: object) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            from ..timezones import parse_instant

            try:
                return parse_instant(value)
            except ValueError as exc:
                raise ConfigurationError(f"'{field}': {exc}", field=field) from None
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return value.astimezone(UTC)
        raise ConfigurationError(
            f"'{field}' must be an ISO-8601 time with a UTC offset (got {value!r})", field=field
        )

    return convert


def _str_tuple(field: str) -> Any:
    def convert(value: object) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise ConfigurationError(
                f"'{field}' must be a list of strings (got {value!r})", field=field
            )
        if not all(isinstance(v, str) for v in value):
            raise ConfigurationError(
                f"'{field}' must be a list of strings (got {value!r})", field=field
            )
        return tuple(value)

    return convert


def _opt_str_field(field: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, str):
            raise ConfigurationError(f"'{field}' must be a string (got {value!r})", field=field)

    return attrs.field(default=None, validator=check)


def _goals(value: object) -> tuple[Goal, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ConfigurationError(f"'goals' must be a list of goals (got {value!r})", field="goals")
    goals = []
    for g in value:
        if isinstance(g, Goal):
            goals.append(g)
        elif isinstance(g, Mapping):
            goals.append(Goal.from_dict(g))
        else:
            raise ConfigurationError(f"a goal must be an object (got {g!r})", field="goals")
    return tuple(goals)


def _max_segments(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"'max_segments' must be an integer >= 1 (got {value!r})", field="max_segments"
        )
    return value


def _region(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise ConfigurationError(
            f"'default_region' must be an ISO 3166 alpha-2 code such as 'US' (got {value!r})",
            field="default_region",
        )
    return value.upper()


def _conv_channel(value: object) -> Channel:
    result: Channel = _enum_converter(Channel, "channel")(value)
    return result


def _conv_provider(value: object) -> Provider:
    result: Provider = _enum_converter(Provider, "provider")(value)
    return result


def _conv_delivery_type(value: object) -> DeliveryType:
    result: DeliveryType = _enum_converter(DeliveryType, "delivery_type")(value)
    return result


def _conv_validity(value: object) -> Decimal:
    result: Decimal = _positive_hours("validity_period_hours")(value)
    return result


def _conv_pinned(value: object) -> tuple[str, ...]:
    result: tuple[str, ...] = _str_tuple("pinned_metrics")(value)
    return result


def _conv_status(value: object) -> CampaignStatus:
    result: CampaignStatus = _enum_converter(CampaignStatus, "status")(value)
    return result


def _conv_reviewers(value: object) -> tuple[str, ...]:
    result: tuple[str, ...] = _str_tuple("reviewers")(value)
    return result


def _conv_created(value: object) -> dt.datetime | None:
    result: dt.datetime | None = _opt_instant("created_at")(value)
    return result


def _conv_updated(value: object) -> dt.datetime | None:
    result: dt.datetime | None = _opt_instant("updated_at")(value)
    return result
