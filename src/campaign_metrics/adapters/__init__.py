"""Provider adapters: a provider's own log turned into the message events of FORMATS.md.

``campaign_metrics.adapters.twilio`` reads a Twilio status-callback log
(``--provider twilio``, ``analyze(..., provider="twilio")``). An adapter validates each
record as the events files are validated: a bad one is rejected at its file and line
(``data_quality.rejected``) or, in strict mode, raises :class:`InputError`.
"""

from __future__ import annotations

from . import twilio

__all__ = ["PROVIDERS", "twilio"]

#: The ``provider`` names ``analyze`` and ``--provider`` accept.
PROVIDERS = ("twilio",)
