"""Shared fixtures: a real warehouse refreshed once per session by the real Definitions."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from pipeline.cli import main

# Tests never touch the internet: live feeds refresh from stored data only.
os.environ["INFERNOMICS_OFFLINE"] = "1"


@pytest.fixture(scope="session")
def refreshed_warehouse(tmp_path_factory) -> Path:
    """A DuckDB file in a temp dir after one full in-process refresh of every asset."""
    from pipeline.refresh import run_refresh

    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    outcome = run_refresh(path, stream=io.StringIO())
    assert outcome.success, outcome.failures
    return path


@pytest.fixture
def cli():
    """Run `infernomics ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exit_:  # argparse: --help, usage errors
                code = exit_.code
        return code, out.getvalue(), err.getvalue()

    return run


#: Files tests leave for people (screenshots): listed at the end of the test output.
ARTEFACTS: list[str] = []


@pytest.fixture(scope="session")
def artefacts_dir() -> Path:
    """Where tests save artefacts: $INFERNOMICS_TEST_ARTEFACTS, else ./test-artefacts (git-ignored)."""
    root = Path(os.environ.get("INFERNOMICS_TEST_ARTEFACTS") or Path(__file__).parent.parent / "test-artefacts")
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def record_artefact():
    """`record_artefact("what: path")`: listed under "test artefacts" at the end of the run."""
    return ARTEFACTS.append


def pytest_terminal_summary(terminalreporter):
    if ARTEFACTS:
        terminalreporter.section("test artefacts")
        for line in ARTEFACTS:
            terminalreporter.write_line(line)
