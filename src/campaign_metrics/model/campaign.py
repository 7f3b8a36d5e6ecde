"""The campaign: its channel, tracking, goals and settings."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import ConfigurationError, InputError
from ..timezones import get_zone
from .enums import (
    DEFAULT_VALIDITY_HOURS,
    DEFAULT_WINDOW_HOURS,
    MMS_MAX_WINDOW_HOURS,
    CampaignStatus,
    Channel,
    DeliveryType,
    Provider,
)
from .fields import (
    _bool_field,
    _conv_channel,
    _conv_created,
    _conv_delivery_type,
    _conv_pinned,
    _conv_provider,
    _conv_reviewers,
    _conv_status,
    _conv_updated,
    _conv_validity,
    _goals,
    _max_segments,
    _opt_str_field,
    _region,
    _window_hours,
    _zone_name,
)
from .goals import Goal
from .values import _nonempty_str


@attrs.frozen(slots=True)
class Campaign:
    """A campaign's configuration (campaign.json, FORMATS.md).

    Validated at construction: CH-2's allowed provider/tracking combinations, A-2's
    window bounds (MMS at most 168 hours), A-10's goal rules and B-5's pinned metrics.
    """

    id: str = attrs.field(validator=_nonempty_str)
    name: str = attrs.field(validator=_nonempty_str)
    channel: Channel = attrs.field(converter=_conv_channel)
    provider: Provider = attrs.field(default=Provider.INTEGRATED, converter=_conv_provider)
    delivery_tracking: bool = _bool_field("delivery_tracking", False)
    click_tracking: bool = _bool_field("click_tracking", False)
    delivery_type: DeliveryType = attrs.field(
        default=DeliveryType.ONE_TIME, converter=_conv_delivery_type
    )
    app_timezone: str = attrs.field(default="UTC", converter=_zone_name)
    attribution_window_hours: Decimal = attrs.field(
        default=Decimal(DEFAULT_WINDOW_HOURS), converter=_window_hours
    )
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=_goals)
    default_region: str | None = attrs.field(default=None, converter=_region)
    max_segments: int | None = attrs.field(default=None, converter=_max_segments)
    validity_period_hours: Decimal = attrs.field(
        default=Decimal(DEFAULT_VALIDITY_HOURS),
        converter=_conv_validity,
    )
    pinned_metrics: tuple[str, ...] = attrs.field(default=(), converter=_conv_pinned)
    auto_suppression: bool = _bool_field("auto_suppression", True)
    advanced_revenue_attribution: bool = _bool_field("advanced_revenue_attribution", True)
    status: CampaignStatus = attrs.field(default=CampaignStatus.NOT_SENT, converter=_conv_status)
    caf_enabled: bool = _bool_field("caf_enabled", False)
    reviewers: tuple[str, ...] = attrs.field(default=(), converter=_conv_reviewers)
    approved_by: str | None = _opt_str_field("approved_by")
    rejected_by: str | None = _opt_str_field("rejected_by")
    created_at: dt.datetime | None = attrs.field(default=None, converter=_conv_created)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=_conv_updated)
    last_modified_by: str | None = _opt_str_field("last_modified_by")
    team: str | None = _opt_str_field("team")

    def __attrs_post_init__(self) -> None:
        # CH-2: tracking is a custom SMS/MMS provider's option only.
        if self.delivery_tracking and (
            self.channel is Channel.CONNECTOR or self.provider is Provider.INTEGRATED
        ):
            raise ConfigurationError(
                "'delivery_tracking' is allowed only with provider 'custom' on an sms or mms "
                f"campaign (got channel '{self.channel}', provider '{self.provider}')",
                field="delivery_tracking",
            )
        # S-1: Under Review and Rejected exist only with the approval workflow (CAF).
        if not self.caf_enabled and self.status in (
            CampaignStatus.UNDER_REVIEW,
            CampaignStatus.REJECTED,
        ):
            raise ConfigurationError(
                f"'status' '{self.status}' needs the approval workflow ('caf_enabled': true)",
                field="status",
            )
        # MMS windows are at most 7 days.
        if self.channel is Channel.MMS and self.attribution_window_hours > MMS_MAX_WINDOW_HOURS:
            raise ConfigurationError(
                f"'attribution_window_hours' of an MMS campaign must be at most "
                f"{MMS_MAX_WINDOW_HOURS} hours (7 days) (got {self.attribution_window_hours})",
                field="attribution_window_hours",
            )
        # none, or exactly one primary goal; names unique.
        if self.goals:
            primaries = [g for g in self.goals if g.primary]
            if len(primaries) != 1:
                raise ConfigurationError(
                    f"'goals' must hold exactly one primary goal (got {len(primaries)})",
                    field="goals",
                )
            names = [g.name for g in self.goals]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ConfigurationError(
                    f"goal names must be unique (got '{dupes[0]}' twice)", field="goals"
                )
        # B-5: at most five pinned metrics, each an existing report key.
        if len(self.pinned_metrics) > 5:
            raise ConfigurationError(
                f"'pinned_metrics' may hold at most 5 keys (got {len(self.pinned_metrics)})",
                field="pinned_metrics",
            )
        if self.pinned_metrics:
            from ..keys import PINNABLE_KEYS

            for key in self.pinned_metrics:
                if key not in PINNABLE_KEYS:
                    raise ConfigurationError(
                        f"'pinned_metrics': unknown report key {key!r} "
                        "(expected a path such as 'delivery.delivered_rate')",
                        field="pinned_metrics",
                    )

    # ----------------------------------------------------------------- derived

    @property
    def delivery_tracked(self) -> bool:
        """CH-2: receipts are tracked (integrated SMS/MMS, or custom with tracking on)."""
        if self.channel is Channel.CONNECTOR:
            return False
        return self.provider is Provider.INTEGRATED or self.delivery_tracking

    @property
    def sent_only(self) -> bool:
        """CH-2: the opposite of :attr:`delivery_tracked`."""
        return not self.delivery_tracked

    @property
    def multi_instance(self) -> bool:
        """CH-4: periodic and active campaigns have several instances."""
        return self.delivery_type is not DeliveryType.ONE_TIME

    @property
    def primary_goal(self) -> Goal | None:
        """A-10: the primary goal, or ``None`` without goals."""
        for g in self.goals:
            if g.primary:
                return g
        return None

    @property
    def zone(self) -> dt.tzinfo:
        """The app's time zone (CH-5)."""
        return get_zone(self.app_timezone)

    @property
    def window_us(self) -> int:
        """The attribution window in microseconds (A-2)."""
        return int(self.attribution_window_hours * 3_600_000_000)

    @property
    def validity_us(self) -> int:
        """The carrier validity period in microseconds (X-2)."""
        return int(self.validity_period_hours * 3_600_000_000)

    # ----------------------------------------------------------------- file form

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Campaign:
        """Read campaign.json's mapping; unknown keys and bad values are
        :class:`ConfigurationError`."""
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"campaign.json must hold a JSON object (got {data!r})")
        allowed = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ConfigurationError(f"campaign.json: unknown key {unknown[0]!r}", field=unknown[0])
        for key in ("id", "name", "channel"):
            if key not in data:
                raise ConfigurationError(f"campaign.json: '{key}' is required", field=key)
        for key in ("id", "name"):
            if not isinstance(data[key], str) or not data[key]:
                raise ConfigurationError(
                    f"'{key}' must be a non-empty string (got {data[key]!r})", field=key
                )
        kwargs = dict(data)
        if "attribution_window_hours" in kwargs and isinstance(
            kwargs["attribution_window_hours"], str
        ):
            raise ConfigurationError(
                "'attribution_window_hours' must be a number > 0 "
                f"(got {kwargs['attribution_window_hours']!r})",
                field="attribution_window_hours",
            )
        try:
            return cls(**kwargs)
        except InputError as exc:
            raise ConfigurationError(str(exc), field=exc.field) from None

    def to_dict(self) -> dict[str, Any]:
        """The campaign.json mapping of this campaign (round-trips through from_dict)."""
        out: dict[str, Any] = {}
        for a in attrs.fields(type(self)):
            value = getattr(self, a.name)
            if isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, tuple) and a.name == "goals":
                value = [g.to_dict() for g in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            out[a.name] = value
        return out


# --------------------------------------------------------------------------- recipients
