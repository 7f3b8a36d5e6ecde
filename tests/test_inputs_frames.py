"""DataFrames in (issue 17): ``CampaignInput.from_frames`` takes pandas DataFrames (or
Arrow tables) with FORMATS.md's columns, validates every row as a file's record and
reports a bad one at its row number."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics.errors import InputError

pd = pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sms_weekly_digest"


def _good_records(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record.get("revenue"), str):  # a frame column holds one type
            out.append(record)
    return out


def _normalised(report: cm.Report) -> dict[str, Any]:
    data = report.to_dict()
    for row in data["data_quality"]["rejected"]:
        row["file"] = row["file"].removesuffix(".jsonl").removesuffix(".csv")
    return data


def test_dataframe_round_trip_equals_the_directory_report(tmp_path: Path) -> None:
    """The example's records as DataFrames (events, recipients, conversions): the whole
    report equals the directory's of the same records, each rejected row at its row
    number (the directory's line: one record a line, no header)."""
    directory = tmp_path / "digest"
    directory.mkdir()
    shutil.copy(EXAMPLE / "campaign.json", directory)
    frames: dict[str, Any] = {}
    for stem in ("events", "conversions"):
        records = _good_records(EXAMPLE / f"{stem}.jsonl")
        (directory / f"{stem}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
        )
        frames[stem] = pd.DataFrame(records)
    # recipients.csv has a header: its frame's rows 1.. are the file's lines 2..
    shutil.copy(EXAMPLE / "recipients.csv", directory)
    frames["recipients"] = pd.read_csv(EXAMPLE / "recipients.csv", dtype=str)
    campaign = json.loads((EXAMPLE / "campaign.json").read_text(encoding="utf-8"))
    source = cm.CampaignInput.from_frames(campaign, **frames)
    [from_frames] = cm.analyze(source)
    [from_files] = cm.analyze(directory)
    assert from_frames.data_quality.rejected  # naive times, unknown types
    assert _normalised(from_frames) == _normalised(from_files)


def test_timestamp_and_nan_cells_read_as_instants_and_absent_keys() -> None:
    """A datetime64 column is an instant, NaN an absent key, a float integer column an
    integer (pandas' integers with gaps)."""
    events = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u2"],
            "type": ["sent", "delivered", "sent"],
            "time": pd.to_datetime(
                ["2026-05-04T07:00:00Z", "2026-05-04T07:01:00Z", "2026-05-04T07:02:00Z"]
            ),
            "segments": [2, None, 1],
        }
    )
    source = cm.CampaignInput.from_frames(
        cm.Campaign.from_dict({"id": "c1", "name": "c", "channel": "sms"}), events=events
    )
    assert source.rejected == ()
    [report] = cm.analyze(source)
    assert (report.delivery.sent, report.delivery.delivered) == (2, 1)
    assert report.delivery.total_segments == 3


def test_bad_row_is_rejected_at_its_row_or_raises_in_strict_mode() -> None:
    """Lenient: a bad row in ``data_quality.rejected`` with the frame's name and row
    number; strict: InputError naming frame, row, field and what was expected."""
    events = pd.DataFrame(
        {
            "user_id": ["u1", "u1"],
            "type": ["sent", "delivered"],
            "time": ["2026-05-04T07:00:00Z", "2026-05-04T07:01:00"],
        }
    )
    campaign = {"id": "c1", "name": "c", "channel": "sms"}
    [report] = cm.analyze(cm.CampaignInput.from_frames(campaign, events=events))
    assert [(r.file, r.line, r.field) for r in report.data_quality.rejected] == [
        ("events", 2, "time")
    ]
    with pytest.raises(InputError) as info:
        cm.CampaignInput.from_frames(campaign, events=events, strict=True)
    assert str(info.value) == (
        "events:2: field 'time': expected an ISO-8601 time with a UTC offset, "
        "got '2026-05-04T07:01:00'"
    )
    lenient = cm.CampaignInput.from_frames(campaign, events=events)
    with pytest.raises(InputError, match="events:2: field 'time'"):
        cm.analyze(lenient, strict=True)


def test_arrow_table_is_read_like_a_dataframe() -> None:
    """An Arrow table (``pyarrow``) gives the DataFrame's report."""
    pa = pytest.importorskip("pyarrow")
    events = pd.DataFrame(
        {
            "user_id": ["u1", "u1"],
            "type": ["sent", "delivered"],
            "time": ["2026-05-04T07:00:00Z", "2026-05-04T07:01:00Z"],
        }
    )
    campaign = {"id": "c1", "name": "c", "channel": "sms"}
    [a] = cm.analyze(cm.CampaignInput.from_frames(campaign, events=events))
    [b] = cm.analyze(cm.CampaignInput.from_frames(campaign, events=pa.Table.from_pandas(events)))
    assert a.to_dict() == b.to_dict()


def test_a_frame_that_is_not_one_is_an_input_error() -> None:
    """Something that is no frame: InputError saying what is accepted."""
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        cm.CampaignInput.from_frames({"id": "c1", "name": "c", "channel": "sms"}, events=[1])
