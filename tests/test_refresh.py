"""A user's session: refresh into a fresh warehouse, then audit the chapter's numbers."""

import io
import shutil

import duckdb

from pipeline.refresh import run_refresh


def test_audit_of_p34_shows_page_34_both_prices_and_the_chapter_quote(refreshed_warehouse, cli):
    code, out, _ = cli("audit", "ark-big-ideas-2026/p34/sw-dev-cost-apr-2025", "--warehouse", refreshed_warehouse)
    assert code == 0
    assert "3.5 USD per million tokens" in out
    assert "page          34" in out
    assert "https://ark-invest.com/big-ideas-2026/" in out
    assert "从$3.50降至$0.32/百万tokens，下降91%" in out and "quote verified" in out
    code, out, _ = cli("audit", "ark-big-ideas-2026/p34/sw-dev-cost-dec-2025", "--warehouse", refreshed_warehouse)
    assert "0.32 USD per million tokens" in out and "page          34" in out


def test_the_derived_p34_decline_links_to_its_two_inputs(refreshed_warehouse, cli):
    code, out, _ = cli(
        "audit",
        "infernomics-derived/ark-big-ideas-2026/p34/sw-dev-cost-change-pct",
        "--format",
        "json",
        "--warehouse",
        refreshed_warehouse,
    )
    import json

    chain = json.loads(out)
    assert round(chain["value"], 1) == -90.9
    assert chain["formula"] == "pct_change@1" and chain["verification"] == "verified"
    roles = {i["role"]: (i["figure_id"], i["value"]) for i in chain["inputs"]}
    assert roles["before"] == ("ark-big-ideas-2026/p34/sw-dev-cost-apr-2025", 3.5)
    assert roles["after"] == ("ark-big-ideas-2026/p34/sw-dev-cost-dec-2025", 0.32)
    assert roles["checked_against"][1] == 91


def test_every_ark_figure_the_chapter_cites_is_loaded_with_its_page(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    rows = dict(con.execute("SELECT figure_id, page FROM figure WHERE source_id = 'ark-big-ideas-2026'").fetchall())
    cited = con.execute(
        "SELECT count(*), count(*) FILTER (verification = 'verified') FROM figure_citation "
        "WHERE source_id = 'book-ch1-ai-inference-macro' AND figure_id LIKE 'ark-big-ideas-2026/%'"
    ).fetchone()
    qualifier = con.execute(
        "SELECT qualifier FROM figure WHERE figure_id = 'ark-big-ideas-2026/p20/inference-cost-decline-1y'"
    ).fetchone()[0]
    assert sorted(set(rows.values())) == ["11", "20", "24", "34"]
    assert len(rows) == 8
    assert cited == (8, 8)
    assert "by some measures" in qualifier


def test_claims_carry_their_source_class(refreshed_warehouse, cli):
    code, out, _ = cli("audit", "a16z-llmflation-2024/cost-decline-10x-per-year", "--warehouse", refreshed_warehouse)
    assert "[primary, web_page]" in out and "https://a16z.com/llmflation-llm-inference-cost" in out
    code, out, _ = cli(
        "audit", "wealthdfm-ark-europe-big-ideas-2026/p20/inference-cost-decline-1y", "--warehouse", refreshed_warehouse
    )
    assert "[copy, web_page]" in out and "ark-big-ideas-2026 (this page cites that original)" in out


def test_no_figure_exists_without_a_source_and_audit_answers_for_every_figure(refreshed_warehouse, cli):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM orphan_figure").fetchone()[0] == 0
    unresolved = con.execute(
        "SELECT count(*) FROM figure f LEFT JOIN figure_provenance p USING (figure_id) WHERE p.source_title IS NULL"
    ).fetchone()[0]
    # audit reads figure_provenance; walk one figure of every (source, kind) through the CLI
    sample = [
        r[0] for r in con.execute("SELECT min(figure_id) FROM figure GROUP BY source_id, kind ORDER BY 1").fetchall()
    ]
    con.close()
    assert unresolved == 0
    failures = []
    for figure_id in sample:
        code, out, err = cli("audit", figure_id, "--warehouse", refreshed_warehouse)
        if code != 0 or not out.startswith(figure_id):
            failures.append((figure_id, err.strip()))
    assert not failures


def test_a_second_refresh_adds_no_rows(refreshed_warehouse, tmp_path):
    """Every family recomputed (`force`: unchanged inputs would skip) over its own output: only the run log grows."""
    path = tmp_path / "w.duckdb"
    shutil.copyfile(refreshed_warehouse, path)
    shutil.copytree(refreshed_warehouse.parent / "warehouse_parts", tmp_path / "w_parts")  # the folder is the unit

    def counts():
        con = duckdb.connect(str(path), read_only=True)
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_name NOT IN ('ingest_run', 'refresh_run', 'schema_migration')"
            ).fetchall()
        ]
        out = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        con.close()
        return out

    first = counts()
    assert run_refresh(path, stream=io.StringIO(), force=True).success
    assert counts() == first
    assert first["figure"] > 10_000 and first["token_price"] > 0 and first["gpu_spec"] > 0
