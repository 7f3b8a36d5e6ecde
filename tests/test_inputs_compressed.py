"""Compressed and columnar campaign files (issue 17, FORMATS.md): ``.gz`` and ``.zst``
logs read transparently, ``.parquet`` a record batch at a time, with the same report,
the same validation and the same rejected records (a Parquet row number in place of a
line)."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics.errors import InputError, MissingDependencyError
from campaign_metrics.io.opening import open_text
from campaign_metrics.io.spans import line_spans
from tests.helpers import run_cli, write_campaign_dir

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mms_spring_sale"
SMS = {"id": "c1", "name": "Spring", "channel": "sms"}


def _report_json(*args: str | Path) -> list[dict[str, Any]]:
    code, out, _ = run_cli("report", *args, "--json")
    assert code == 0
    reports: list[dict[str, Any]] = json.loads(out)
    return reports


def _renamed(reports: list[dict[str, Any]], suffix: str) -> list[dict[str, Any]]:
    """The reports with ``suffix`` cut from every rejected record's file name."""
    for rep in reports:
        for row in rep["data_quality"]["rejected"]:
            row["file"] = row["file"].removesuffix(suffix)
    return reports


def _compressed_copy(tmp_path: Path, compress: Any, suffix: str) -> Path:
    copy = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, copy)
    for name in ("events.jsonl", "conversions.jsonl"):
        plain = copy / name
        (copy / (name + suffix)).write_bytes(compress(plain.read_bytes()))
        plain.unlink()
    return copy


def test_gzipped_example_gives_the_whole_report_of_the_plain_one(tmp_path: Path) -> None:
    """events.jsonl.gz and conversions.jsonl.gz: the whole JSON report equals the
    uncompressed directory's, rejected records (D-10..D-12) at the same lines."""
    copy = _compressed_copy(tmp_path, gzip.compress, ".gz")
    assert _renamed(_report_json(copy), ".gz") == _report_json(EXAMPLE)


def test_zstd_example_gives_the_whole_report_of_the_plain_one(tmp_path: Path) -> None:
    """``.zst`` logs with the optional zstandard package."""
    zstandard = pytest.importorskip("zstandard")
    copy = _compressed_copy(tmp_path, zstandard.ZstdCompressor().compress, ".zst")
    assert _renamed(_report_json(copy), ".zst") == _report_json(EXAMPLE)


def test_zst_without_zstandard_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``.zst`` file without zstandard: MissingDependencyError with the install line."""
    path = tmp_path / "events.jsonl.zst"
    path.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'campaign-metrics\[zstd\]'"):
        open_text(path)


def test_gzipped_csv_events_read_like_the_plain_csv(tmp_path: Path) -> None:
    """events.csv.gz is CSV (by the suffix under ``.gz``): same report, header line 1."""
    lines = [
        "user_id,type,time",
        "u1,sent,2026-05-04T07:00:00Z",
        "u1,delivered,not-a-time",
        "u1,delivered,2026-05-04T08:00:00Z",
    ]
    plain = write_campaign_dir(tmp_path / "a", SMS, events_name="events.csv", events=lines)
    packed = write_campaign_dir(tmp_path / "b", SMS, events_name="events.csv", events=lines)
    csv_file = packed / "events.csv"
    (packed / "events.csv.gz").write_bytes(gzip.compress(csv_file.read_bytes()))
    csv_file.unlink()
    [rep] = _renamed(_report_json(packed), ".gz")
    assert [rep] == _report_json(plain)
    assert [(r["file"], r["line"]) for r in rep["data_quality"]["rejected"]] == [("events.csv", 3)]


def test_shared_gzipped_conversions_file(tmp_path: Path) -> None:
    """A-6: ``--conversions shared.jsonl.gz`` is read like the plain file."""
    shared = tmp_path / "shared.jsonl.gz"
    shared.write_bytes(gzip.compress((EXAMPLE / "conversions.jsonl").read_bytes()))
    copy = tmp_path / "m"
    shutil.copytree(EXAMPLE, copy)
    (copy / "conversions.jsonl").unlink()
    [packed] = _report_json(copy, "--conversions", shared)
    plain_file = tmp_path / "shared.jsonl"
    plain_file.write_bytes((EXAMPLE / "conversions.jsonl").read_bytes())
    [expected] = _report_json(copy, "--conversions", plain_file)
    for row in packed["data_quality"]["rejected"]:
        row["file"] = row["file"].removesuffix(".gz")
    assert packed["conversion"] == expected["conversion"]
    assert packed["data_quality"] == expected["data_quality"]


def test_directory_with_plain_and_gzipped_events_is_an_error(tmp_path: Path) -> None:
    """Both events.jsonl and events.jsonl.gz would count one log twice: exit 2."""
    directory = write_campaign_dir(tmp_path, SMS, events=['{"user_id": "u1"}'])
    (directory / "events.jsonl.gz").write_bytes(gzip.compress(b""))
    code, _, err = run_cli("report", directory)
    assert code == 2
    assert err == (
        f"campaign-metrics: error: {directory}: holds both events.jsonl and "
        "events.jsonl.gz; keep one of them\n"
    )


def test_corrupt_gzip_is_an_input_error_not_a_traceback(tmp_path: Path) -> None:
    """A truncated ``.gz`` stops the run with exit 2 and a one-line message."""
    directory = write_campaign_dir(tmp_path, SMS)
    (directory / "events.jsonl").unlink()
    data = gzip.compress(
        b'{"user_id": "u1", "type": "sent", "time": "2026-05-04T07:00:00Z"}\n' * 50
    )
    (directory / "events.jsonl.gz").write_bytes(data[: len(data) // 2])
    code, _, err = run_cli("report", directory)
    assert code == 2
    assert "events.jsonl.gz: cannot read the compressed file" in err
    assert "Traceback" not in err


def test_workers_fall_back_to_one_process_for_a_compressed_file(tmp_path: Path) -> None:
    """A compressed file cannot be cut into byte spans: ``workers=2`` folds it on one
    process, with the same reports."""
    copy = _compressed_copy(tmp_path, gzip.compress, ".gz")
    assert line_spans(copy / "events.jsonl.gz", 4, csv=False, smallest=1) == [
        (0, (copy / "events.jsonl.gz").stat().st_size, 1)
    ]
    one = [r.to_dict() for r in cm.analyze(copy)]
    two = [r.to_dict() for r in cm.analyze(copy, workers=2)]
    assert one == two


# --------------------------------------------------------------------------- Parquet


def _good_records(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def test_parquet_events_and_conversions_give_the_jsonl_report(tmp_path: Path) -> None:
    """events.parquet and conversions.parquet (extra ``parquet``), written in several
    record batches: the whole report of the same records as JSON Lines (a Parquet
    column holds one type, so records whose revenue is text are left out of both)."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    as_jsonl = tmp_path / "jsonl"
    as_parquet = tmp_path / "parquet"
    for d in (as_jsonl, as_parquet):
        d.mkdir()
        shutil.copy(EXAMPLE / "campaign.json", d)
        shutil.copy(EXAMPLE / "recipients.csv", d)
    for stem in ("events", "conversions"):
        records = [
            r
            for r in _good_records(EXAMPLE / f"{stem}.jsonl")
            if not isinstance(r.get("revenue"), str)
        ]
        (as_jsonl / f"{stem}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
        )
        keys = sorted({k for r in records for k in r})
        table = pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in records])
        pq.write_table(table, as_parquet / f"{stem}.parquet", row_group_size=500)
    [jsonl_rep] = _renamed(_report_json(as_jsonl), ".jsonl")
    [parquet_rep] = _renamed(_report_json(as_parquet), ".parquet")
    assert parquet_rep == jsonl_rep
    assert parquet_rep["data_quality"]["rejected"]  # naive times, unknown types: at rows


def test_parquet_bad_row_in_strict_mode_names_file_row_and_field(tmp_path: Path) -> None:
    """Strict mode: InputError naming events.parquet, the row, the field, the expectation."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    directory = write_campaign_dir(tmp_path, SMS)
    (directory / "events.jsonl").unlink()
    rows = [
        {"user_id": "u1", "type": "sent", "time": "2026-05-04T07:00:00Z"},
        {"user_id": "u1", "type": "delivered", "time": "2026-05-04T07:30:00"},
    ]
    pq.write_table(pa.Table.from_pylist(rows), directory / "events.parquet")
    with pytest.raises(InputError) as info:
        cm.analyze(directory, strict=True)
    assert (info.value.line, info.value.field) == (2, "time")
    assert str(info.value) == (
        f"{directory}/events.parquet:2: field 'time': expected an ISO-8601 time with a UTC "
        "offset, got '2026-05-04T07:30:00'"
    )
    [rep] = cm.analyze(directory)
    assert [(r.file, r.line, r.field) for r in rep.data_quality.rejected] == [
        ("events.parquet", 2, "time")
    ]
