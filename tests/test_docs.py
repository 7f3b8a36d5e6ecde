"""The documentation site builds without a warning, and every example in it runs.

- ``test_docs_build_without_warnings`` builds ``docs/`` with Sphinx as
  ``python -m sphinx -W --keep-going -b html docs <tmp>`` and prints every warning.
- ``test_python_example`` runs every ```` ```python ```` block of ``docs/*.md`` and
  ``README.md`` (one test per file and line). **Each block is self-contained**: it runs
  alone, in a fresh namespace, as the pages promise ("each example is a complete
  script"). When the block is followed directly by a ```` ```text ```` block, that block
  is what the example prints, and the printed text must equal it.
- ``test_shell_example`` runs every shell command of the pages (one test per file and
  line): the ``$ ...`` lines of ```` ```console ```` blocks and of untagged blocks that
  show a ``$`` prompt, and the lines of ```` ```bash ```` / ```` ```sh ```` blocks.
  **Only commands starting with** ``campaign-metrics`` **are run** (``SETUP_RULE``);
  every other command (``python3 tasks.py test``, ``pip install ...``, ``ls``) is
  reported as a skipped test with that reason, never dropped silently. A command runs
  in ``bash`` with the virtual environment's ``bin`` first on ``PATH`` (so
  ``campaign-metrics`` is the venv's), pipes and redirections included. Its exit status
  must be the one the page implies: the number printed by a trailing ``; echo $?``, else
  0 (``pipefail``: a failing ``campaign-metrics`` fails its pipeline). The output shown
  under the command, when the page shows any, must be what it prints (stdout and stderr,
  as on a terminal) unless the page elides part of it with a ``...`` line; an elided
  output must still show its ``campaign-metrics: error:`` lines exactly.

Examples run in a directory that looks like the repository root — every top-level entry
of the repository is linked into it — so ``examples/...`` paths resolve as from the
root, while files an example writes (``table.csv``, ``funnel.png``) land in a temporary
directory instead of the checkout.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
VENV_BIN = Path(sys.executable).parent

SHELL_LANGS = {"console", "bash", "sh", "shell", "shell-session"}
SETUP_RULE = "only commands starting with 'campaign-metrics' are run"
OPEN_FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[^\s`]*)(?:\s.*)?$")
SHELL_OPERATORS = {"|", "||", "&&", ";"}
ECHO_STATUS = re.compile(r";\s*echo \$\?\s*(#.*)?$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _blocks(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = OPEN_FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent = len(match["indent"])
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            body.append(lines[j][indent:])
            j += 1
        if j == len(lines):
            raise AssertionError(f"{page.relative_to(ROOT)}:{i + 1}: unclosed code fence")
        blocks.append(Block(page, i + 1, match["lang"], "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def _next_block_follows(page_lines: list[str], block: Block, after: Block) -> bool:
    """Whether ``after`` starts right below ``block`` (only blank lines between)."""
    end = block.line + block.text.count("\n") + 1  # the closing fence, 1-based
    return all(not line.strip() for line in page_lines[end : after.line - 1])


@dataclass(frozen=True)
class PythonExample:
    block: Block
    expected_output: str | None


@dataclass(frozen=True)
class ShellCommand:
    page: Path
    line: int
    command: str
    shown_output: list[str]

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _python_examples() -> list[PythonExample]:
    examples = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        blocks = _blocks(page)
        for k, block in enumerate(blocks):
            if block.lang != "python":
                continue
            following = blocks[k + 1] if k + 1 < len(blocks) else None
            expected = None
            if (
                following is not None
                and following.lang == "text"
                and _next_block_follows(lines, block, following)
            ):
                expected = following.text
            examples.append(PythonExample(block, expected))
    return examples


def _is_shell(block: Block) -> bool:
    if block.lang in SHELL_LANGS:
        return True
    # An untagged block with a `$` prompt is a terminal session too.
    return block.lang == "" and any(line.startswith("$ ") for line in block.text.splitlines())


def _shell_commands() -> list[ShellCommand]:
    commands = []
    for page in PAGES:
        for block in _blocks(page):
            if not _is_shell(block):
                continue
            lines = block.text.splitlines()
            prompted = any(line.startswith("$ ") for line in lines)
            current: ShellCommand | None = None
            i = 0
            while i < len(lines):
                line = lines[i]
                start = block.line + 1 + i
                if prompted and not line.startswith("$ "):
                    if current is not None:
                        current.shown_output.append(line.rstrip())
                    i += 1
                    continue
                if not line.strip() or line.lstrip().startswith("#"):
                    i += 1
                    continue
                text = line[2:] if prompted else line
                while text.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    text = text.rstrip()[:-1] + " " + lines[i].strip()
                current = ShellCommand(page, start, text.strip(), [])
                commands.append(current)
                i += 1
    return commands


PYTHON_EXAMPLES = _python_examples()
SHELL_COMMANDS = _shell_commands()


@pytest.fixture(scope="module")
def root_view(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory whose entries link to the repository root's entries."""
    view = tmp_path_factory.mktemp("root_view")
    for entry in ROOT.iterdir():
        if entry.name != ".git":
            (view / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return view


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    """The site builds with warnings as errors; every warning is printed."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr}{result.stdout}"
    assert result.stderr.strip() == "", f"sphinx-build warned:\n{result.stderr}"
    assert (tmp_path / "html" / "reference.html").exists()


def test_every_page_is_collected() -> None:
    """The collection finds the examples (a parser bug must not silently run none)."""
    assert len(PYTHON_EXAMPLES) >= 30
    assert len(SHELL_COMMANDS) >= 10
    assert {e.block.page.name for e in PYTHON_EXAMPLES} >= {"README.md", "api.md", "metrics.md"}


@pytest.mark.parametrize("example", PYTHON_EXAMPLES, ids=lambda e: e.block.where)
def test_python_example(
    example: PythonExample, root_view: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The block runs alone, from the repository root, and prints what the page shows."""
    monkeypatch.chdir(root_view)
    code = compile(example.block.text, example.block.where, "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "__main__"})
    if example.expected_output is not None:
        assert _lines(out.getvalue()) == _lines(example.expected_output), (
            f"{example.block.where}: the output differs from the ```text block under it"
        )


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").splitlines()]


def _expected_status(command: str, shown: list[str]) -> tuple[str, int]:
    """The command without a trailing ``; echo $?``, and the status the page implies."""
    if ECHO_STATUS.search(command) is None:
        return command, 0
    assert shown, f"no status shown for {command!r}"
    assert shown[-1].strip().isdigit(), f"no status shown for {command!r}"
    return ECHO_STATUS.sub("", command), int(shown[-1])


def _programs(command: str) -> list[str]:
    """The program names of a pipeline or command list."""
    tokens = shlex.split(command, comments=True)
    programs, expect_program = [], True
    for token in tokens:
        if expect_program:
            programs.append(token)
            expect_program = False
        if token in SHELL_OPERATORS or token.endswith(";"):
            expect_program = True
    return programs


@pytest.mark.parametrize("cmd", SHELL_COMMANDS, ids=lambda c: c.where)
def test_shell_example(cmd: ShellCommand, root_view: Path) -> None:
    """The command exits with the status the page implies and prints what it shows."""
    programs = _programs(cmd.command)
    if not programs or programs[0] != "campaign-metrics":
        pytest.skip(f"{SETUP_RULE}; not run: {cmd.command}")
    missing = [p for p in programs if p != "campaign-metrics" and shutil.which(p) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} on PATH: {cmd.command}")
    command, status = _expected_status(cmd.command, cmd.shown_output)
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "100",
    }
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        cwd=root_view,
        env=env,
        check=False,
    )
    shown = cmd.shown_output[:-1] if cmd.command != command else cmd.shown_output
    assert result.returncode == status, (
        f"{cmd.where}: exit status {result.returncode}, the page implies {status}\n{result.stderr}"
    )
    printed = _lines(result.stderr + result.stdout)
    if any(line.strip() == "..." or line.startswith("...") for line in shown):
        errors = [line for line in shown if line.startswith("campaign-metrics: error:")]
        for line in errors:
            assert line in printed, f"{cmd.where}: {line!r} not printed; got:\n{printed}"
        return
    if shown:
        assert printed == _lines("\n".join(shown)), f"{cmd.where}: the output differs from the page"
