"""The reference data journeys draw from: time units, numbers and provider errors.

Times are integer milliseconds since the Unix epoch; the error tables are those of ERRORS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

_SECOND = 1_000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_CLICK_EXPIRY = 360 * _HOUR  # K-2: tracked links expire 15 days after sending
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
_OFFSETS = ((-420, "-07:00"), (-240, "-04:00"), (60, "+01:00"), (120, "+02:00"), (330, "+05:30"))
_AREAS = ("415", "650")
# US exchanges that look real: no 555 and no N11 service codes.
_EXCHANGES = tuple(e for e in range(200, 1000) if e != 555 and e % 100 != 11)
_NUMBER_SPACE = len(_AREAS) * len(_EXCHANGES) * 10_000
_NUMBER_STEP = 1_000_003  # a prime that does not divide _NUMBER_SPACE: index → number is 1:1
_OUTCOMES = (
    "delivered",
    "delivery_failed",
    "soft_bounce",
    "hard_bounce",
    "deleted",
    "sms_fallback",
)
_CATEGORIES = ("shoes", "apparel", "accessories", "home", "beauty")

# Provider error tables (ERRORS.md): (source, code or None, reason, weight).
_Failure = tuple[str, str | None, str]
_TWILIO_SEND = (
    ("twilio", "30003", "Unreachable destination handset", 20),
    ("twilio", "30005", "Unknown destination handset", 15),
    ("twilio", "30007", "Message filtered by the carrier", 20),
    ("twilio", "21211", "Invalid 'To' phone number", 15),
    ("twilio", "21614", "'To' number is not a valid mobile number", 10),
    ("twilio", "30034", "Message from an unregistered number", 8),
    ("twilio", "20429", "Too many requests", 7),
    ("twilio", "30500", "Internal provider error", 5),
)
_SMPP_SEND = (
    ("smpp", "0x0B", "Invalid destination address", 35),
    ("smpp", "0x58", "Throttling error", 30),
    ("smpp", "0x45", "Submit failed", 15),
    ("smpp", "0x14", "Message queue full", 10),
    ("smpp", "0x0A", "Invalid source address", 10),
)
_HTTP_SEND = (
    (429, "Too Many Requests", 35),
    (503, "Service Unavailable", 25),
    (500, "Internal Server Error", 15),
    (502, "Bad Gateway", 10),
    (400, "Bad Request", 8),
    (401, "Unauthorized", 4),
    (408, "Request Timeout", 3),
)
_TWILIO_OUTCOMES: Mapping[str, tuple[tuple[str, str | None, str, int], ...]] = {
    "delivery_failed": (
        ("twilio", "30003", "Unreachable destination handset", 30),
        ("twilio", "30006", "Landline or unreachable carrier", 15),
        ("twilio", "30007", "Message filtered by the carrier", 25),
        ("twilio", "30008", "Unknown error", 15),
        ("twilio", "30017", "Carrier network congestion", 15),
    ),
    "soft_bounce": (
        ("twilio", "30003", "Unreachable destination handset", 50),
        ("twilio", "30017", "Carrier network congestion", 30),
        ("dotdigital", None, "Inbox full", 20),
    ),
    "hard_bounce": (
        ("twilio", "30005", "Unknown destination handset", 50),
        ("twilio", "30006", "Landline or unreachable carrier", 30),
        ("dotdigital", None, "Incorrect number", 20),
    ),
    "deleted": (("smpp", "DELETED", "Deleted by the network", 70), ("dotdigital", None, "", 30)),
}
_MMS_DELIVERY_FAILED = (("twilio", "30011", "MMS not supported by the handset", 20),)
_SMPP_OUTCOMES: Mapping[str, tuple[tuple[str, str | None, str, int], ...]] = {
    "delivery_failed": (
        ("smpp", "UNDELIV", "Undeliverable", 40),
        ("smpp", "REJECTD", "Rejected by the network", 25),
        ("gsm", "003", "Protocol error", 20),
        ("gsm", "012", "System failure", 15),
    ),
    "soft_bounce": (
        ("smpp", "EXPIRED", "Validity period expired", 40),
        ("gsm", "001", "Absent subscriber", 25),
        ("gsm", "011", "Subscriber busy", 15),
        ("dotdigital", None, "Inbox full", 20),
    ),
    "hard_bounce": (
        ("gsm", "005", "Unknown subscriber", 45),
        ("gsm", "009", "Call barred", 20),
        ("dotdigital", None, "Number no longer active", 20),
        ("dotdigital", None, "Device accepts only known senders", 15),
    ),
    "deleted": (("smpp", "DELETED", "Deleted by the network", 100),),
}
_ATTRIBUTES = {
    "user_attribute": ("first_name", "city", "loyalty_tier"),
    "event_attribute": ("order.total", "cart.items[0].name"),
    "campaign_attribute": ("promo_code", "landing_url"),
    "undefined": ("{{custom.unknown}}",),
    "other": ("content_api.price",),
    "": ("first_name",),
}
_PERSONALIZATION = (
    ("user_attribute", 50),
    ("event_attribute", 20),
    ("campaign_attribute", 10),
    ("undefined", 8),
    ("other", 7),
    ("", 5),
)
_SKIP_REASONS = (
    ("SkippedNoContent", 40),
    ("SkippedHypersonalization", 25),
    ("FailedHypersonalization", 20),
    ("ContentTooLong", 15),
)
_API_CODES = ((500, 35), (502, 15), (503, 20), (504, 10), (404, 10), (429, 10))
