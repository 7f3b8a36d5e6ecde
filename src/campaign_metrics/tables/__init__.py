"""Tables over reports: the campaigns table (O-5), the overview (O-4) and the contacts
list with suppression (O-1..O-3), plus the Frictionless Table Schema of an export (X-5).
"""

from __future__ import annotations

from .campaigns import (
    CAMPAIGN_COLUMNS,
    CampaignsTable,
    campaigns_table,
    table_schema,
    write_campaigns_csv,
    write_campaigns_table,
)
from .contacts import (
    CONTACT_COLUMNS,
    ContactRow,
    Overview,
    overview,
    suppression_list,
    write_contacts_csv,
)

__all__ = [
    "CAMPAIGN_COLUMNS",
    "CONTACT_COLUMNS",
    "CampaignsTable",
    "ContactRow",
    "Overview",
    "campaigns_table",
    "overview",
    "suppression_list",
    "table_schema",
    "write_campaigns_csv",
    "write_campaigns_table",
    "write_contacts_csv",
]
