"""O-5, X-5, X-6: the campaigns table, its Table Schema and its CSV."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from ..io.export import write_csv
from ..render import fmt, table_html
from ..report import Report, dumps, to_jsonable

#: O-5: the campaigns table's columns, in order.
CAMPAIGN_COLUMNS = (
    "last_sent",
    "campaign_name",
    "click_to_delivered_rate",
    "conversion_rate",
    "direct_orders",
    "assisted_orders",
    "last_modified_by",
    "revenue",
    "assisted_revenue",
    "total_segments",
    "total_clicks",
    "total_delivered",
    "total_sent",
    "type",
    "unique_clickers",
    "unsubscribes",
)

_COLUMN_INFO: dict[str, tuple[str, str, str | None, str | None, str]] = {
    # column: (type, formula, numerator, denominator, rule)
    "last_sent": (
        "datetime",
        "the latest send instant of the campaign, in the app's zone",
        None,
        None,
        "T-2, O-5",
    ),
    "campaign_name": ("string", "the campaign's name", None, None, "O-5"),
    "click_to_delivered_rate": (
        "number",
        "Delivered messages with a counted click / Delivered × 100",
        "delivered messages with a click",
        "delivery.delivered",
        "R-5",
    ),
    "conversion_rate": (
        "number",
        "the campaign's CVR under the report's attribution type",
        "conversion.converted_users",
        "delivery.delivered (sent when sent-only)",
        "R-5, R-2, R-3",
    ),
    "direct_orders": ("integer", "in-session primary-goal conversions", None, None, "A-13"),
    "assisted_orders": (
        "integer",
        "view-through or click-through primary-goal conversions not in-session",
        None,
        None,
        "A-13",
    ),
    "last_modified_by": ("string", "who last modified the campaign", None, None, "O-5"),
    "revenue": (
        "number",
        "direct revenue: order values of in-session conversions",
        None,
        None,
        "A-13, O-5",
    ),
    "assisted_revenue": ("number", "order values of assisted conversions", None, None, "A-13"),
    "total_segments": ("integer", "sum of segments over Sent messages", None, None, "O-5, D-1"),
    "total_clicks": (
        "integer",
        "non-expired click events of Sent messages",
        None,
        None,
        "K-1..K-3",
    ),
    "total_delivered": ("integer", "Delivered messages", None, None, "D-5"),
    "total_sent": ("integer", "Sent messages", None, None, "D-1"),
    "type": ("string", "the channel", None, None, "CH-1"),
    "unique_clickers": ("integer", "messages with a counted click", None, None, "K-3"),
    "unsubscribes": (
        "integer",
        "distinct users whose unsubscribe is attributed here",
        None,
        None,
        "O-3",
    ),
}


def _row(report: Report) -> dict[str, Any]:
    conv = report.conversion
    campaign = _campaign(report)
    selected = conv.for_type(report.parameters.attribution_type)
    return {
        "last_sent": report.timeline.last_sent,
        "campaign_name": report.name,
        "click_to_delivered_rate": report.engagement.click_to_delivered_rate,
        "conversion_rate": selected.cvr,
        "direct_orders": conv.direct_orders,
        "assisted_orders": conv.assisted_orders,
        "last_modified_by": campaign.last_modified_by if campaign is not None else None,
        "revenue": conv.direct_revenue,
        "assisted_revenue": conv.assisted_revenue,
        "total_segments": report.delivery.total_segments,
        "total_clicks": report.engagement.total_clicks,
        "total_delivered": report.delivery.delivered,
        "total_sent": report.delivery.sent,
        "type": report.channel,
        "unique_clickers": report.engagement.unique_clickers,
        "unsubscribes": report.contacts.unsubscribes,
    }


def _campaign(report: Report) -> Any:
    source = report._source
    if source is None:
        return None
    for acc in source.campaigns:
        if acc.campaign.id == report.campaign_id:
            return acc.campaign
    return None


def _pandas_integration() -> Any:
    """:mod:`campaign_metrics.pandas`, reached by name at call time: the tables sit below
    their optional pandas renderer (which imports them), so they name it, never import it."""
    import importlib

    return importlib.import_module("campaign_metrics.pandas")


class CampaignsTable(list[dict[str, Any]]):
    """O-5: the campaigns table, a ``list`` of one ``dict`` per campaign (keys in
    :data:`CAMPAIGN_COLUMNS` order) that also exports itself.

    It is a plain list in every other way: it compares equal to the same rows in a
    ``list``, and slicing or copying it gives a ``list``. :func:`campaigns_table` returns
    one; ``CampaignsTable(rows)`` makes one of any rows.

    - ``to_pandas()``: a DataFrame with the columns in O-5's order (extra ``pandas``);
    - ``to_csv(path=None)``: spreadsheet-safe CSV (X-6);
    - ``_repr_html_()``: an HTML table, which notebooks show.

    >>> import campaign_metrics as cm
    >>> table = cm.campaigns_table(cm.analyze("examples/sms_weekly_digest"))
    >>> table == [dict(table[0])], table[0]["total_sent"]
    (True, 4221)
    """

    __slots__ = ("_reports",)

    def __init__(
        self, rows: Iterable[dict[str, Any]] = (), *, reports: Sequence[Report] | None = None
    ) -> None:
        super().__init__(rows)
        # the reports the rows came from, for the schema of X-5 (None: rows given by hand)
        self._reports = None if reports is None else tuple(reports)

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame (extra ``pandas``), columns in O-5's order.

        Counts are ``Int64``, rates ``Float64``, money exact ``decimal.Decimal`` objects,
        ``last_sent`` a UTC ``datetime64``, text ``string`` (see
        :mod:`campaign_metrics.pandas`).

        >>> import campaign_metrics as cm
        >>> frame = cm.campaigns_table(cm.analyze("examples/sms_weekly_digest")).to_pandas()
        >>> frame[["campaign_name", "total_sent", "total_delivered"]].values.tolist()
        [['Weekly digest', 4221, 4039]]
        """
        frame: Any = _pandas_integration()._frame(self, CAMPAIGN_COLUMNS)
        return frame

    def to_csv(self, path: str | Path | None = None) -> str | None:
        """The table as CSV, every text cell made spreadsheet-safe (X-6).

        With ``path=None`` the CSV text is returned. With a path the CSV is written there
        and, when the table came from :func:`campaigns_table`, its Frictionless Table
        Schema beside it as ``path.schema.json`` (X-5), as
        :func:`write_campaigns_table` does; ``None`` is returned.

        >>> import campaign_metrics as cm
        >>> text = cm.campaigns_table(cm.analyze("examples/sms_weekly_digest")).to_csv()
        >>> text.splitlines()[0].split(",")[:3]
        ['last_sent', 'campaign_name', 'click_to_delivered_rate']
        """
        if path is None:
            out = io.StringIO(newline="")
            _write_rows(self, out)
            return out.getvalue()
        target = Path(path)
        with open(target, "w", encoding="utf-8", newline="") as f:
            _write_rows(self, f)
        if self._reports is not None:
            _schema_path(target).write_text(
                dumps(table_schema(self._reports)) + "\n", encoding="utf-8"
            )
        return None

    def _repr_html_(self) -> str:
        rows = [
            [
                fmt(row.get(c), pct=c.endswith("rate") and row.get(c) is not None)
                for c in CAMPAIGN_COLUMNS
            ]
            for row in self
        ]
        return table_html(f"Campaigns ({len(self)})", list(CAMPAIGN_COLUMNS), rows)


def campaigns_table(reports: Sequence[Report]) -> CampaignsTable:
    """O-5: one row per campaign, keys in :data:`CAMPAIGN_COLUMNS` order.

    The result is a :class:`CampaignsTable`: a ``list`` of ``dict`` that also has
    ``to_pandas()``, ``to_csv()`` and an HTML form for notebooks.

    >>> import campaign_metrics as cm
    >>> rows = campaigns_table(cm.analyze("examples/sms_weekly_digest"))
    >>> rows[0]["total_sent"], rows[0]["type"]
    (4221, 'sms')
    """
    return CampaignsTable((_row(r) for r in reports), reports=reports)


def _write_rows(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    write_csv(out, CAMPAIGN_COLUMNS, ([row[c] for c in CAMPAIGN_COLUMNS] for row in rows))


def _schema_path(target: Path) -> Path:
    return target.with_name(target.name + ".schema.json")


def write_campaigns_csv(reports: Sequence[Report], out: IO[str]) -> None:
    """O-5, X-6: the campaigns table as spreadsheet-safe CSV."""
    _write_rows(campaigns_table(reports), out)


def table_schema(reports: Sequence[Report]) -> dict[str, Any]:
    """X-5: a Frictionless Table Schema whose field descriptions carry each metric's
    formula and denominator, and whose ``parameters`` are the reports' parameters."""
    fields = []
    for name in CAMPAIGN_COLUMNS:
        type_, formula, numerator, denominator, rule = _COLUMN_INFO[name]
        description = f"{formula} (rule {rule})"
        if denominator is not None:
            description += f"; numerator: {numerator}; denominator: {denominator}"
        fields.append(
            {
                "name": name,
                "type": type_,
                "description": description,
                "definition": {
                    "formula": formula,
                    "numerator": numerator,
                    "denominator": denominator,
                    "rule": rule,
                },
            }
        )
    return {
        "fields": fields,
        "missingValues": [""],
        "parameters": [to_jsonable(r.parameters) | {"campaign_id": r.campaign_id} for r in reports],
    }


def write_campaigns_table(reports: Sequence[Report], path: str | Path) -> tuple[Path, Path]:
    """Write the campaigns table to ``path`` and its schema to ``path.schema.json``."""
    target = Path(path)
    campaigns_table(reports).to_csv(target)
    return target, _schema_path(target)


# --------------------------------------------------------------------------- overview
