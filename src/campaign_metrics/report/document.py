"""The report itself: :class:`Report`, one campaign's immutable tree of sections."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import attrs

from .jsonable import _fields_jsonable, dumps
from .sections import (
    Breakdowns,
    ContactsSection,
    ConversionSection,
    DailyRow,
    DataQuality,
    Definition,
    DeliverySection,
    EngagementSection,
    ErrorsSection,
    FunnelStage,
    Parameters,
    Timeline,
    Uplift,
)

__all__ = ["Report"]


def _integration(name: str) -> ModuleType:
    """The integration module ``campaign_metrics.<name>`` (``render``, ``pandas``,
    ``plot``), looked up when a :class:`Report` method is called.

    The renderers sit above the report: they import it, so the report names them and
    never imports them (as pandas reaches its plotting backend by name); importing them
    here would close an import circle.
    """
    return importlib.import_module("campaign_metrics." + name)


@attrs.frozen(slots=True, kw_only=True)
class Report:
    """One campaign's report (FORMATS.md). Immutable; ``to_dict()`` is its JSON object."""

    campaign_id: str
    name: str
    channel: str
    as_of: str | None
    parameters: Parameters
    delivery: DeliverySection
    engagement: EngagementSection
    conversion: ConversionSection
    funnel: tuple[FunnelStage, ...]
    errors: ErrorsSection
    contacts: ContactsSection
    breakdowns: Breakdowns
    uplift: Uplift | None
    daily: tuple[DailyRow, ...] | None
    timeline: Timeline
    data_quality: DataQuality
    definitions: Mapping[str, Definition]
    #: the run the report was computed from (for run-wide views such as the overview);
    #: not part of the JSON report, equality or repr
    _source: Any = attrs.field(default=None, eq=False, repr=False, alias="source")

    def to_dict(self) -> dict[str, Any]:
        """Exactly one object of FORMATS.md's JSON report (money as ``Decimal``)."""
        return _fields_jsonable(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (money written exactly)."""
        return dumps(self.to_dict(), indent=indent)

    def get(self, path: str) -> Any:
        """The value at a dotted key path of :meth:`to_dict` (``"delivery.sent_rate"``)."""
        node: Any = self.to_dict()
        for part in path.split("."):
            node = node[part]
        return node

    def _repr_html_(self) -> str:
        html: str = _integration("render").report_html(self)
        return html

    def to_pandas(self, section: str) -> Any:
        """One list-shaped section of the report as a tidy pandas DataFrame (extra
        ``pandas``).

        ``section`` is a dotted path of :data:`campaign_metrics.pandas.SECTIONS`:
        ``"funnel"``, ``"daily"``, ``"conversion"``, ``"conversion.goals"``,
        ``"errors.failed_to_send"``, ``"errors.failed_to_deliver"``,
        ``"errors.removed"``, ``"errors.content_api"``,
        ``"breakdowns.locale_variation"``, ``"breakdowns.locale_variation.goals"``,
        ``"breakdowns.send_mode"``, ``"breakdowns.timezone"``, ``"uplift"``,
        ``"data_quality.rejected"`` or ``"definitions"``; another name raises
        :class:`~campaign_metrics.ConfigurationError` (a ``ValueError``) listing them.

        The frame has a ``campaign_id`` column, then the section's keys. Counts are
        nullable ``Int64`` (``<NA>`` where not tracked), rates ``Float64``, text
        ``string``, flags ``boolean``, ``daily.date`` a ``datetime64``; money columns
        hold the report's exact ``decimal.Decimal`` values (``object`` dtype), so sums
        stay exact (``.astype(float)`` for float arithmetic). Without pandas it raises
        :class:`~campaign_metrics.MissingDependencyError` naming
        ``pip install 'campaign-metrics[pandas]'``.

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> r.to_pandas("funnel")[["stage", "users"]].values.tolist()[:2]
        [['valid_mobile_numbers', 1488], ['after_fc_removal', 1488]]
        """
        return _integration("pandas").section_frame([self], section)

    def plot_funnel(self, ax: Any = None) -> Any:
        """F-1..F-3: the funnel stages as bars of users; returns the matplotlib ``Axes``
        (extra ``plot``; see :func:`campaign_metrics.plot.plot_funnel`).

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> r.plot_funnel().get_ylabel()
        'users'
        """
        return _integration("plot").plot_funnel(self, ax=ax)

    def plot_daily(self, metrics: Sequence[str] | None = None, ax: Any = None) -> Any:
        """T-1: one line per daily metric (default: the tracked ones of ``sent``,
        ``delivered``, ``total_clicks``, ``conversion_events``); returns the matplotlib
        ``Axes`` (extra ``plot``; see :func:`campaign_metrics.plot.plot_daily`).

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> [line.get_label() for line in r.plot_daily(["sent", "delivered"]).get_lines()]
        ['sent', 'delivered']
        """
        return _integration("plot").plot_daily(self, metrics=metrics, ax=ax)

    def plot_outcomes(self, ax: Any = None) -> Any:
        """X-1: the outcomes of Sent messages (delivered, sent as SMS, failed to deliver,
        in transit: they add up to Sent) as bars; returns the matplotlib ``Axes`` (extra
        ``plot``; see :func:`campaign_metrics.plot.plot_outcomes`).

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> [int(bar.get_height()) for bar in r.plot_outcomes().patches]
        [4039, 0, 147, 35]
        """
        return _integration("plot").plot_outcomes(self, ax=ax)
