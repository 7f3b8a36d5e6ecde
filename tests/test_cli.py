"""The command line (FORMATS.md): lenient and strict reading, configuration errors, --json.

Campaign directories are written under pytest's ``tmp_path``; the CLI runs in-process
through ``campaign_metrics.cli.main``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli, write_campaign_dir

TOP_LEVEL_KEYS = {
    "campaign_id",
    "name",
    "channel",
    "as_of",
    "parameters",
    "delivery",
    "engagement",
    "conversion",
    "funnel",
    "errors",
    "contacts",
    "breakdowns",
    "uplift",
    "daily",
    "timeline",
    "data_quality",
    "definitions",
}

SMS = {"id": "c1", "name": "Spring", "channel": "sms"}


def _event(type_: str, time: str, user: str = "u1", **extra: Any) -> dict[str, Any]:
    return {"user_id": user, "type": type_, "time": time, **extra}


GOOD_LOG: list[dict[str, Any] | str] = [
    _event("sent", "2026-05-04T07:00:00Z"),
    _event("delivered", "2026-05-04T08:00:00Z"),
]


def _json_reports(out: str) -> list[dict[str, Any]]:
    reports = json.loads(out)
    assert isinstance(reports, list)
    return reports


def _lenient_dir(tmp_path: Path) -> Path:
    """events.jsonl with bad records on physical lines 2 (naive time), 4 (unknown type)
    and 5 (not JSON); lines 1 and 3 are good."""
    return write_campaign_dir(
        tmp_path,
        SMS,
        events=[
            _event("sent", "2026-05-04T07:00:00Z"),
            _event("delivered", "2026-05-04T07:30:00"),
            _event("delivered", "2026-05-04T08:00:00+00:00"),
            _event("bounced", "2026-05-04T08:00:00Z"),
            '{"user_id": "u1", "type": ',
        ],
    )


# --------------------------------------------------------------------------- lenient


def test_lenient_mode_warns_once_per_rejected_record_and_exits_0(tmp_path: Path) -> None:
    """FORMATS.md (CLI): lenient by default — one stderr line per rejected record
    naming its file and line (up to five), then the summary line, exit status 0."""
    directory = _lenient_dir(tmp_path)
    code, _, err = run_cli("report", directory, "--json")
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 4
    for line_no, line in zip((2, 4, 5), lines[:3], strict=True):
        assert f"events.jsonl:{line_no}" in line
    assert lines[3] == (
        f"campaign-metrics: warning: 3 records rejected in {directory}/events.jsonl "
        "(by reason: expected a JSON object 1, field 'time' 1, field 'type' 1); the full "
        "list is in data_quality.rejected (--json) or with --show-rejected"
    )
    assert "Traceback" not in err


def _many_bad_dir(tmp_path: Path, bad: int) -> Path:
    return write_campaign_dir(
        tmp_path,
        SMS,
        events=[
            _event("sent", "2026-05-04T07:00:00Z"),
            *(_event("sent", f"2026-05-04T07:{i:02d}:00", user=f"u{i}") for i in range(bad)),
        ],
    )


def test_many_rejected_records_print_five_then_one_summary_line(tmp_path: Path) -> None:
    """Issue 17: at most the first 5 rejected records get a warning line, then one
    line counts them all by file and reason and says where the full list is."""
    directory = _many_bad_dir(tmp_path, 12)
    code, out, err = run_cli("report", directory, "--json")
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 6
    assert [f"events.jsonl:{n}:" in line for n, line in zip(range(2, 7), lines)] == [True] * 5
    assert lines[5] == (
        f"campaign-metrics: warning: 12 records rejected in {directory}/events.jsonl "
        "(by reason: field 'time' 12); the full list is in data_quality.rejected (--json) "
        "or with --show-rejected"
    )
    [rep] = _json_reports(out)
    assert len(rep["data_quality"]["rejected"]) == 12


def test_show_rejected_prints_every_rejected_record(tmp_path: Path) -> None:
    """Issue 17: ``--show-rejected`` warns about every rejected record (and still
    closes with the summary line)."""
    directory = _many_bad_dir(tmp_path, 12)
    code, _, err = run_cli("report", directory, "--json", "--show-rejected")
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 13
    assert all("(record skipped)" in line for line in lines[:12])
    assert lines[12].startswith("campaign-metrics: warning: 12 records rejected in ")


def test_strict_mode_is_unchanged_by_the_summary(tmp_path: Path) -> None:
    """FORMATS.md: ``--strict`` still stops at the first bad record, exit 2, one line."""
    code, _, err = run_cli("report", _many_bad_dir(tmp_path, 12), "--strict")
    assert code == 2
    assert err.splitlines() == [
        f"campaign-metrics: error: {tmp_path}/c1/events.jsonl:2: field 'time': expected an "
        "ISO-8601 time with a UTC offset, got '2026-05-04T07:00:00'"
    ]


def test_terminal_data_quality_block_counts_rejected_by_reason(tmp_path: Path) -> None:
    """Issue 17: the terminal report's data-quality block shows the summary's numbers."""
    code, out, _ = run_cli("report", _lenient_dir(tmp_path), "--no-progress")
    assert code == 0
    assert "rejected records" in out
    for why in ("expected a JSON object", "field 'time'", "field 'type'"):
        assert f"rejected: {why}" in out


def test_lenient_mode_lists_rejected_records_in_data_quality(tmp_path: Path) -> None:
    """FORMATS.md: each rejected record is in `data_quality.rejected` with file, line
    (physical, 1-based), field and reason, sorted by (file, line); the good records
    count (Sent 1, Delivered 1)."""
    code, out, _ = run_cli("report", _lenient_dir(tmp_path), "--json")
    assert code == 0
    [rep] = _json_reports(out)
    rejected = rep["data_quality"]["rejected"]
    assert [(r["file"], r["line"]) for r in rejected] == [
        ("events.jsonl", 2),
        ("events.jsonl", 4),
        ("events.jsonl", 5),
    ]
    assert [r["field"] for r in rejected[:2]] == ["time", "type"]
    assert all(set(r) == {"file", "line", "field", "reason"} for r in rejected)
    assert all(isinstance(r["reason"], str) and r["reason"] for r in rejected)
    assert (rep["delivery"]["sent"], rep["delivery"]["delivered"]) == (1, 1)


def test_stderr_warning_names_the_field(tmp_path: Path) -> None:
    """FORMATS.md: the warning for a bad `time` names the field."""
    _, _, err = run_cli("report", _lenient_dir(tmp_path), "--json")
    line = next(x for x in err.splitlines() if "events.jsonl:2" in x)
    assert "time" in line


def test_csv_header_is_line_1(tmp_path: Path) -> None:
    """FORMATS.md: a CSV's header is line 1, so the second data row is line 3."""
    directory = write_campaign_dir(
        tmp_path,
        SMS,
        events_name="events.csv",
        events=[
            "user_id,type,time",
            "u1,sent,2026-05-04T07:00:00Z",
            "u1,delivered,not-a-time",
            "u1,delivered,2026-05-04T08:00:00Z",
        ],
    )
    code, out, err = run_cli("report", directory, "--json")
    assert code == 0
    [rep] = _json_reports(out)
    rejected = rep["data_quality"]["rejected"]
    assert [(r["file"], r["line"], r["field"]) for r in rejected] == [("events.csv", 3, "time")]
    assert "events.csv:3" in err
    assert (rep["delivery"]["sent"], rep["delivery"]["delivered"]) == (1, 1)


def test_recipients_rejection_names_the_csv_line(tmp_path: Path) -> None:
    """FORMATS.md: recipients.csv rows are rejected like events: the bad `group` of the
    second data row is line 3; the good rows are kept (2 valid numbers)."""
    directory = write_campaign_dir(
        tmp_path,
        {**SMS, "default_region": "US"},
        events=GOOD_LOG,
        recipients=(
            "user_id,mobile_number,locale,variation,timezone,group\n"
            "u1,+14155550100,,,,\n"
            "u2,+14155550101,,,,vip\n"
            "u3,+14155550102,,,,control\n"
        ),
    )
    code, out, _ = run_cli("report", directory, "--json")
    assert code == 0
    [rep] = _json_reports(out)
    rejected = rep["data_quality"]["rejected"]
    assert [(r["file"], r["line"], r["field"]) for r in rejected] == [
        ("recipients.csv", 3, "group")
    ]
    stages = {s["stage"]: s["users"] for s in rep["funnel"]}
    assert stages["valid_mobile_numbers"] == 2


def test_record_of_another_campaign_is_rejected(tmp_path: Path) -> None:
    """FORMATS.md: a `campaign_id` other than the directory's campaign is rejected."""
    directory = write_campaign_dir(
        tmp_path,
        SMS,
        events=[*GOOD_LOG, _event("sent", "2026-05-04T07:00:00Z", "u2", campaign_id="other")],
    )
    code, out, _ = run_cli("report", directory, "--json")
    assert code == 0
    [rep] = _json_reports(out)
    rejected = rep["data_quality"]["rejected"]
    assert [(r["line"], r["field"]) for r in rejected] == [(3, "campaign_id")]
    assert rep["delivery"]["sent"] == 1


def test_default_as_of_ignores_rejected_records(tmp_path: Path) -> None:
    """D-7: the default instant is the latest time of an *accepted* record: a rejected
    record (unknown type) timed a week later does not move it from 08:00."""
    directory = write_campaign_dir(
        tmp_path, SMS, events=[*GOOD_LOG, _event("bogus", "2026-05-11T07:00:00Z")]
    )
    code, out, _ = run_cli("report", directory, "--json")
    assert code == 0
    [rep] = _json_reports(out)
    assert len(rep["data_quality"]["rejected"]) == 1
    expected = dt.datetime(2026, 5, 4, 8, tzinfo=dt.timezone.utc)
    assert dt.datetime.fromisoformat(rep["as_of"]) == expected


def test_as_of_option_limits_the_records(tmp_path: Path) -> None:
    """D-7 via `--as-of`: as of 07:30 the 08:00 receipt does not count yet."""
    directory = write_campaign_dir(tmp_path, SMS, events=GOOD_LOG)
    code, out, _ = run_cli("report", directory, "--json", "--as-of", "2026-05-04T07:30:00Z")
    assert code == 0
    [rep] = _json_reports(out)
    assert (rep["delivery"]["sent"], rep["delivery"]["delivered"]) == (1, 0)
    assert rep["delivery"]["in_transit"] == 1


def test_file_spellings_of_one_instant_are_duplicates(tmp_path: Path) -> None:
    """D-10 through the readers: `Z`, `+00:00` and `+02:00` spellings of one instant,
    a filled-in `campaign_id`, and revenue `10.50` vs `10.5` are the same content:
    3 duplicates (2 events, 1 conversion), no id conflict, one purchase of 10.5."""
    directory = write_campaign_dir(
        tmp_path,
        {
            **SMS,
            "goals": [{"name": "p", "event": "purchase", "primary": True, "track_revenue": True}],
        },
        events=[
            {"event_id": "e1", "user_id": "u1", "type": "sent", "time": "2026-05-04T07:00:00Z"},
            {
                "event_id": "e1",
                "user_id": "u1",
                "type": "sent",
                "time": "2026-05-04T07:00:00+00:00",
            },
            {"event_id": "e2", "user_id": "u1", "type": "delivered", "time": "2026-05-04T07:00Z"},
            {
                "event_id": "e2",
                "campaign_id": "c1",
                "user_id": "u1",
                "type": "delivered",
                "time": "2026-05-04T09:00:00+02:00",
            },
        ],
    )
    (directory / "conversions.jsonl").write_text(
        '{"event_id": "p1", "user_id": "u1", "name": "purchase", '
        '"time": "2026-05-04T08:00:00Z", "revenue": 10.50}\n'
        '{"event_id": "p1", "user_id": "u1", "name": "purchase", '
        '"time": "2026-05-04T08:00:00+00:00", "revenue": 10.5}\n',
        encoding="utf-8",
    )
    code, out, err = run_cli("report", directory, "--json")
    assert (code, err) == (0, "")
    [rep] = _json_reports(out)
    dq = rep["data_quality"]
    assert (dq["duplicates"], dq["id_conflicts"]) == (3, 0)
    assert (rep["delivery"]["sent"], rep["delivery"]["delivered"]) == (1, 1)
    vt = rep["conversion"]["view_through"]
    assert vt["conversion_events"] == 1
    assert vt["revenue"] == pytest.approx(10.5)


# --------------------------------------------------------------------------- strict


def test_strict_mode_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    """FORMATS.md: `--strict` stops at the first bad record (line 2, field `time`) with
    exit status 2 and a one-line message, never a traceback."""
    code, out, err = run_cli("report", _lenient_dir(tmp_path), "--json", "--strict")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    message = lines[0]
    assert "events.jsonl" in message
    assert "2" in message.replace("events.jsonl", "")
    assert "events.jsonl:2" in message or "line 2" in message
    assert "time" in message
    assert "Traceback" not in err


def test_strict_mode_names_a_bad_recipients_row(tmp_path: Path) -> None:
    """FORMATS.md: `--strict` also stops at a bad recipients.csv row (line 3, `group`)."""
    directory = write_campaign_dir(
        tmp_path,
        SMS,
        events=GOOD_LOG,
        recipients="user_id,mobile_number,locale,variation,timezone,group\nu1,,,,,\nu2,,,,,vip\n",
    )
    code, out, err = run_cli("report", directory, "--strict")
    assert code == 2
    assert out == ""
    [message] = err.strip().splitlines()
    assert "recipients.csv:3" in message
    assert "group" in message
    assert "Traceback" not in err


def test_strict_mode_accepts_a_clean_log(tmp_path: Path) -> None:
    """FORMATS.md: `--strict` with no bad record reports as usual (exit 0)."""
    directory = write_campaign_dir(tmp_path, SMS, events=GOOD_LOG)
    code, out, err = run_cli("report", directory, "--json", "--strict")
    assert code == 0
    assert err == ""
    [rep] = _json_reports(out)
    assert rep["data_quality"]["rejected"] == []


# --------------------------------------------------------------------------- configuration


def test_mms_window_over_168_hours_exits_2_and_names_the_limit(tmp_path: Path) -> None:
    """A-2 / FORMATS.md: an MMS window of 169 h is a configuration error: exit 2, a
    message saying what is allowed (168), no traceback."""
    directory = write_campaign_dir(
        tmp_path,
        {"id": "m1", "name": "MMS", "channel": "mms", "attribution_window_hours": 169},
        events=GOOD_LOG,
    )
    code, out, err = run_cli("report", directory, "--json")
    assert code == 2
    assert out == ""
    assert "168" in err
    assert "attribution_window_hours" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_mms_window_of_exactly_168_hours_is_allowed(tmp_path: Path) -> None:
    """A-2: exactly 168 hours is allowed."""
    directory = write_campaign_dir(
        tmp_path,
        {"id": "m1", "name": "MMS", "channel": "mms", "attribution_window_hours": 168},
        events=GOOD_LOG,
    )
    code, out, _ = run_cli("report", directory, "--json")
    assert code == 0
    [rep] = _json_reports(out)
    assert rep["parameters"]["attribution_window_hours"] == 168


def test_delivery_tracking_on_connector_exits_2(tmp_path: Path) -> None:
    """CH-2 / FORMATS.md: a configuration error in campaign.json exits 2, no traceback."""
    directory = write_campaign_dir(
        tmp_path,
        {"id": "k1", "name": "Hook", "channel": "connector", "delivery_tracking": True},
        events=GOOD_LOG,
    )
    code, out, err = run_cli("report", directory, "--json")
    assert code == 2
    assert out == ""
    assert "delivery_tracking" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("make", ["missing", "file", "no_campaign_json"])
def test_unreadable_directory_exits_2(tmp_path: Path, make: str) -> None:
    """FORMATS.md: an unreadable directory always exits 2 with a message, no traceback."""
    target = tmp_path / "nope"
    if make == "file":
        target.write_text("not a directory", encoding="utf-8")
    elif make == "no_campaign_json":
        target.mkdir()
    code, out, err = run_cli("report", target, "--json")
    assert code == 2
    assert out == ""
    assert err.strip()
    assert "Traceback" not in err


# --------------------------------------------------------------------------- --json


def test_json_prints_a_list_with_exactly_the_top_level_keys(tmp_path: Path) -> None:
    """FORMATS.md: `--json` prints a list, one object per campaign in the order given,
    each with exactly the report's top-level keys."""
    first = write_campaign_dir(
        tmp_path, {"id": "zz", "name": "Z", "channel": "sms"}, events=GOOD_LOG
    )
    second = write_campaign_dir(
        tmp_path, {"id": "aa", "name": "A", "channel": "connector"}, events=GOOD_LOG[:1]
    )
    code, out, _ = run_cli("report", first, second, "--json")
    assert code == 0
    reports = _json_reports(out)
    assert [r["campaign_id"] for r in reports] == ["zz", "aa"]
    assert [r["channel"] for r in reports] == ["sms", "connector"]
    for rep in reports:
        assert set(rep) == TOP_LEVEL_KEYS


def test_json_of_a_single_campaign_is_still_a_list(tmp_path: Path) -> None:
    """FORMATS.md: always a list, even for one campaign; counts are integers."""
    directory = write_campaign_dir(tmp_path, SMS, events=GOOD_LOG)
    code, out, _ = run_cli("report", directory, "--json")
    assert code == 0
    reports = _json_reports(out)
    assert len(reports) == 1
    delivery = reports[0]["delivery"]
    assert delivery["sent"] == 1
    assert isinstance(delivery["sent"], int)
    assert delivery["delivered_rate"] == pytest.approx(100.0)
