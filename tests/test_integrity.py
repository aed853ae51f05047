"""Integrity alarms, tried the way an attacker (or a careless edit) would: each tamper
case changes a copy (a copy of the `sources` package put first on PYTHONPATH, or the
files of a warehouse in tmp_path; never the repo's files), then `infernomics verify` and
`refresh` must fail loudly with one summary line and `audit` must show the figure as
resting on a changed snapshot."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A warehouse after one full refresh (its own: the tamper cases write to it)."""
    import io

    from pipeline.refresh import run_refresh

    path = tmp_path_factory.mktemp("integrity") / "w.duckdb"
    assert run_refresh(path, stream=io.StringIO()).success
    return path


@pytest.fixture
def tampered_sources(tmp_path):
    """A copy of the `sources` package to tamper with, and the environment that makes
    `infernomics` read it instead of the repo's."""
    root = tmp_path / "src"
    shutil.copytree(REPO / "sources", root / "sources", ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, PYTHONPATH=str(root), INFERNOMICS_OFFLINE="1")
    return root / "sources", env


def infernomics(env, *args):
    # run from the tamper copy's folder (or a neutral one): `python -m` puts the working
    # directory first on sys.path, so the repo must not be it
    cwd = env.get("PYTHONPATH") or str(Path(sys.executable).parent)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, done.stdout + done.stderr


def q(path, sql, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def flip_byte(path: Path, at: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_untampered_warehouse_verifies_clean(base):
    code, out = infernomics(dict(os.environ), "verify", "--all", "--warehouse", base)
    assert code == 0, out
    assert "all match their registered sha256" in out and "0 value_mismatch" in out
    assert q(base, "SELECT count(*) FROM snapshot_integrity WHERE status <> 'ok'")[0][0] == 0


def test_a_byte_changed_in_the_chapter_snapshot(base, tampered_sources, cli):
    src, env = tampered_sources
    flip_byte(src / "snapshots" / "book-ch1-ai-inference-macro.md")
    code, out = infernomics(env, "verify", "--warehouse", base)
    assert code == 1
    assert out.splitlines()[0].startswith("snapshot integrity: 1 of ")
    assert "sources/snapshots/book-ch1-ai-inference-macro.md hashes to" in out
    # audit shows the cited figure as resting on a changed snapshot (status is data)
    code, audit_out, _ = cli("audit", "ark-big-ideas-2026/p34/sw-dev-cost-apr-2025", "--warehouse", base)
    assert "CHANGED SNAPSHOT: rests on sources/snapshots/book-ch1-ai-inference-macro.md (changed)" in audit_out
    status = q(
        base,
        "SELECT snapshot_integrity FROM figure_integrity WHERE figure_id = 'ark-big-ideas-2026/p34/sw-dev-cost-apr-2025'",
    )
    assert status == [("changed_snapshot",)]
    # and a refresh of that source fails its step, non-zero, with the same summary line
    code, out = infernomics(env, "refresh", "--select", "clean/citations/source", "--warehouse", base)
    assert code != 0 and "citation_snapshots_unchanged" in out and "book-ch1-ai-inference-macro.md hashes to" in out
    # restored: verify is clean again and audit says so
    assert infernomics(dict(os.environ), "verify", "--warehouse", base)[0] == 0
    _, audit_out, _ = cli("audit", "ark-big-ideas-2026/p34/sw-dev-cost-apr-2025", "--warehouse", base)
    assert "snapshot unchanged" in audit_out


def test_a_quote_edited_in_the_cited_csv(base, tampered_sources):
    src, env = tampered_sources
    cited = src / "data" / "citations" / "cited_in" / "book_ch1.csv"
    text = cited.read_text(encoding="utf-8")
    assert "下降91%" in text
    cited.write_text(text.replace("下降91%", "下降95%", 1), encoding="utf-8")
    code, out = infernomics(env, "verify", "--warehouse", base)
    assert code == 1 and "sources/data/citations/cited_in/book_ch1.csv hashes to" in out
    assert q(
        base,
        "SELECT family, kind, status FROM snapshot_integrity WHERE path = 'sources/data/citations/cited_in/book_ch1.csv'",
    ) == [("citations", "curated", "changed")]
    assert infernomics(dict(os.environ), "verify", "--warehouse", base)[0] == 0


def test_a_spec_changed_in_the_bundled_epoch_csv(base, tampered_sources):
    src, env = tampered_sources
    chips = src / "data" / "epoch_hardware" / "chip_dataset.csv"
    text = chips.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "H100" in ln)
    chips.write_text(text.replace(line, line.replace("80", "81", 1), 1), encoding="utf-8")
    code, out = infernomics(env, "verify", "--warehouse", base)
    assert code == 1 and "sources/data/epoch_hardware/chip_dataset.csv hashes to" in out
    code, out = infernomics(env, "refresh", "--select", "clean/hardware/gpu_spec", "--warehouse", base)
    assert code != 0 and "hardware_snapshots_unchanged" in out
    assert infernomics(dict(os.environ), "verify", "--warehouse", base)[0] == 0


def test_a_byte_changed_in_the_stored_genai_prices_snapshot(base):
    path = Path(q(base, "SELECT path FROM snapshot WHERE source_id = 'genai-prices'")[0][0])
    original = path.read_bytes()
    try:
        flip_byte(path, at=len(original) // 2)
        code, out = infernomics(dict(os.environ), "verify", "--warehouse", base)
        assert code == 1 and path.name in out
        assert q(base, "SELECT family, status FROM snapshot_integrity WHERE path = ?", [str(path)]) == [
            ("token_prices", "changed")
        ]
        figure = q(base, "SELECT figure_id FROM figure WHERE source_id = 'genai-prices' LIMIT 1")[0][0]
        assert q(base, "SELECT snapshot_integrity FROM figure_integrity WHERE figure_id = ?", [figure]) == [
            ("changed_snapshot",)
        ]
    finally:
        path.write_bytes(original)
    assert infernomics(dict(os.environ), "verify", "--warehouse", base)[0] == 0


def test_a_parquet_part_rewritten(base):
    from warehouse.connection import Warehouse, part_path

    part_file = q(
        base, "SELECT part_file FROM benchmark_request_part WHERE layout = 'canonical' ORDER BY part_file LIMIT 1"
    )[0][0]
    part_name = part_path(part_file)
    part = Warehouse(base).parts_dir / part_name
    original = part.read_bytes()
    try:
        tmp = part.with_suffix(".rewrite")
        with duckdb.connect() as con:  # the attack of issue 11: same rows, TTFT divided by 10
            con.execute(
                f"COPY (SELECT * REPLACE (ttft_ms / 10 AS ttft_ms) FROM read_parquet('{part}')) TO '{tmp}' (FORMAT parquet)"
            )
        tmp.replace(part)
        code, out = infernomics(dict(os.environ), "verify", "--all", "--warehouse", base)
        assert code == 1 and part_name in out
        assert "derived.ttft" in out  # the percentiles re-computed from the part no longer agree
        bad = q(
            base,
            "SELECT count(*) FROM figure WHERE verification = 'value_mismatch' AND figure_id LIKE '%/derived.ttft.%'",
        )[0][0]
        assert bad > 0
    finally:
        part.write_bytes(original)
    code, out = infernomics(dict(os.environ), "verify", "--all", "--warehouse", base)
    assert code == 0, out
    assert (
        q(base, "SELECT count(*) FROM figure WHERE verification = 'value_mismatch' AND figure_id LIKE '%/derived.%'")[
            0
        ][0]
        == 0
    )


def test_a_benchmark_figure_is_verified_only_after_it_is_re_read(base, tampered_sources):
    """A stored figure whose file now says something else at its locator loses `verified`."""
    src, env = tampered_sources
    figure = "bench-llmperf-summary-groq-70b/run/ttft.p99"
    with duckdb.connect(str(base)) as con:  # an edit behind the warehouse's back
        con.execute("UPDATE figure SET value = value * 2 WHERE figure_id = ?", [figure])
    code, out = infernomics(dict(os.environ), "verify", "--all", "--warehouse", base)
    assert code == 1 and f"{figure}: stored" in out
    assert q(base, "SELECT verification FROM figure WHERE figure_id = ?", [figure]) == [("value_mismatch",)]
    with duckdb.connect(str(base)) as con:
        con.execute("UPDATE figure SET value = value / 2 WHERE figure_id = ?", [figure])
    assert infernomics(dict(os.environ), "verify", "--all", "--warehouse", base)[0] == 0
    assert q(base, "SELECT verification FROM figure WHERE figure_id = ?", [figure]) == [("verified",)]


def test_a_moved_warehouse_checks_its_own_copies(base, tmp_path):
    """Snapshots recorded under the original folder are re-hashed at the same place in the
    moved folder's parts, never the original's (which may have been tampered with or gone)."""
    from warehouse.connection import Warehouse

    moved = tmp_path / "elsewhere" / "w.duckdb"
    moved.parent.mkdir()
    shutil.copyfile(base, moved)
    shutil.copytree(Warehouse(base).parts_dir, Warehouse(moved).parts_dir)
    code, out = infernomics(dict(os.environ), "verify", "--warehouse", moved)
    assert code == 0, out
    assert (
        q(moved, "SELECT count(*) FROM snapshot_integrity WHERE family = 'token_prices' AND status = 'ok'")[0][0] >= 1
    )
    stored = Path(q(moved, "SELECT path FROM snapshot WHERE source_id = 'genai-prices'")[0][0])
    copy = Warehouse(moved).parts_dir / stored.relative_to(Warehouse(base).parts_dir)
    flip_byte(copy, at=1000)  # the copy's snapshot changed, the original's not
    code, out = infernomics(dict(os.environ), "verify", "--warehouse", moved)
    assert code == 1 and "1 of " in out
