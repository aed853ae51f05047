"""Long work says how far it is: N of M and elapsed time on a terminal, nothing in a pipe."""

import io
import re

from pipeline.cli.common import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_n_of_m_on_a_terminal_and_clears_its_line():
    term = _Terminal()
    progress = Progress(3, "report", stream=term)
    for name in ("claims", "capability", "demand"):
        progress.step(name)
    progress.close()
    shown = term.getvalue()
    assert "report [1/3]" in shown and "report [3/3]" in shown and "demand" in shown
    assert shown.endswith("\r\033[K")  # the command's own summary starts on a clean line


def test_progress_is_silent_when_not_a_terminal():
    pipe = io.StringIO()
    progress = Progress(2, "import", stream=pipe)
    progress.step("a.json")
    progress.step("b.json")
    progress.close()
    assert pipe.getvalue() == "" and progress.done == 2


def test_refresh_lines_say_n_of_m_and_elapsed(tmp_path):
    from pipeline.refresh import run_refresh

    log = io.StringIO()
    outcome = run_refresh(tmp_path / "w.duckdb", select=["clean/citations/*"], stream=log)
    assert outcome.success, outcome.failures
    lines = [line for line in log.getvalue().splitlines() if line.startswith("  ok")]
    total = len(lines)
    assert total >= 2
    first = re.search(r"\[\s*1/(\d+)\]", lines[0])
    assert first and int(first.group(1)) == total  # every step of the selection is counted
    assert f"[{total}/{total}]" in lines[-1] and "(at " in lines[-1]


def test_report_and_import_print_no_progress_into_a_pipe(cli, refreshed_warehouse, tmp_path):
    code, out, err = cli("report", "--out", tmp_path / "r", "--family", "demand", "--warehouse", refreshed_warehouse)
    assert code == 0 and "\r" not in err and "wrote" in out
