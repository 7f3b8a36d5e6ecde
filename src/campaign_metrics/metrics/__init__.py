"""The metric functions: the rules of RULES.md as pure functions of frozen values.

This is the library's second public layer, under the file readers and the accumulators
of :mod:`campaign_metrics`. Each function takes resolved messages — one frozen
:class:`MessageView` per (user, instance) pair as of the report's instant (D-7) — and,
where the rule needs it, the :class:`~campaign_metrics.model.Campaign`, and returns one
frozen report section. Nothing here reads a file, a clock, an environment variable or a
global, and nothing imports the engine: a backend that keeps its own store (a database,
a stream processor) makes the views itself and calls the same rules the report uses,
without the file readers or the accumulator.

>>> from campaign_metrics.metrics import MessageView, Outcome, delivery_section
>>> views = [
...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=4),
...     MessageView.sent_message("u2", send_us=0, outcome=Outcome.SENT_AS_SMS),  # D-6
... ]
>>> d = delivery_section(views, delivery_tracked=True, as_of=10, validity_us=100)
>>> d.sent, d.delivered, d.sent_as_sms, d.delivered_rate
(2, 1, 1, 50.0)

Times are integer microseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from .assemble import ResolvedRun, build_reports, resolved_run, run_partial
from .attribution import Attribution, attribute
from .breakdowns import breakdowns_section
from .contacts import ContactFacts, contacts_section
from .conversion import conversion_section
from .daily import daily_section
from .delivery import delivery_section, engagement_section
from .errors import errors_section
from .funnel import funnel_section
from .partial import CampaignPartial, RunPartial
from .quality import data_quality_section
from .rates import average_money, rate
from .timeline import timeline_section
from .types import (
    CampaignFacts,
    ConversionFacts,
    ConversionRecord,
    MessageView,
    Outcome,
    RareFacts,
)
from .uplift import uplift_section

__all__ = [
    "Attribution",
    "CampaignFacts",
    "CampaignPartial",
    "ContactFacts",
    "ConversionFacts",
    "ConversionRecord",
    "MessageView",
    "Outcome",
    "RareFacts",
    "ResolvedRun",
    "RunPartial",
    "attribute",
    "average_money",
    "breakdowns_section",
    "build_reports",
    "contacts_section",
    "conversion_section",
    "daily_section",
    "data_quality_section",
    "delivery_section",
    "engagement_section",
    "errors_section",
    "funnel_section",
    "rate",
    "resolved_run",
    "run_partial",
    "timeline_section",
    "uplift_section",
]
