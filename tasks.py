#!/usr/bin/env python3
"""The project's two set-up commands, for a fresh machine with only Python 3.10+.

    python3 tasks.py examples   # create .venv, install, report on the bundled examples
    python3 tasks.py test       # create .venv, install with dev extras, run the whole suite

Each creates the virtual environment ``.venv`` and installs the package into it when
needed, then runs the job. Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

EXTRAS = {"examples": "cli", "test": "cli,dev,dask,pandas,plot,bench,notebook,docs,parquet,zstd"}


def _ensure_env(extras: str) -> None:
    if not PY.exists():
        print(f"creating virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    stamp_key = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + extras.encode()
    ).hexdigest()
    stamp = VENV / f".installed-{extras.replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == stamp_key:
        return
    print(f"installing campaign-metrics[{extras}] into {VENV}", flush=True)
    subprocess.run(
        [str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[{extras}]"],
        check=True,
    )
    stamp.write_text(stamp_key)


def examples(args: list[str]) -> int:
    _ensure_env(EXTRAS["examples"])
    dirs = sorted(
        os.path.relpath(p, ROOT)
        for p in (ROOT / "examples").iterdir()
        if (p / "campaign.json").exists()
    )
    cmd = [str(BIN / "campaign-metrics"), "report", *dirs, *args]
    print("$ campaign-metrics report " + " ".join(dirs), flush=True)
    return subprocess.run(cmd, cwd=ROOT).returncode


def test(args: list[str]) -> int:
    _ensure_env(EXTRAS["test"])
    rc = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT).returncode
    if rc == 5:
        print("pytest collected no tests: failing on purpose", file=sys.stderr)
    return rc


def main(argv: list[str]) -> int:
    jobs = {"examples": examples, "test": test}
    if not argv or argv[0] not in jobs:
        print(__doc__, file=sys.stderr)
        return 2
    return jobs[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
