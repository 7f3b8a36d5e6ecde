"""Conversion goals and their property filters (A-1, A-4, A-5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ConfigurationError
from .enums import FilterOp
from .values import _check_keys, _freeze_json, _nonempty_str, _number, json_equal


@attrs.frozen(slots=True)
class GoalFilter:
    """A property filter of a goal (FORMATS.md): ``property op value``.

    ``eq``/``ne``/``in`` compare JSON values without coercion; the ordering operators
    hold only between two numbers; the property must be present.
    """

    property: str = attrs.field(validator=_nonempty_str)
    op: FilterOp = attrs.field(converter=FilterOp)
    value: Any = attrs.field(converter=_freeze_json, hash=False)

    def __attrs_post_init__(self) -> None:
        if self.op is FilterOp.IN and not isinstance(self.value, tuple):
            raise ConfigurationError(
                f"goal filter on '{self.property}': 'in' needs a list value, got {self.value!r}",
                field="filters",
            )
        if self.op in (FilterOp.GT, FilterOp.GTE, FilterOp.LT, FilterOp.LTE) and not _number(
            self.value
        ):
            raise ConfigurationError(
                f"goal filter on '{self.property}': '{self.op}' needs a number, got {self.value!r}",
                field="filters",
            )

    def holds(self, properties: Mapping[str, Any]) -> bool:
        """Whether the filter holds on a conversion's properties."""
        if self.property not in properties:
            return False
        actual = properties[self.property]
        op = self.op
        if op is FilterOp.EQ:
            return json_equal(actual, self.value)
        if op is FilterOp.NE:
            return not json_equal(actual, self.value)
        if op is FilterOp.IN:
            return any(json_equal(actual, v) for v in self.value)
        if not _number(actual):
            return False
        if op is FilterOp.GT:
            return bool(actual > self.value)
        if op is FilterOp.GTE:
            return bool(actual >= self.value)
        if op is FilterOp.LT:
            return bool(actual < self.value)
        return bool(actual <= self.value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GoalFilter:
        _check_keys(data, {"property", "op", "value"}, "goal filter", required={"property", "op"})
        if "value" not in data:
            raise ConfigurationError("goal filter: 'value' is required", field="filters")
        op = data["op"]
        if op not in FilterOp._value2member_map_:
            raise ConfigurationError(
                f"goal filter: 'op' must be one of {', '.join(m.value for m in FilterOp)} "
                f"(got {op!r})",
                field="filters",
            )
        return cls(property=data["property"], op=FilterOp(op), value=data["value"])

    def to_dict(self) -> dict[str, Any]:
        return {"property": self.property, "op": self.op.value, "value": _thaw(self.value)}


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _filters(value: object) -> tuple[GoalFilter, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ConfigurationError(f"goal 'filters' must be a list (got {value!r})", field="goals")
    return tuple(value)


@attrs.frozen(slots=True)
class Goal:
    """A conversion goal (A-10): an app event name plus property filters."""

    name: str = attrs.field(validator=_nonempty_str)
    event: str = attrs.field(validator=_nonempty_str)
    primary: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    track_revenue: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    filters: tuple[GoalFilter, ...] = attrs.field(default=(), converter=_filters)

    def matches(self, name: str, properties: Mapping[str, Any] | None) -> bool:
        """A conversion matches when its name equals ``event`` and every filter holds."""
        if name != self.event:
            return False
        if not self.filters:
            return True
        props = properties or {}
        return all(f.holds(props) for f in self.filters)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Goal:
        _check_keys(
            data,
            {"name", "event", "primary", "track_revenue", "filters"},
            "goal",
            required={"name", "event"},
        )
        for key in ("primary", "track_revenue"):
            if key in data and not isinstance(data[key], bool):
                raise ConfigurationError(
                    f"goal '{data.get('name')}': '{key}' must be true or false (got {data[key]!r})",
                    field="goals",
                )
        for key in ("name", "event"):
            if not isinstance(data[key], str) or not data[key]:
                raise ConfigurationError(
                    f"goal: '{key}' must be a non-empty string (got {data[key]!r})", field="goals"
                )
        filters = data.get("filters", [])
        if not isinstance(filters, list):
            raise ConfigurationError(
                f"goal '{data['name']}': 'filters' must be a list (got {filters!r})",
                field="goals",
            )
        parsed = []
        for f in filters:
            if not isinstance(f, Mapping):
                raise ConfigurationError(
                    f"goal '{data['name']}': a filter must be an object (got {f!r})",
                    field="goals",
                )
            parsed.append(GoalFilter.from_dict(f))
        return cls(
            name=data["name"],
            event=data["event"],
            primary=data.get("primary", False),
            track_revenue=data.get("track_revenue", False),
            filters=tuple(parsed),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "event": self.event,
            "primary": self.primary,
            "track_revenue": self.track_revenue,
            "filters": [f.to_dict() for f in self.filters],
        }
