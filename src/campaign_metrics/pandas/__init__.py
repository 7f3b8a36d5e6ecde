"""Reports as tidy pandas DataFrames (extra ``pandas``: ``pip install 'campaign-metrics[pandas]'``).

Every frame has one row per item of a list-shaped section of the report (a funnel stage,
a day, an error reason, a comparison...) and a first ``campaign_id`` column, so frames of
several campaigns concatenate. The columns have the dtypes of what they hold:

- counts: nullable ``Int64`` (``<NA>`` where the report holds ``None``: not tracked);
- rates, shares, percentage points and p-values: nullable ``Float64``;
- money: ``decimal.Decimal`` objects (``object`` dtype), the report's exact values, or
  ``None``; convert with ``frame["revenue"].astype(float)`` to do float arithmetic;
- text: ``string``; flags: nullable ``boolean``;
- calendar days (``daily.date``): ``datetime64`` at midnight of the day in the app's time
  zone; instants (``last_sent`` of the campaigns table): ``datetime64`` in UTC.

:meth:`campaign_metrics.Report.to_pandas` gives one report's section;
:func:`section_frame` the same section over several reports.

>>> import campaign_metrics as cm
>>> from campaign_metrics.pandas import section_frame
>>> section_frame(cm.analyze("examples/mms_spring_sale"), "funnel")["users"].tolist()
[2969, 2941, 2928, 2588, 2423]
"""

from __future__ import annotations

from .columns import _column as _column
from .columns import _frame as _frame
from .columns import _pd as _pd
from .sections import (
    SECTIONS,
    campaigns_frame,
    daily_frame,
    failed_to_send_frame,
    funnel_frame,
    locale_variation_frame,
    section_frame,
    summary_frame,
)

__all__ = [
    "SECTIONS",
    "campaigns_frame",
    "daily_frame",
    "failed_to_send_frame",
    "funnel_frame",
    "locale_variation_frame",
    "section_frame",
    "summary_frame",
]
