"""The example notebook ``examples/quickstart.ipynb`` is stored without outputs and runs
from top to bottom in a fresh kernel of this interpreter, so it can never rot."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOTEBOOK = EXAMPLES / "quickstart.ipynb"
KERNEL = "campaign-metrics-test"


def _code_cells(nb: Any) -> list[Any]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def test_the_stored_notebook_has_no_outputs() -> None:
    """A notebook is checked in clean: no outputs, no execution counts."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = _code_cells(nb)
    assert cells
    for cell in cells:
        assert cell["outputs"] == [], cell["source"]
        assert cell["execution_count"] is None, cell["source"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_the_stored_notebook_is_valid_and_shows_each_part_of_the_api() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    source = "\n".join(cell.source for cell in _code_cells(nb))
    for example in ("mms_spring_sale", "sms_weekly_digest", "connector_webhook"):
        assert f'"{example}"' in source
        assert (EXAMPLES / example / "campaign.json").exists()
    for call in (
        "cm.analyze(",
        "cm.campaigns_table(",
        ".to_pandas(",
        ".plot_funnel(",
        ".plot_daily(",
        ".plot_outcomes(",
        "cm.plot_comparison(",
        '.to_pandas("uplift")',
    ):
        assert call in source, call


@pytest.fixture
def kernel_of_this_interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernelspec that starts ``sys.executable``, found first on ``JUPYTER_PATH``: the
    notebook runs with the package and extras of the interpreter running the tests, never
    another ``python3`` kernel of the machine."""
    spec = tmp_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "campaign_metrics tests",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # no migration warning from jupyter_core
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel chooses its inline backend
    return KERNEL


@pytest.mark.slow
def test_the_notebook_runs_from_top_to_bottom(kernel_of_this_interpreter: str) -> None:
    """Every cell runs without an error in the examples directory (where Jupyter starts
    it); the report and tables show as HTML and the charts as images."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    # one more cell, in memory only: which interpreter ran the notebook
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    client = nbclient.NotebookClient(
        nb,
        kernel_name=kernel_of_this_interpreter,
        timeout=180,
        startup_timeout=120,
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()

    cells = _code_cells(nb)
    for cell in cells:
        assert cell.execution_count is not None, cell.source
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
    printed = "".join(o.get("text", "") for o in cells[-1].outputs)
    assert printed.strip() == sys.executable

    def outputs_of(source: str) -> list[Any]:
        [cell] = [c for c in cells if c.source == source]
        return list(cell.outputs)

    [report] = outputs_of("mms")
    assert "Spring sale" in report.data["text/html"]
    assert "Outcomes" in report.data["text/html"] or "Delivery" in report.data["text/html"]
    table = outputs_of("table = cm.campaigns_table(reports)\ntable")
    assert "Weekly digest" in table[0].data["text/html"]
    images = [
        o
        for c in cells
        for o in c.outputs
        if o.output_type == "display_data" and "image/png" in o.data
    ]
    assert len(images) >= 4, "each chart cell shows its figure"
    frames = [
        o for c in cells for o in c.outputs if "dataframe" in o.get("data", {}).get("text/html", "")
    ]
    assert len(frames) >= 4, "the DataFrames show as HTML tables"
