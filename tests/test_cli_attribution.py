"""Attribution through the command line (A-1..A-13, X-8, FORMATS.md ``--conversions``).

Two campaign directories written under ``tmp_path`` share a ``--conversions`` file; the
JSON report must agree with numbers computed by hand from the rules, and with
``campaign_metrics.analyze`` on the same directories, to the cent.

spring (MMS, clicks on, window 24 h): u1 delivered 7:00 and clicked 8:00; u2 delivered
7:00; u3 sent, no receipt (in transit); u4 Sent as SMS. flash (SMS, clicks off, window
36 h): u1 and u2 delivered 19:00 (12 h after spring).

Conversions (times UTC, 2026-05-04 unless said):
  p1 u1 08:10 10.10   in spring/conversions.jsonl, and in shared.jsonl written as
                      +00:00 / 10.1 (the same content: read once, A-6/D-10)
  p2 u1 22:00 20.20   spring VT+CT, flash VT
  p3 u2 05-05 06:00 0.1    spring VT, flash VT
  p4 u2 05-05 08:30+02:00 (06:30Z) 0.2   spring VT, flash VT
  p5 u3 08:00 99.99   u3 not Delivered (A-1) → nobody
  p6 u4 08:00 5       Sent as SMS (A-7) → nobody
  p7 u2 05-06 06:00 1.00   past spring's 05-05 07:00 end; inside flash's 05-06 07:00
  p8 u9 09:00 3       a user no campaign reached
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics.cli import main
from tests.attribution_helpers import PURCHASE_GOAL, conv_line, write_campaign_dir

SPRING = {
    "id": "spring",
    "name": "Spring sale",
    "channel": "mms",
    "click_tracking": True,
    "attribution_window_hours": 24,
    "goals": [dict(PURCHASE_GOAL)],
}
FLASH = {
    "id": "flash",
    "name": "Flash sale",
    "channel": "sms",
    "attribution_window_hours": 36,
    "goals": [dict(PURCHASE_GOAL)],
}


def _ev(type_: str, user: str, time: str, **extra: Any) -> dict[str, Any]:
    return {"type": type_, "user_id": user, "time": time, **extra}


SPRING_EVENTS = [
    _ev("sent", "u1", "2026-05-04T07:00:00Z"),
    _ev("delivered", "u1", "2026-05-04T07:00:00Z"),
    _ev("clicked", "u1", "2026-05-04T08:00:00Z", url="https://example.com/sale"),
    _ev("sent", "u2", "2026-05-04T07:00:00Z"),
    _ev("delivered", "u2", "2026-05-04T07:00:00+00:00"),
    _ev("sent", "u3", "2026-05-04T07:00:00Z"),
    _ev("sent", "u4", "2026-05-04T07:00:00Z"),
    _ev("sms_fallback", "u4", "2026-05-04T07:01:00Z"),
]
FLASH_EVENTS = [
    _ev("sent", "u1", "2026-05-04T19:00:00Z"),
    _ev("delivered", "u1", "2026-05-04T19:00:00Z"),
    _ev("sent", "u2", "2026-05-04T19:00:00Z"),
    _ev("delivered", "u2", "2026-05-04T19:00:00Z"),
]
P1 = conv_line("p1", "u1", "2026-05-04T08:10:00Z", "10.10")
# the same record as P1, written differently (D-10: Z = +00:00, 10.10 = 10.1)
P1_AGAIN = conv_line("p1", "u1", "2026-05-04T08:10:00+00:00", "10.1")
SHARED = [
    P1_AGAIN,
    conv_line("p2", "u1", "2026-05-04T22:00:00Z", "20.20"),
    conv_line("p3", "u2", "2026-05-05T06:00:00Z", "0.1"),
    conv_line("p4", "u2", "2026-05-05T08:30:00+02:00", "0.2"),
    conv_line("p5", "u3", "2026-05-04T08:00:00Z", "99.99"),
    conv_line("p6", "u4", "2026-05-04T08:00:00Z", "5"),
    conv_line("p7", "u2", "2026-05-06T06:00:00Z", "1.00"),
    conv_line("p8", "u9", "2026-05-04T09:00:00Z", "3"),
]

D = Decimal
# (converted_users, conversion_events, cvr, revenue, aov, arpu) per campaign and type
EXPECTED: dict[str, dict[str, tuple[Any, ...] | None]] = {
    "spring": {
        # VT: p1 p2 p3 p4 = 30.60; 4 events, 2 users (u1, u2), Delivered 2 (u1, u2)
        "view_through": (2, 4, 100.0, D("30.60"), D("7.65"), D("15.30")),
        # CT from 8:00 to 05-05 08:00: p1 p2 = 30.30, u1 only
        "click_through": (1, 2, 50.0, D("30.30"), D("15.15"), D("30.30")),
        # IS 8:00–8:30: p1
        "in_session": (1, 1, 50.0, D("10.10"), D("10.10"), D("10.10")),
    },
    "flash": {
        # VT from 19:00 to 05-06 07:00: p2 p3 p4 p7 = 21.50; AOV 5.375 → 5.38 (half-even)
        "view_through": (2, 4, 100.0, D("21.50"), D("5.38"), D("10.75")),
        "click_through": None,  # CH-3: click tracking off
        "in_session": None,
    },
}
# A-13 (spring): direct = IS {p1}; assisted = {p1 p2 p3 p4} − {p1}. X-8: shared = the VT
# events both claim = {p2 p3 p4}.
EXPECTED_SECTION: dict[str, dict[str, Any]] = {
    "spring": {
        "direct_orders": 1,
        "assisted_orders": 3,
        "direct_revenue": D("10.10"),
        "assisted_revenue": D("20.50"),
        "shared_conversions": 3,
    },
    "flash": {
        "direct_orders": None,
        "assisted_orders": None,
        "direct_revenue": None,
        "assisted_revenue": None,
        "shared_conversions": 3,
    },
}
FIELDS = (
    "converted_users",
    "conversion_events",
    "cvr",
    "revenue",
    "average_order_value",
    "average_revenue_per_user",
)


@pytest.fixture
def run_dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    spring = write_campaign_dir(tmp_path, SPRING, SPRING_EVENTS, [P1])
    flash = write_campaign_dir(tmp_path, FLASH, FLASH_EVENTS)
    shared = tmp_path / "shared.jsonl"
    shared.write_text("".join(line + "\n" for line in SHARED), encoding="utf-8")
    return spring, flash, shared


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def _cli_json(*args: str) -> list[dict[str, Any]]:
    status, out, err = _cli(*args)
    assert status == 0, err
    assert "Traceback" not in err
    reports: list[dict[str, Any]] = json.loads(out, parse_float=Decimal)
    return reports


def _money_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def test_cli_conversion_section_matches_the_rules_to_the_cent(
    run_dirs: tuple[Path, Path, Path],
) -> None:
    """A-1..A-13, A-6, R-2, X-8 through ``report DIR DIR --conversions FILE --json``: every
    number of both campaigns' ``conversion`` sections as computed by hand above."""
    spring, flash, shared = run_dirs
    reports = _cli_json("report", str(spring), str(flash), "--conversions", str(shared), "--json")
    assert [r["campaign_id"] for r in reports] == ["spring", "flash"]
    for report in reports:
        cid = report["campaign_id"]
        section = report["conversion"]
        for type_, expected in EXPECTED[cid].items():
            block = section[type_]
            if expected is None:
                assert all(block[f] is None for f in FIELDS), (cid, type_)
                assert block["goals"] == [], (cid, type_)  # a list key: empty, never null
                continue
            users, events, cvr, revenue, aov, arpu = expected
            assert block["converted_users"] == users, (cid, type_)
            assert block["conversion_events"] == events, (cid, type_)
            assert block["cvr"] is not None
            assert float(block["cvr"]) == pytest.approx(cvr), (cid, type_)
            assert block["revenue"] == revenue, (cid, type_)
            assert block["average_order_value"] == aov, (cid, type_)
            assert block["average_revenue_per_user"] == arpu, (cid, type_)
            [goal] = block["goals"]
            assert goal["name"] == "buy"
            assert goal["primary"] is True
            assert (goal["total_conversions"], goal["unique_conversions"]) == (events, users)
            assert goal["revenue"] == revenue
        for key, value in EXPECTED_SECTION[cid].items():
            assert section[key] == value, (cid, key)


def test_cli_money_is_written_as_exact_json_numbers(run_dirs: tuple[Path, Path, Path]) -> None:
    """A-11 / FORMATS.md: money is a JSON number written from the exact Decimal — the 0.1 +
    0.2 inside spring's 30.60 never becomes 30.600000000000001 — not a string."""
    spring, flash, shared = run_dirs
    status, out, err = _cli(
        "report", str(spring), str(flash), "--conversions", str(shared), "--json"
    )
    assert status == 0, err
    plain = json.loads(out)  # without parse_float: money must be numbers
    assert isinstance(plain[0]["conversion"]["view_through"]["revenue"], (int, float))
    exact = json.loads(out, parse_float=Decimal)
    assert exact[0]["conversion"]["view_through"]["revenue"] == Decimal("30.60")
    assert exact[1]["conversion"]["view_through"]["revenue"] == Decimal("21.50")


def test_cli_agrees_with_the_python_api_to_the_cent(run_dirs: tuple[Path, Path, Path]) -> None:
    """FORMATS.md: ``analyze`` does the same job as the command line; the conversion
    sections agree exactly (money as Decimal, counts as int, rates as float)."""
    spring, flash, shared = run_dirs
    cli = _cli_json("report", str(spring), str(flash), "--conversions", str(shared), "--json")
    api = [r.to_dict() for r in cm.analyze(str(spring), str(flash), conversions=str(shared))]
    assert len(api) == len(cli) == 2
    for a, c in zip(api, cli, strict=True):
        assert a["campaign_id"] == c["campaign_id"]
        assert a["as_of"] == c["as_of"]
        _assert_same(a["conversion"], c["conversion"], a["campaign_id"])


def _assert_same(api: Any, cli: Any, where: str) -> None:
    if isinstance(api, dict):
        assert isinstance(cli, dict), where
        assert api.keys() == cli.keys(), where
        for key in api:
            _assert_same(api[key], cli[key], f"{where}.{key}")
    elif isinstance(api, (list, tuple)):
        assert isinstance(cli, list), where
        assert len(api) == len(cli), where
        for i, (x, y) in enumerate(zip(api, cli, strict=True)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(api, Decimal):
        assert Decimal(str(cli)) == api, where
    elif isinstance(api, float):
        assert float(cli) == api, where
    else:
        assert api == cli, where


@pytest.mark.parametrize("attribution", ["click_through", "in_session"])
def test_cli_attribution_option_keeps_all_three_types(
    run_dirs: tuple[Path, Path, Path], attribution: str
) -> None:
    """A-12: ``--attribution`` is recorded in the parameters; ``conversion`` shows the same
    three types as the default run."""
    spring, flash, shared = run_dirs
    base = ["report", str(spring), str(flash), "--conversions", str(shared), "--json"]
    default = _cli_json(*base)
    chosen = _cli_json(*base, "--attribution", attribution)
    for d, c in zip(default, chosen, strict=True):
        assert c["parameters"]["attribution_type"] == attribution
        assert d["parameters"]["attribution_type"] == "view_through"
        for type_ in ("view_through", "click_through", "in_session"):
            assert c["conversion"][type_] == d["conversion"][type_], (c["campaign_id"], type_)
        for key in ("direct_orders", "assisted_orders", "direct_revenue", "assisted_revenue"):
            assert c["conversion"][key] == d["conversion"][key]


def test_cli_x8_warning_names_both_campaigns(run_dirs: tuple[Path, Path, Path]) -> None:
    """X-8: spring and flash share the primary-goal event ``purchase`` and reached u1 (and
    u2) 12 h apart, closer than the smaller window (24 h): both reports carry one warning
    line naming both campaigns; warnings are sorted."""
    spring, flash, shared = run_dirs
    reports = _cli_json("report", str(spring), str(flash), "--conversions", str(shared), "--json")
    for report in reports:
        warnings = report["data_quality"]["warnings"]
        assert warnings == sorted(warnings)
        lines = [w for w in warnings if "spring" in w and "flash" in w]
        assert len(lines) == 1, warnings


def test_cli_a6_conversions_only_in_one_directory_reach_every_campaign(tmp_path: Path) -> None:
    """A-6 Decision: a conversion in spring's own conversions.jsonl is matched against flash
    too (no --conversions at all)."""
    spring = write_campaign_dir(
        tmp_path,
        SPRING,
        SPRING_EVENTS,
        [conv_line("p2", "u1", "2026-05-04T22:00:00Z", "20.20")],
    )
    flash = write_campaign_dir(tmp_path, FLASH, FLASH_EVENTS)
    reports = _cli_json("report", str(spring), str(flash), "--json")
    for report in reports:
        vt = report["conversion"]["view_through"]
        assert vt["conversion_events"] == 1, report["campaign_id"]
        assert vt["revenue"] == Decimal("20.20"), report["campaign_id"]
        assert report["conversion"]["shared_conversions"] == 1


@pytest.mark.parametrize(("window", "status"), [(168, 0), (169, 2)])
def test_cli_a2_mms_window_over_168_hours_exits_2(tmp_path: Path, window: int, status: int) -> None:
    """A-2 / FORMATS.md: an MMS window over 168 hours is a configuration error: exit 2 with
    a message that says what is allowed, never a traceback; exactly 168 is fine."""
    spring = write_campaign_dir(
        tmp_path, {**SPRING, "attribution_window_hours": window}, SPRING_EVENTS
    )
    code, out, err = _cli("report", str(spring), "--json")
    assert code == status, err
    assert "Traceback" not in err
    if status == 2:
        assert "168" in err
        assert out == ""
    else:
        [report] = json.loads(out)
        assert report["parameters"]["attribution_window_hours"] == 168


def test_cli_revenue_given_as_a_string_is_rejected_not_counted(tmp_path: Path) -> None:
    """FORMATS.md conversions.jsonl: revenue is an optional JSON number; a string is a bad
    record (lenient: rejected with a warning on stderr, exit 0), never read as 10.10."""
    spring = write_campaign_dir(tmp_path, SPRING, SPRING_EVENTS)
    shared = tmp_path / "bad.jsonl"
    good = conv_line("ok", "u1", "2026-05-04T09:00:00Z", "1.00")
    bad = good.replace('"ok"', '"bad"').replace("1.00", '"10.10"')
    shared.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    status, out, err = _cli("report", str(spring), "--conversions", str(shared), "--json")
    assert status == 0, err
    assert "bad.jsonl" in err
    [report] = json.loads(out, parse_float=Decimal)
    vt = report["conversion"]["view_through"]
    assert vt["conversion_events"] == 1
    assert vt["revenue"] == Decimal("1.00")
    rejected = report["data_quality"]["rejected"]
    assert [(r["file"], r["line"], r["field"]) for r in rejected] == [(str(shared), 2, "revenue")]


def test_cli_a11_revenue_keeps_every_digit_of_the_json_literal(tmp_path: Path) -> None:
    """A-11 Decision: revenue is the Decimal of the JSON literal, so 1234567890123456.78
    (18 significant digits, beyond a float's) + 0.01 = 1234567890123456.79 exactly; AOV
    is that / 2 = 617283945061728.395 → 617283945061728.40 (half-even)."""
    spring = write_campaign_dir(tmp_path, SPRING, SPRING_EVENTS)
    shared = tmp_path / "big.jsonl"
    lines = [
        conv_line("big", "u1", "2026-05-04T09:00:00Z", "1234567890123456.78"),
        conv_line("cent", "u1", "2026-05-04T09:30:00Z", "0.01"),
    ]
    shared.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    [report] = _cli_json("report", str(spring), "--conversions", str(shared), "--json")
    vt = report["conversion"]["view_through"]
    assert vt["revenue"] == Decimal("1234567890123456.79")
    assert vt["average_order_value"] == Decimal("617283945061728.40")
    assert vt["average_revenue_per_user"] == Decimal("1234567890123456.79")
