"""The project's own checks run with the suite: ruff (lint and format), mypy --strict and
the import-linter layers contract (pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install 'campaign-metrics[dev]')")
    return found


PATHS = [p for p in ("src", "tests", "benchmarks") if (ROOT / p).is_dir()]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(args: list[str]) -> None:
    result = subprocess.run(
        [_tool("ruff"), *args, *PATHS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run([_tool("mypy"), *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers_hold() -> None:
    """The layers of docs/architecture.md: no module imports one above it, and no
    import circle (``lint-imports`` reads the contract in pyproject.toml)."""
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_circle_and_no_long_module() -> None:
    """No import circle anywhere in ``src/`` (imports in functions and under
    TYPE_CHECKING included; the package's own ``__init__`` re-exports aside) and no
    module over 400 lines."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("campaign_metrics", exclude_type_checking_imports=False)
    root = "campaign_metrics"
    edges = {
        m: {t for t in graph.find_modules_directly_imported_by(m) if t != root}
        for m in graph.modules
        if m != root
    }
    assert _circles(edges) == []
    lines = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in (ROOT / "src").rglob("*.py")
    }
    assert {name: n for name, n in lines.items() if n > 400} == {}
