"""Seeded runs for the reference-report property: three synthetic campaigns, a shared
conversions file, and the imperfections of real logs added to the files afterwards.

``python -m tests._runs SEED DIR`` writes one run and prints its ``analyze`` arguments.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path
from typing import Any, Literal

from campaign_metrics import Campaign
from campaign_metrics.synthetic import SyntheticSpec, write_campaign_dir

__all__ = ["Run", "make_run"]

Run = tuple[list[str], str, str | None]


def _campaign_config(rng: random.Random, cid: str) -> dict[str, Any]:
    channel = rng.choice(["sms", "sms", "mms", "mms", "connector"])
    config: dict[str, Any] = {
        "id": cid,
        "name": f"Campaign {cid}",
        "channel": channel,
        "click_tracking": rng.random() < 0.8,
        "delivery_type": rng.choice(["one_time", "one_time", "one_time", "periodic", "active"]),
        "app_timezone": rng.choice(["UTC", "America/New_York", "Europe/Berlin"]),
        "attribution_window_hours": rng.choice([12, 36, 72]),
        "goals": [
            {
                "name": "purchase",
                "event": "purchase",
                "primary": True,
                "track_revenue": rng.random() < 0.8,
            },
            {
                "name": "big_basket",
                "event": "purchase",
                "primary": False,
                "track_revenue": True,
                "filters": [{"property": "items", "op": "gte", "value": 3}],
            },
            {"name": "signup", "event": "signup", "primary": False},
        ],
    }
    if channel != "connector" and rng.random() < 0.3:
        config["provider"] = "custom"
        config["delivery_tracking"] = rng.random() < 0.5
    if channel == "sms" and rng.random() < 0.5:
        config["max_segments"] = 2
    if rng.random() < 0.1:
        config["goals"] = []
    return config


def _spec(rng: random.Random, config: dict[str, Any], users: int) -> SyntheticSpec:
    return SyntheticSpec(
        campaign=config,
        recipients=users,
        locales=(("en-US", 60), ("es-US", 25), ("", 15)),
        variations=(("A", 45), ("B", 45), ("", 10)),
        control_rate=0.15,
        control_removed_event_rate=0.7,
        invalid_number_rate=0.05,
        duplicate_number_rate=0.05,
        fc_removed_rate=0.04,
        personalization_failed_rate=0.03,
        skipped_rate=0.03,
        send_failed_rate=0.05,
        content_api_error_rate=0.04,
        delivered_rate=0.72,
        delivery_failed_rate=0.04,
        soft_bounce_rate=0.04,
        hard_bounce_rate=0.08,
        deleted_rate=0.02,
        sms_fallback_rate=0.05,
        late_receipt_rate=0.05,
        duplicate_receipt_rate=0.05,
        conflicting_receipt_rate=0.06,
        receipt_without_send_rate=0.03,
        receipt_before_send_rate=0.03,
        untracked_receipt_rate=0.08,
        click_rate=0.35,
        expired_click_rate=0.1,
        unsubscribe_rate=0.06,
        purchase_rate=0.2,
        click_purchase_rate=0.4,
        secondary_goal_rate=0.1,
        outside_window_rate=0.05,
        control_conversion_rate=0.1,
        organic_conversion_rate=0.03,
        missing_event_id_rate=0.05,
        bad_line_rate=0.01,
        start=f"2026-04-14T{rng.choice(['08', '16', '20'])}:00:00Z",
    )


COMMON = ("event_id", "campaign_id", "instance_id", "user_id", "time")
UNLISTED: dict[str, list[tuple[str, Any]]] = {
    "sent": [("url", 5), ("reason", "retry"), ("error_code", "21610"), ("status_code", "x")],
    "clicked": [("response_code", 500), ("segments", "many"), ("error_code", "30007")],
    "delivered": [("error_code", "21610"), ("response_code", 500), ("reason", "late")],
    "attempted": [("send_mode", "bts"), ("tz_mode", "sideways"), ("response_code", 503)],
    "unsubscribed": [("url", "https://stop.example"), ("note", {"a": [1, 2.50]})],
    "control_removed": [("reason", "holdout"), ("segments", -1)],
    "send_failed": [("segments", 3), ("category", "nonsense")],
    "hard_bounce": [("response_code", "bad"), ("url", None)],
}


def _mess_events(
    rng: random.Random,
    path: Path,
    control: set[str],
    multi: bool,
    clicks_on: bool = True,
    tracked: bool = True,
) -> list[str]:
    """Exact repeats, repeats with changed content (id conflicts), and repeated clicks and
    sends carrying a key their type does not list; events of multi-instance campaigns
    without their instance; listed control users with a send attempt (B-2). Returns the
    log's unsubscribes."""
    lines = path.read_text("utf-8").splitlines()
    out: list[str] = []
    unsubscribes = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            out.append(line)
            continue
        if not isinstance(record, dict) or "type" not in record:
            out.append(line)
            continue
        if multi and "instance_id" in record and rng.random() < 0.03:
            del record["instance_id"]  # CH-4: the instance null
            line = json.dumps(record)
        out.append(line)
        if record["type"] == "unsubscribed":
            unsubscribes.append(line)
        if record["type"] == "control_removed" and rng.random() < 0.2:
            out.append(json.dumps(dict(record, type="attempted", event_id="x" + str(len(out)))))
        draw = rng.random()
        if draw < 0.03:
            out.append(line)  # an exact repeat
        elif draw < 0.05 and "event_id" in record and "time" in record:
            changed = dict(record)  # the same id, another content: an id conflict
            changed["time"] = changed["time"].replace(":0", ":1", 1)
            out.append(json.dumps(changed))
        elif draw < 0.15 and record["type"] in ("clicked", "sent"):
            extra = dict(record, retry_of=record.get("event_id", "?"))  # an unlisted key
            out.append(json.dumps(extra))
        elif draw < 0.25 and record["type"] in UNLISTED:
            # a key another type lists, with a value that type would refuse: kept as
            # content, never read, never a reason to reject (FORMATS.md)
            key, value = rng.choice(UNLISTED[record["type"]])
            out.append(json.dumps(dict(record, **{key: value})))
        if record["type"] == "sent" and not clicks_on and rng.random() < 0.2:
            click = dict(record, type="clicked", url="https://x.example/a")  # CH-3: ignored
            for key in ("response_code", "segments", "send_mode", "tz_mode"):
                click.pop(key, None)
            click["event_id"] = "k" + str(len(out))
            out.append(json.dumps(click))
        if record["type"] == "sent" and not tracked and rng.random() < 0.1:
            kind = rng.choice(["sms_fallback", "hard_bounce", "deleted", "delivery_failed"])
            outcome = {k: v for k, v in record.items() if k in COMMON}
            out.append(json.dumps(dict(outcome, type=kind, event_id="o" + str(len(out)))))
    rng.shuffle(out)
    path.write_text("\n".join(out) + "\n", "utf-8")
    return unsubscribes


def _mess_recipients(rng: random.Random, path: Path) -> set[str]:
    """D-10 for recipients.csv: rows repeated with the same and with other content; a few
    rows dropped (F-3: sent outside the funnel). Returns the listed control users."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    control = {row[0] for row in body if row[5] == "control"}
    extra = []
    for row in list(body):
        draw = rng.random()
        if draw < 0.02:
            body.remove(row)
        elif draw < 0.05:
            extra.append(list(row))
        elif draw < 0.1:
            changed = list(row)
            changed[2] = rng.choice(["fr-FR", "", "en-US"])  # locale
            changed[3] = rng.choice(["A", "B", ""])  # variation
            extra.append(changed)
    body = body + extra
    rng.shuffle(body)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    return control


def _trailing_zero(line: str) -> str:
    """D-10: ``10.50`` and ``10.5`` do not differ; rewrite a revenue with a trailing zero."""
    return re.sub(r'("revenue":-?\d+\.\d+)', r"\g<1>0", line)


def make_run(seed: int, root: str | Path, users: int = 60) -> Run:
    """Three campaigns of ``users`` users and a shared conversions file, under ``root``, and the
    as-of instant to analyse them at (None: the default, D-7)."""
    rng = random.Random(seed)
    base = Path(root)
    dirs = []
    shared: list[str] = []
    unsubscribes: list[str] = []
    for n in (1, 2, 3):
        cid = f"c{n}"
        path = base / cid
        config = _campaign_config(rng, cid)
        csv_events = rng.random() < 0.15  # events.csv (FORMATS.md: the same keys as columns)
        fmt: Literal["csv", "jsonl"] = "csv" if csv_events else "jsonl"
        write_campaign_dir(path, _spec(rng, config, users), seed=seed * 7 + n, events_format=fmt)
        control = _mess_recipients(rng, path / "recipients.csv")
        multi = config["delivery_type"] != "one_time"
        for line in [] if csv_events else unsubscribes:  # O-3: one unsubscribe in two logs
            if rng.random() < 0.5:
                with open(path / "events.jsonl", "a", encoding="utf-8") as handle:
                    record = json.loads(line)
                    record.pop("instance_id", None)
                    handle.write(json.dumps(dict(record, campaign_id=cid)) + "\n")
        built = Campaign.from_dict(config)
        unsubscribes += (
            []
            if csv_events
            else _mess_events(
                rng,
                path / "events.jsonl",
                control,
                multi,
                clicks_on=built.click_tracking,
                tracked=built.delivery_tracked,
            )
        )
        if rng.random() < 0.1:
            (path / "recipients.csv").unlink()  # F-3: the funnel without recipients.csv
        conv = path / "conversions.jsonl"
        lines = conv.read_text("utf-8").splitlines()
        where = rng.choice(["shared", "dir", "both"])
        if where != "dir":
            shared.extend(_trailing_zero(x) if rng.random() < 0.3 else x for x in lines)
        if where == "both":
            for line in lines:  # D-10: one conversion id, two contents (an id conflict)
                if rng.random() < 0.1 and line.startswith("{") and line.endswith("}"):
                    shared.append(line.replace('"name":"purchase"', '"name":"signup"'))
        for line in lines:  # exact repeats, also of conversions without event_id
            if rng.random() < 0.05 and line.startswith("{") and line.endswith("}"):
                shared.append(re.sub(r'"event_id":"[^"]*",', "", line))
                shared.append(re.sub(r'"event_id":"[^"]*",', "", line))
        if where == "shared":
            conv.unlink()
        dirs.append(str(path))
    rng.shuffle(shared)
    shared_path = base / "shared_conversions.jsonl"
    shared_path.write_text("".join(line + "\n" for line in shared), "utf-8")
    as_of = rng.choice([None, None, "2026-04-14T19:30:00+02:00", "2026-04-16T00:00:00Z"])
    return dirs, str(shared_path), as_of


if __name__ == "__main__":
    run_dirs, run_conversions, run_as_of = make_run(int(sys.argv[1]), sys.argv[2])
    print(" ".join(run_dirs), "--conversions", run_conversions, "--as-of", run_as_of or "")
