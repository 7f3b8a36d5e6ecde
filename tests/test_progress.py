"""The progress bar: only on a terminal, only after a second, never in machine output."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from campaign_metrics import progress
from campaign_metrics.cli import main


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    with progress.progress_for(io.StringIO()) as callback:
        assert callback is None


def test_the_bar_appears_after_a_second_with_bytes_and_records_per_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr("campaign_metrics.progress.time.monotonic", lambda: now[0])
    stream = _Terminal()
    with progress.progress_for(stream) as callback:
        assert callback is not None
        now[0] = 100.5
        callback("c/events.csv", 10, 1000, 5)  # half a second in: nothing drawn yet
        assert stream.getvalue() == ""
        now[0] = 101.5
        callback("c/events.csv", 500, 1000, 250)  # past a second: the bar starts
        now[0] = 102.0
        callback("c/events.csv", 1000, 1000, 500)
    assert "c/events.csv" in stream.getvalue()


def test_machine_output_never_starts_the_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    real = progress.progress_for

    def spy(stream: Any, *, enabled: bool = True) -> Any:
        seen.append(enabled)
        return real(stream, enabled=enabled)

    monkeypatch.setattr(progress, "progress_for", spy)
    d = tmp_path / "c"
    d.mkdir()
    (d / "campaign.json").write_text('{"id": "c", "name": "N", "channel": "sms"}')
    (d / "events.jsonl").write_text(
        '{"user_id": "u", "type": "sent", "time": "2026-05-04T07:00:00Z"}\n'
    )
    for flags in (["--json"], ["--csv"], []):
        assert main(["report", str(d), *flags], stdout=io.StringIO(), stderr=_Terminal()) == 0
    assert seen == [False, False, True]
