"""The notebook API: ``Report._repr_html_``, ``Report.to_pandas(section)`` and the
campaigns table's ``to_pandas``, ``to_csv`` and HTML form (O-5, X-6).

Every frame is checked row by row against the report's own JSON view (``to_dict``), an
oracle written here from FORMATS.md's layout, not from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics import CAMPAIGN_COLUMNS
from campaign_metrics.io.export import safe_cell

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("mms_spring_sale", "sms_weekly_digest", "connector_webhook")
ATTRIBUTION_TYPES = ("view_through", "click_through", "in_session")

SCRIPT = "<script>alert(1)</script>"
VARIATIONS = ("<b>A&amp;", "B & <C>")
LOCALE = "<b>en&US"
DELIVERY_CODE = "<b>&x"
SEND_REASON = "<b>bad & worse</b>"
GOAL = "<i>Buy & save</i>"
HOSTILE = (SCRIPT, *VARIATIONS, LOCALE, DELIVERY_CODE, SEND_REASON, GOAL)


def hostile_report(name: str = SCRIPT, last_modified_by: str | None = None) -> cm.Report:
    """A small campaign whose every user-supplied string is markup: the campaign's name,
    the variations, the locale, an error code, a failure reason and the goal's name;
    with a control group (comparisons) and a listed control user who was sent a
    message (a data-quality warning)."""
    utc = dt.timezone.utc
    t = dt.datetime(2026, 5, 4, 7, tzinfo=utc)
    goal = cm.Goal(name=GOAL, event="purchase", primary=True, track_revenue=True)
    campaign = cm.Campaign(
        id="hostile",
        name=name,
        channel="sms",
        click_tracking=True,
        goals=[goal],
        last_modified_by=last_modified_by,
    )
    people, events, conversions = [], [], []
    for i in range(40):
        user = f"u{i}"
        control = i % 4 == 0
        people.append(
            cm.Recipient(
                user_id=user,
                mobile_number=f"+1 415 555 01{i:02d}",
                locale=LOCALE,
                variation=VARIATIONS[i % 2],
                group="control" if control else None,
            )
        )
        if control and i != 0:
            continue
        events.append(cm.MessageEvent(type="sent", time=t, user_id=user))
        later = t + dt.timedelta(seconds=5)
        if i % 3 == 0:
            events.append(
                cm.MessageEvent(
                    type="delivery_failed", time=later, user_id=user, error_code=DELIVERY_CODE
                )
            )
        else:
            events.append(cm.MessageEvent(type="delivered", time=later, user_id=user))
        if i % 5 == 0:
            conversions.append(
                cm.ConversionEvent(
                    event_id=f"o{i}",
                    user_id=user,
                    name="purchase",
                    time=t + dt.timedelta(hours=1),
                    revenue=Decimal("10.05"),
                )
            )
    for i in range(3):
        events.append(
            cm.MessageEvent(type="send_failed", time=t, user_id=f"f{i}", reason=SEND_REASON)
        )
    [report] = cm.analyze(
        cm.CampaignInput(campaign, events=events, recipients=people, conversions=conversions)
    )
    return report


@pytest.fixture(scope="module")
def examples() -> list[cm.Report]:
    return cm.analyze(*(ROOT / "examples" / name for name in EXAMPLES))


@pytest.fixture(scope="module")
def hostile() -> cm.Report:
    return hostile_report()


@pytest.fixture(scope="module")
def reports(examples: list[cm.Report], hostile: cm.Report) -> list[cm.Report]:
    return [*examples, hostile]


# --------------------------------------------------------------------------- HTML


class _Balance(HTMLParser):
    """Records the tags and text of a document and whether every tag is closed in order."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(document: str) -> _Balance:
    parser = _Balance()
    parser.feed(document)
    parser.close()
    assert not parser.problems, parser.problems
    assert not parser.open, f"unclosed tags: {parser.open}"
    assert parser.rawdata == "", "the parser stopped on incomplete markup"
    return parser


def test_repr_html_is_balanced_and_shows_the_four_summaries(examples: list[cm.Report]) -> None:
    """The notebook view holds the funnel, the delivery outcomes (X-1), the conversions
    and the data-quality warnings, in balanced HTML."""
    mms = examples[0]
    parsed = parse_html(mms._repr_html_())
    text = "".join(parsed.text)
    assert {"div", "h3", "h4", "table", "tr", "th", "td"} <= set(parsed.tags)
    assert "script" not in parsed.tags
    for title in ("Funnel (users)", "Delivery (messages", "Conversions (window", "Data quality"):
        assert title in text
    for outcome in ("Delivered", "Sent as SMS", "Failed to deliver", "In transit"):
        assert outcome in text
    d = mms.delivery
    for count in (d.sent, d.delivered, d.sent_as_sms, d.failed_to_deliver, d.in_transit):
        assert f"{count:,}" in text
    for stage in mms.funnel:
        assert stage.stage in text
    vt = mms.conversion.view_through
    assert vt.converted_users is not None
    assert f"{vt.converted_users:,}" in text
    for warning in mms.data_quality.warnings:
        assert warning in text
    assert f"{len(mms.data_quality.rejected):,}" in text


def test_repr_html_escapes_every_user_supplied_string(hostile: cm.Report) -> None:
    """A campaign named ``<script>`` shows as text; so do variations, locales, error codes,
    failure reasons, goal names and warnings with ``<b>`` and ``&``."""
    page = hostile._repr_html_()
    parsed = parse_html(page)
    assert set(parsed.tags) <= {"div", "h3", "h4", "table", "tr", "th", "td"}
    text = "".join(parsed.text)
    for value in HOSTILE:
        assert value in text, value  # shown as the very text, once unescaped
    assert hostile.data_quality.warnings, "the example must carry a warning"
    for warning in hostile.data_quality.warnings:
        assert warning in text
    for tag in ("<script", "<b>", "<i>"):
        assert tag not in page


# --------------------------------------------------------------------------- frames


def _split(comparison: dict[str, Any]) -> dict[str, Any]:
    """A COMPARISON with each interval as two columns, low and high, in its place."""
    row: dict[str, Any] = {}
    for key, value in comparison.items():
        if key.endswith("_ci_pp") or key.endswith("_ci_pct"):
            stem, unit = key.rsplit("_ci_", 1)
            low, high = value if value is not None else (None, None)
            row[f"{stem}_ci_low_{unit}"], row[f"{stem}_ci_high_{unit}"] = low, high
        else:
            row[key] = value
    return row


def expected_rows(report: cm.Report, section: str) -> list[dict[str, Any]]:
    """The rows of ``section`` read from the report's JSON view (FORMATS.md)."""
    d = report.to_dict()
    lv = d["breakdowns"]["locale_variation"] or []
    rows: list[dict[str, Any]]
    if section == "funnel":
        rows = d["funnel"]
    elif section == "daily":
        rows = d["daily"] or []
    elif section == "conversion":
        rows = [
            {"attribution_type": t, **{k: v for k, v in d["conversion"][t].items() if k != "goals"}}
            for t in ATTRIBUTION_TYPES
        ]
    elif section == "conversion.goals":
        rows = [
            {"attribution_type": t, **goal}
            for t in ATTRIBUTION_TYPES
            for goal in d["conversion"][t]["goals"] or []
        ]
    elif section.startswith("errors."):
        rows = d["errors"][section.removeprefix("errors.")] or []
    elif section == "breakdowns.locale_variation":
        rows = [{k: v for k, v in row.items() if k != "goals"} for row in lv]
    elif section == "breakdowns.locale_variation.goals":
        rows = [
            {"locale": row["locale"], "variation": row["variation"], **goal}
            for row in lv
            for goal in row["goals"] or []
        ]
    elif section == "breakdowns.send_mode":
        rows = d["breakdowns"]["send_mode"] or []
    elif section == "breakdowns.timezone":
        tz = d["breakdowns"]["timezone"] or {}
        rows = [{"tz_mode": mode, "messages": n} for mode, n in tz.items()]
    elif section == "uplift":
        uplift = d["uplift"] or {"overall": None, "by_variation": [], "by_goal": []}
        listed = [("overall", uplift["overall"])] if uplift["overall"] is not None else []
        listed += [("by_variation", c) for c in uplift["by_variation"]]
        listed += [("by_goal", c) for c in uplift["by_goal"]]
        rows = [{"comparison": kind, **_split(c)} for kind, c in listed]
    elif section == "data_quality.rejected":
        rows = d["data_quality"]["rejected"]
    elif section == "definitions":
        rows = [{"key": key, **value} for key, value in d["definitions"].items()]
    else:
        raise AssertionError(f"no oracle for {section}")
    return [{"campaign_id": report.campaign_id, **row} for row in rows]


def plain(value: Any) -> Any:
    """A frame's cell as the report writes it: ``None`` for NA, a day as ISO text."""
    pd = pytest.importorskip("pandas")
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def records(frame: Any) -> list[dict[str, Any]]:
    return [
        {column: plain(value) for column, value in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


ALL_SECTIONS = (
    "funnel",
    "daily",
    "conversion",
    "conversion.goals",
    "errors.failed_to_send",
    "errors.failed_to_deliver",
    "errors.removed",
    "errors.content_api",
    "breakdowns.locale_variation",
    "breakdowns.locale_variation.goals",
    "breakdowns.send_mode",
    "breakdowns.timezone",
    "uplift",
    "data_quality.rejected",
    "definitions",
)


def test_the_sections_are_the_list_shaped_sections_of_the_report() -> None:
    from campaign_metrics.pandas import SECTIONS

    assert SECTIONS == ALL_SECTIONS


@pytest.mark.parametrize("section", ALL_SECTIONS)
def test_to_pandas_equals_the_report_row_by_row(reports: list[cm.Report], section: str) -> None:
    """Each frame holds exactly the report's rows, in the report's order, every value
    equal (money as the exact Decimal)."""
    pytest.importorskip("pandas")
    seen = 0
    for report in reports:
        frame = report.to_pandas(section)
        expected = expected_rows(report, section)
        assert list(frame.columns) == list(expected[0] if expected else frame.columns), (
            "columns in the report's key order"
        )
        got = records(frame)
        assert got == expected, f"{report.campaign_id}: {section}"
        seen += len(expected)
    assert seen, f"no report of the examples has a row of {section}"


@pytest.mark.parametrize("section", ALL_SECTIONS)
def test_to_pandas_columns_have_the_dtype_of_their_values(
    reports: list[cm.Report], section: str
) -> None:
    """Counts are nullable Int64, rates Float64, text string, flags boolean, days
    datetime64, money Decimal objects; the same columns even for an empty section."""
    pd = pytest.importorskip("pandas")
    frames = [r.to_pandas(section) for r in reports]
    columns = list(frames[0].columns)
    assert columns[0] == "campaign_id"
    for frame in frames:
        assert list(frame.columns) == columns
    for column in columns:
        values = [
            v
            for r in reports
            for row in expected_rows(r, section)
            if (v := row[column]) is not None
        ]
        for frame in frames:
            dtype = frame[column].dtype
            if column == "date":
                assert pd.api.types.is_datetime64_dtype(dtype)
            elif values and all(isinstance(v, Decimal) for v in values):
                assert dtype == "object"
                assert all(isinstance(v, Decimal) or v is None for v in frame[column])
            elif values and all(isinstance(v, bool) for v in values):
                assert dtype == "boolean", column
            elif values and all(isinstance(v, int) for v in values):
                assert dtype == "Int64", column
            elif values and all(isinstance(v, (int, float)) for v in values):
                assert dtype == "Float64", column
            elif values and all(isinstance(v, str) for v in values):
                assert dtype == "string", column


def test_to_pandas_keeps_none_as_na_and_money_exact(examples: list[cm.Report]) -> None:
    """A sent-only campaign's delivery counts are <NA> (CH-2), and summing Decimal revenue
    gives the report's exact total."""
    pd = pytest.importorskip("pandas")
    mms, _, webhook = examples
    modes = webhook.to_pandas("breakdowns.send_mode")
    assert modes["delivered"].isna().all()
    assert modes["sent"].sum() == sum(m.sent for m in webhook.breakdowns.send_mode or ())
    daily = mms.to_pandas("daily")
    assert sum(daily["revenue"], Decimal(0)) == sum(
        (row.revenue or Decimal(0) for row in mms.daily or ()), Decimal(0)
    )
    assert webhook.to_pandas("errors.failed_to_deliver").empty
    assert isinstance(daily, pd.DataFrame)


def test_to_pandas_of_an_unknown_section_lists_the_valid_names(hostile: cm.Report) -> None:
    with pytest.raises(ValueError, match="section must be one of") as info:
        hostile.to_pandas("delivery")
    assert isinstance(info.value, cm.ConfigurationError)
    assert info.value.field == "section"
    for name in ALL_SECTIONS:
        assert repr(name) in str(info.value)


def test_the_module_functions_are_the_sections_over_several_reports(
    examples: list[cm.Report],
) -> None:
    """The frames of campaign_metrics.pandas are the same sections, concatenated."""
    pd = pytest.importorskip("pandas")
    from campaign_metrics.pandas import (
        daily_frame,
        failed_to_send_frame,
        funnel_frame,
        locale_variation_frame,
        section_frame,
    )

    for function, section in (
        (daily_frame, "daily"),
        (funnel_frame, "funnel"),
        (failed_to_send_frame, "errors.failed_to_send"),
        (locale_variation_frame, "breakdowns.locale_variation"),
    ):
        together = function(examples)
        one_by_one = pd.concat([r.to_pandas(section) for r in examples], ignore_index=True)
        pd.testing.assert_frame_equal(together, one_by_one)
        pd.testing.assert_frame_equal(together, section_frame(examples, section))


def test_missing_pandas_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, hostile: cm.Report
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pandas(
        name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
    ) -> Any:
        if level == 0 and (name == "pandas" or name.startswith("pandas.")):
            raise ImportError(name)
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    install = r"pip install 'campaign-metrics\[pandas\]'"
    with pytest.raises(cm.MissingDependencyError, match=install) as info:
        hostile.to_pandas("funnel")
    assert isinstance(info.value, ImportError)
    with pytest.raises(cm.MissingDependencyError, match=install):
        cm.campaigns_table([hostile]).to_pandas()


# --------------------------------------------------------------------------- campaigns table


def test_campaigns_table_is_still_the_list_of_dicts(examples: list[cm.Report]) -> None:
    """O-5: the table compares equal to the plain list of rows and behaves like one."""
    table = cm.campaigns_table(examples)
    rows = [dict(row) for row in table]
    assert isinstance(table, list)
    assert isinstance(table, cm.CampaignsTable)
    assert table == rows
    assert rows == table
    assert [list(row) for row in table] == [list(CAMPAIGN_COLUMNS)] * len(examples)
    assert type(table[:2]) is list
    assert table[:2] == rows[:2]
    assert [row["campaign_name"] for row in table] == [r.name for r in examples]
    assert cm.CampaignsTable(rows) == table
    assert json.loads(cm.dumps(list(table)))[0]["total_sent"] == examples[0].delivery.sent


def test_campaigns_table_to_pandas_equals_the_rows(examples: list[cm.Report]) -> None:
    pd = pytest.importorskip("pandas")
    table = cm.campaigns_table([*examples, hostile_report()])
    frame = table.to_pandas()
    assert list(frame.columns) == list(CAMPAIGN_COLUMNS)
    assert len(frame) == len(table)
    for got, row in zip(frame.astype(object).to_dict("records"), table):
        for column in CAMPAIGN_COLUMNS:
            value = row[column]
            if column == "last_sent":
                assert got[column] == pd.Timestamp(value)
                assert str(frame[column].dtype).startswith("datetime64")
            elif value is None:
                assert pd.isna(got[column]), column
            else:
                assert plain(got[column]) == value, column
    pd.testing.assert_frame_equal(frame.iloc[:3], _campaigns_frame(examples))


def _campaigns_frame(reports: list[cm.Report]) -> Any:
    from campaign_metrics.pandas import campaigns_frame

    return campaigns_frame(reports)


def _read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_campaigns_table_to_csv_round_trips(examples: list[cm.Report]) -> None:
    """O-5: the CSV reads back to the table's values: numbers as written, None as an
    empty cell, text as text."""
    from campaign_metrics.tables import write_campaigns_csv

    table = cm.campaigns_table(examples)
    text = table.to_csv()
    assert isinstance(text, str)
    buffer = io.StringIO(newline="")
    write_campaigns_csv(examples, buffer)
    assert text == buffer.getvalue()
    read = _read_back(text)
    assert len(read) == len(table)
    for cells, row in zip(read, table):
        assert list(cells) == list(CAMPAIGN_COLUMNS)
        for column in CAMPAIGN_COLUMNS:
            value, cell = row[column], cells[column]
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            elif isinstance(value, int):
                assert int(cell) == value
            elif isinstance(value, float):
                assert float(cell) == value
            elif isinstance(value, Decimal):
                assert Decimal(cell) == value
            else:
                assert cell == value, column


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tx"])
def test_campaigns_table_to_csv_neutralises_formulas_x6(name: str) -> None:
    """X-6: a text cell starting like a formula gets a leading quote; numbers stay numbers."""
    report = hostile_report(name=name, last_modified_by="=cmd|' /C calc'!A0")
    table = cm.campaigns_table([report])
    [cells] = _read_back(table.to_csv() or "")
    assert cells["campaign_name"] == "'" + name == safe_cell(name)
    assert cells["last_modified_by"] == "'=cmd|' /C calc'!A0"
    assert int(cells["total_sent"]) == report.delivery.sent


def test_campaigns_table_to_csv_writes_the_file_and_its_schema_x5(
    tmp_path: Path, examples: list[cm.Report]
) -> None:
    """With a path the CSV goes to the file, with its Table Schema beside it (X-5); a
    table made by hand from rows has no reports, so no schema."""
    table = cm.campaigns_table(examples)
    target = tmp_path / "campaigns.csv"
    assert table.to_csv(target) is None
    assert target.read_bytes().decode("utf-8") == table.to_csv()
    schema = json.loads((tmp_path / "campaigns.csv.schema.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in schema["fields"]] == list(CAMPAIGN_COLUMNS)
    assert [p["campaign_id"] for p in schema["parameters"]] == [r.campaign_id for r in examples]
    by_hand = cm.CampaignsTable(list(table))
    by_hand.to_csv(tmp_path / "by_hand.csv")
    assert (tmp_path / "by_hand.csv").read_bytes().decode("utf-8") == table.to_csv()
    assert not (tmp_path / "by_hand.csv.schema.json").exists()
    csv_path, schema_path = cm.write_campaigns_table(examples, tmp_path / "again.csv")
    assert csv_path.read_bytes().decode("utf-8") == table.to_csv()
    assert json.loads(schema_path.read_text(encoding="utf-8")) == schema


def test_campaigns_table_html_is_balanced_and_escaped(examples: list[cm.Report]) -> None:
    table = cm.campaigns_table([*examples, hostile_report()])
    parsed = parse_html(table._repr_html_())
    text = "".join(parsed.text)
    assert parsed.tags.count("tr") == len(table) + 1
    assert parsed.tags.count("th") == len(CAMPAIGN_COLUMNS)
    assert SCRIPT in text
    assert "script" not in parsed.tags
    for report in examples:
        assert report.name in text
        assert f"{report.delivery.sent:,}" in text


# --------------------------------------------------------------------------- imports, docstrings


def test_import_campaign_metrics_loads_no_optional_library() -> None:
    """The package and its pandas and plot modules import their libraries lazily."""
    heavy = ("pandas", "matplotlib", "rich", "dask", "numpy")
    for statement in (
        "import campaign_metrics",
        "import campaign_metrics.pandas, campaign_metrics.plot",
    ):
        code = f"import sys; {statement}; print([m for m in {heavy!r} if m in sys.modules])"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]", statement


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The docstring examples name ``examples/...`` from the repository root."""
    monkeypatch.chdir(ROOT)
    yield
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("module", ["pandas", "tables", "render", "report"])
def test_docstring_examples_run(module: str) -> None:
    """Every ``>>>`` example of the notebook API's docstrings prints what it shows."""
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    import importlib
    import pkgutil

    mod = importlib.import_module(f"campaign_metrics.{module}")
    mods = [mod]
    if hasattr(mod, "__path__"):  # a package: its modules' examples too
        mods += [
            importlib.import_module(f"{mod.__name__}.{info.name}")
            for info in pkgutil.iter_modules(mod.__path__)
        ]
    attempted = 0
    for m in mods:
        result = doctest.testmod(m, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, m.__name__
        attempted += result.attempted
    assert attempted > 0
