"""Twilio status callbacks (issue 17, ``--provider twilio``): each callback is mapped
to at most one message event by docs/formats.md's table; in-flight statuses are
ignored and counted (CH-2's ``ignored_events``), ``read`` is an engagement count, codes
carry the ``twilio:`` prefix of ERRORS.md (X-4) and numbers are masked (X-7)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics.adapters.twilio import IN_FLIGHT, STATUS_MAP, callback_event
from campaign_metrics.errors import InputError
from campaign_metrics.model import MessageEvent
from tests.helpers import run_cli

SMS = {"id": "tw1", "name": "Twilio demo", "channel": "sms"}
RECIPIENTS = (
    "user_id,mobile_number,locale,variation,timezone,group\n"
    "u1,+14155550101,,,,\nu2,+14155550102,,,,\nu3,+14155550103,,,,\n"
)
HEADER = "MessageSid,MessageStatus,ErrorCode,To,From,AccountSid,Timestamp"
ROWS = [
    "SM1,queued,,+14155550101,+15005550006,AC1,2026-05-04T07:00:00Z",
    "SM1,sent,,+14155550101,+15005550006,AC1,2026-05-04T07:00:01Z",
    "SM1,delivered,,+14155550101,+15005550006,AC1,2026-05-04T07:00:05Z",
    "SM1,delivered,,+14155550101,+15005550006,AC1,2026-05-04T07:00:05Z",
    "SM1,read,,+14155550101,+15005550006,AC1,2026-05-04T07:10:00Z",
    "SM2,accepted,,+14155550102,+15005550006,AC1,2026-05-04T07:00:00Z",
    "SM2,sending,,+14155550102,+15005550006,AC1,2026-05-04T07:00:00Z",
    "SM2,sent,,+14155550102,+15005550006,AC1,2026-05-04T07:00:01Z",
    "SM2,undelivered,30003,+14155550102,+15005550006,AC1,2026-05-04T07:00:09Z",
    'SM3,failed,30007,+14155550103,+15005550006,AC1,"Mon, 04 May 2026 07:00:02 +0000"',
    "SM5,+14155550109,,+14155550109,+15005550006,AC1,2026-05-04T07:00:01Z",
]


def _callback_dir(root: Path, name: str = "events.csv", rows: list[str] = ROWS) -> Path:
    directory = root / "tw1"
    directory.mkdir(parents=True)
    (directory / "campaign.json").write_text(json.dumps(SMS), encoding="utf-8")
    (directory / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    (directory / name).write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return directory


def test_status_map_covers_twilio_statuses_as_documented() -> None:
    """The mapping table of docs/formats.md: sent and delivered as they are,
    undelivered → delivery_failed, failed → send_failed, read an engagement, the rest in
    flight (or not final) and ignored."""
    assert {s: t for s, t in STATUS_MAP.items() if t is not None} == {
        "sent": "sent",
        "delivered": "delivered",
        "undelivered": "delivery_failed",
        "failed": "send_failed",
    }
    assert {"queued", "accepted", "sending", "scheduled"} <= IN_FLIGHT
    assert "read" not in IN_FLIGHT
    docs = (Path(__file__).resolve().parents[1] / "docs" / "formats.md").read_text()
    for status in STATUS_MAP:
        assert f"`{status}`" in docs


def test_callback_event_prefixes_the_error_code_and_hides_the_number() -> None:
    """X-4: ``ErrorCode`` 30003 is ``twilio:30003``; X-7: a number without a recipient
    becomes a pseudonymous user id, never the number."""
    event = callback_event(
        {
            "MessageSid": "SM9",
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
            "To": "+14155550100",
            "Timestamp": "2026-05-04T07:00:00Z",
        }
    )
    assert isinstance(event, MessageEvent)
    assert (event.type.value, event.error_code, event.event_id) == (
        "delivery_failed",
        "twilio:30003",
        "SM9:undelivered",
    )
    assert event.user_id is not None
    assert event.user_id.startswith("tel:")
    assert "4155550100" not in event.user_id


def test_provider_twilio_maps_a_callback_log_to_the_report(tmp_path: Path) -> None:
    """``--provider twilio`` on a CSV callback log: Sent 2 (SM3 failed to send), one
    delivered and one undelivered (twilio:30003), the failure to send twilio:30007;
    three in-flight callbacks ignored with their statuses; the repeated delivered
    callback a D-10 duplicate; one read; the bad status rejected with its number
    masked."""
    directory = _callback_dir(tmp_path)
    code, out, err = run_cli("report", directory, "--provider", "twilio", "--json")
    assert code == 0
    [rep] = json.loads(out)
    delivery = rep["delivery"]
    assert (delivery["attempted"], delivery["sent"], delivery["failed_to_send"]) == (3, 2, 1)
    assert (delivery["delivered"], delivery["failed_to_deliver"]) == (1, 1)
    assert [r["reason"] for r in rep["errors"]["failed_to_send"]] == ["twilio:30007"]
    assert "twilio:30003" in [r["reason"] for r in rep["errors"]["failed_to_deliver"]]
    assert rep["engagement"]["reads"] == 1
    quality = rep["data_quality"]
    assert quality["ignored_events"] == 3
    assert quality["duplicates"] == 1
    assert any("accepted 1, queued 1, sending 1" in w for w in quality["warnings"])
    [rejected] = quality["rejected"]
    assert (rejected["file"], rejected["line"], rejected["field"]) == (
        "events.csv",
        12,
        "MessageStatus",
    )
    assert "4155550109" not in out
    assert "4155550109" not in err
    assert "+1*******09" in rejected["reason"]
    assert err.splitlines()[-1].startswith("campaign-metrics: warning: 1 record rejected in ")


def test_gzipped_jsonl_callback_log_gives_the_same_report(tmp_path: Path) -> None:
    """The callback log as JSON Lines of the webhook's form fields, gzipped."""
    csv_dir = _callback_dir(tmp_path / "a")
    keys = HEADER.split(",")
    import csv

    records: list[dict[str, Any]] = [
        {k: v for k, v in zip(keys, row) if v} for row in csv.reader(ROWS)
    ]
    jsonl_dir = _callback_dir(tmp_path / "b", rows=[])
    (jsonl_dir / "events.csv").unlink()
    (jsonl_dir / "events.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode())
    )
    [a] = cm.analyze(csv_dir, provider="twilio")
    [b] = cm.analyze(jsonl_dir, provider="twilio")
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        for row in d["data_quality"]["rejected"]:
            row["file"] = "log"
            row["line"] -= 1 if d is da else 0  # the CSV's header is line 1
        d["data_quality"]["warnings"] = [w.split(": ", 1)[1] for w in d["data_quality"]["warnings"]]
    assert da == db


def test_strict_mode_names_file_line_and_field(tmp_path: Path) -> None:
    """Strict: the first bad callback raises InputError at its file, line and field."""
    directory = _callback_dir(tmp_path)
    with pytest.raises(InputError) as info:
        cm.analyze(directory, provider="twilio", strict=True)
    assert (info.value.line, info.value.field) == (12, "MessageStatus")
    assert str(info.value).startswith(f"{directory}/events.csv:12: field 'MessageStatus': ")
    assert "4155550109" not in str(info.value)


def test_unknown_provider_is_a_configuration_error(tmp_path: Path) -> None:
    """Only the providers of ``campaign_metrics.adapters.PROVIDERS``."""
    with pytest.raises(cm.ConfigurationError, match="provider must be one of twilio"):
        cm.analyze(_callback_dir(tmp_path), provider="sinch")
