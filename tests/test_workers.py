"""``analyze(..., workers=N)``: the same fold on N local processes gives the same reports
(D-10: folding any split of a log and merging equals folding the whole), the same
rejected records in file order, and the same first error in strict mode."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

import campaign_metrics as cm
from campaign_metrics.engine import parallel
from campaign_metrics.errors import ConfigurationError, InputError
from campaign_metrics.io.spans import Span, line_spans
from campaign_metrics.report import dumps

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def small_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_SPAN_BYTES", 64)  # cut even the examples' logs


@pytest.mark.parametrize("name", ["sms_weekly_digest", "mms_spring_sale", "connector_webhook"])
@pytest.mark.parametrize("workers", [2, 3])
def test_d10_reports_on_n_processes_equal_one(name: str, workers: int, small_spans: None) -> None:
    one = cm.analyze(EXAMPLES / name)
    many = cm.analyze(EXAMPLES / name, workers=workers)
    assert dumps(many[0]) == dumps(one[0])
    assert many[0].data_quality.rejected  # the examples hold bad lines on purpose


def test_d10_a_csv_log_cut_in_spans_keeps_its_lines(tmp_path: Path, small_spans: None) -> None:
    """events.csv: the header is read once, every span keeps its file line numbers."""
    import csv
    import json

    src = EXAMPLES / "sms_weekly_digest"
    d = tmp_path / "c"
    shutil.copytree(src, d)
    rows = []
    for x in (d / "events.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(x))
        except ValueError:
            continue  # a bad line of the example
    (d / "events.jsonl").unlink()
    good = [r for r in rows if isinstance(r, dict)]
    keys = sorted({k for r in good for k in r if not isinstance(r[k], (dict, list))})
    with open(d / "events.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        w.writerow(keys)
        for r in good:
            w.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
        w.writerow(["bad"] * len(keys))  # one rejected record, on the last line
    text = (d / "events.csv").read_text(encoding="utf-8")
    if '"' in text:
        pytest.skip("a quoted cell: such a file is folded on one process")
    one = cm.analyze(d)
    many = cm.analyze(d, workers=2)
    assert dumps(many[0]) == dumps(one[0])
    assert [r.line for r in many[0].data_quality.rejected] == [
        r.line for r in one[0].data_quality.rejected
    ]


def test_strict_mode_raises_the_first_bad_record_on_n_processes(small_spans: None) -> None:
    with pytest.raises(InputError) as one:
        cm.analyze(EXAMPLES / "sms_weekly_digest", strict=True)
    with pytest.raises(InputError) as many:
        cm.analyze(EXAMPLES / "sms_weekly_digest", strict=True, workers=2)
    assert str(many.value) == str(one.value)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_workers_must_be_a_whole_number_of_processes(bad: object) -> None:
    with pytest.raises(ConfigurationError, match="workers"):
        cm.analyze(EXAMPLES / "sms_weekly_digest", workers=bad)  # type: ignore[arg-type]


def test_spans_cover_the_file_at_line_starts(tmp_path: Path) -> None:
    p = tmp_path / "e.jsonl"
    lines = [f'{{"n": {i}}}\n' * (i % 3 + 1) for i in range(200)]
    p.write_text("".join(lines))
    data = p.read_bytes()
    for parts in (1, 2, 3, 7):
        spans = line_spans(p, parts, csv=False, smallest=16)
        assert spans[0].start == 0
        assert spans[-1].end == len(data)
        for a, b in itertools.pairwise(spans):
            assert a.end == b.start
            assert data[b.start - 1 : b.start] == b"\n"
        for s in spans:
            assert s.first_line == data[: s.start].count(b"\n") + 1


def test_a_csv_file_with_a_quote_is_not_cut(tmp_path: Path) -> None:
    p = tmp_path / "events.csv"
    p.write_text("type,time,reason\n" + 'sent,2026-01-01T00:00:00Z,"a\nb"\n' * 50)
    assert line_spans(p, 2, csv=True, smallest=16) == [Span(0, p.stat().st_size, 1)]
