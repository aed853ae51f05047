"""Same claim, every voice: a cited figure is linked to the stored pages that repeat it, each
link's agreement is checked against the stored figures, and audit shows them together."""

import csv
import json

import duckdb
import pytest

from analysis.corroboration import check_agreement, parse_declared, values_agree
from sources import citations
from sources.paths import package_path
from sources.registry import load_registry
from warehouse import Warehouse, query_frame
from warehouse.audit import audit_chain
from warehouse.contracts import CitedFigure
from warehouse.corroboration import store_links
from warehouse.figures import store_figures, store_sources

P20 = "ark-big-ideas-2026/p20/inference-cost-decline-1y"
P24 = "ark-big-ideas-2026/p24/ai-infrastructure-investment-2030"
P11 = "ark-big-ideas-2026/p11/gdp-growth-from-capital-investment"
LINK_FILE = package_path("data", "citations", "links", "corroboration.csv")


def _link_rows() -> list[dict]:
    with open(LINK_FILE, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _figure(**kw) -> dict:
    return {
        "value": 1.4,
        "unit": "USD trillion per year",
        "bound": ">",
        "as_of": None,
        "period_start": None,
        "period_end": "2030-12-31",
    } | kw


# -- the check itself ---------------------------------------------------------------------------


def test_values_agree_within_the_rounding_they_state():
    assert values_agree(1.9, 1.94) and values_agree(99, 99.4)
    assert not values_agree(1.9, 1.96) and not values_agree(99, 95)


def test_each_difference_is_named_with_both_sides():
    same = check_agreement(_figure(), _figure())
    assert same.agrees and same.summary() == "agrees"
    result = check_agreement(_figure(), _figure(value=1.5, bound="=", unit="USD trillion", period_end=None))
    assert result.differences == ("value", "bound", "unit", "period")
    assert "bound: > vs =" in result.summary()
    assert "unit: 'USD trillion per year' vs 'USD trillion'" in result.summary()
    assert "period: ? to 2030-12-31 vs not stated" in result.summary()


def test_a_declaration_names_known_dimensions_only():
    assert parse_declared("agrees") == (set(), None)
    assert parse_declared("differs: bound, unit") == ({"bound", "unit"}, None)
    assert parse_declared("differs: colour")[0] is None
    assert parse_declared("roughly")[0] is None


# -- the stored links, in a refreshed warehouse ---------------------------------------------------


def test_every_committed_link_is_stored_and_its_check_holds_for_the_stored_figures(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    stored = {
        (r["figure_id"], r["other_figure_id"]): r for r in query_frame(con, "SELECT * FROM figure_link").to_dicts()
    }
    figures = {r["figure_id"]: r for r in query_frame(con, "SELECT * FROM figure").to_dicts()}
    rows = _link_rows()
    assert len(stored) == len(rows)
    for row in rows:
        link = stored[(row["figure_id"], row["other_figure_id"])]
        result = check_agreement(figures[row["figure_id"]], figures[row["other_figure_id"]])
        declared, _ = parse_declared(row["declared"])
        assert set(result.differences) == declared, row
        assert (link["agrees"], list(link["differences"]), link["check_detail"]) == (
            result.agrees,
            list(result.differences),
            result.summary(),
        )


def test_the_disagreements_found_are_named_and_both_ends_carry_the_flag(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    disagreeing = con.execute(
        "SELECT figure_id, other_figure_id, check_detail FROM figure_link WHERE NOT agrees ORDER BY ALL"
    ).fetchall()
    assert disagreeing == [
        (
            P20,
            "nuggets-ark-big-ideas-2026-ai-infrastructure-video/downing-cost-fixed-intelligence-decline-1y",
            "differs: bound: > vs =",
        ),
        (P24, "reportify-ark-big-ideas-2026/data-center-investment-2030", "differs: bound: > vs ="),
        (
            "compux-gpu-pricing-trends-2026/aws-h100-price-cut-jun-2025",
            "usage-ai-llm-cost-aws-2026/aws-p5-on-demand-price-cut-jun-2025",
            "differs: value: 44 vs 45 (beyond the stated rounding); bound: = vs <",
        ),
    ]
    flagged = con.execute("SELECT figure_id FROM figure_flag WHERE flag = 'disagrees_bound' ORDER BY 1").fetchall()
    assert [f for (f,) in flagged] == sorted(f for link in disagreeing for f in link[:2])
    assert con.execute("SELECT count(*) FROM figure_flag WHERE flag = 'disagrees_value'").fetchone()[0] == 2


def test_the_p24_unit_follows_ark_europes_wording_and_says_it_is_an_interpretation(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    unit, qualifier = con.execute("SELECT unit, qualifier FROM figure WHERE figure_id = ?", [P24]).fetchone()
    europe = con.execute(
        "SELECT quote FROM figure WHERE figure_id = "
        "'wealthdfm-ark-europe-big-ideas-2026/p24/ai-infrastructure-investment-2030'"
    ).fetchone()[0]
    chapter = con.execute("SELECT quote FROM figure_citation WHERE figure_id = ?", [P24]).fetchone()[0]
    flag = con.execute(
        "SELECT detail FROM figure_flag WHERE figure_id = ? AND flag = 'unit_interpreted'", [P24]
    ).fetchone()
    assert unit == "USD trillion per year" and europe.startswith("annual AI infrastructure investment")
    assert "年" not in chapter.replace("2030年", "") and "interpretation" in qualifier and chapter in qualifier
    assert flag and "ARK Invest Europe" in flag[0]


def test_claim_corroboration_counts_sources_by_class_and_agreement(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    rows = {r["figure_id"]: r for r in query_frame(con, "SELECT * FROM claim_corroboration").to_dicts()}
    p24 = rows[P24]
    assert (p24["independent_sources"], p24["copy_sources"], p24["secondary_sources"]) == (2, 1, 1)
    assert (p24["agreement"], p24["differences_named"]) == ("some disagree", ["bound"])
    assert rows[P11]["agreement"] == "all agree" and rows[P11]["independent_sources"] == 2
    assert rows["ark-big-ideas-2026/p20/openrouter-demand-growth-since-dec-2024"]["agreement"] == "uncorroborated"


# -- audit ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("figure_id", [P20, P24, P11])
def test_audit_lists_at_least_one_corroborating_page_with_its_agreement(refreshed_warehouse, cli, figure_id):
    code, out, _ = cli("audit", figure_id, "--warehouse", refreshed_warehouse)
    assert code == 0
    section = out.split("also reported by (", 1)[1]
    assert "agrees" in section and "link asserted by infernomics maintainers" in section
    assert (
        "corroboration: primary source ark-big-ideas-2026 is unverified (no stored copy); "
        "corroborated by 2 other sources"
    ) in out


def test_audit_of_each_ark_figure_lists_exactly_the_linked_pages(refreshed_warehouse, cli):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    ark = [r[0] for r in con.execute("SELECT figure_id FROM figure WHERE source_id = 'ark-big-ideas-2026'").fetchall()]
    assert len(ark) == 8
    for figure_id in ark:
        expected = sorted({r["other_figure_id"] for r in _link_rows() if r["figure_id"] == figure_id})
        code, out, _ = cli("audit", figure_id, "--format", "json", "--warehouse", refreshed_warehouse)
        listed = json.loads(out)["also_reported_by"]
        assert code == 0 and sorted(o["figure_id"] for o in listed) == expected, figure_id
        for other in listed:
            assert other["source_class"] in ("copy", "secondary") and other["url"].startswith("https://")
            assert other["quote"] and isinstance(other["agreement"]["agrees"], bool)


def test_audit_json_is_the_chain_that_warehouse_audit_builds(refreshed_warehouse, cli):
    code, out, _ = cli("audit", P24, "--format", "json", "--warehouse", refreshed_warehouse)
    with Warehouse(refreshed_warehouse).reader() as con:
        chain = audit_chain(con, P24)
    assert code == 0 and json.loads(out) == json.loads(json.dumps(chain, default=str, ensure_ascii=False))
    assert chain["status"][0]["kind"] == "corroboration" and {"flags", "also_reported_by"} <= chain.keys()


def test_a_page_shows_the_original_it_repeats(refreshed_warehouse, cli):
    code, out, _ = cli(
        "audit", "tmfnk-ark-big-ideas-2026/p11/gdp-growth-above-consensus", "--warehouse", refreshed_warehouse
    )
    assert code == 0 and "also reported by (1)" in out and "ark-big-ideas-2026/p11/gdp-growth-above-consensus" in out
    assert "scope: 'adding 4+ percentage points to annual global GDP growth'" in out
    assert "corroboration:" not in out  # a secondary page is not a primary source awaiting corroboration


# -- bad link rows ------------------------------------------------------------------------------------

BAD_LINKS = (
    "figure_id,other_figure_id,relation,declared,asserted_by,asserted_on,scope_note,note\n"
    f"{P24},wealthdfm-ark-europe-big-ideas-2026/p24/ai-infrastructure-investment-2030,restates,agrees,t,2026-12-01,,\n"
    f"{P24},no-such/figure,same_claim,agrees,t,2026-12-01,,\n"
    f"{P24},{P24},same_claim,agrees,t,2026-12-01,,\n"
    f"{P24},reportify-ark-big-ideas-2026/data-center-investment-2030,same_claim,agrees,t,2026-12-01,,\n"
    f"wealthdfm-ark-europe-big-ideas-2026/p24/ai-infrastructure-investment-2030,{P24},restates,agrees,t,2026-12-01,,\n"
    f"{P11},reportify-ark-big-ideas-2026/us-gdp-growth-contribution,echoes,agrees,t,2026-12-31,,\n"
    f",{P11},restates,agrees,t,2026-12-01,,\n"
)


@pytest.fixture
def warehouse_with_figures(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    figures, _ = citations.load_all()
    with wh.ingest("test/citations") as (con, run):
        store_sources(con, run, load_registry())
        store_figures(con, run, figures, contract=CitedFigure)
    return wh


def test_bad_link_rows_are_refused_with_file_row_and_rule(warehouse_with_figures):
    links = citations.parse_links_csv(BAD_LINKS.encode(), "links/bad.csv")
    flags = citations.parse_flags_csv(
        b"figure_id,flag,detail,asserted_by,asserted_on\nno-such/figure,unit_interpreted,x,t,2026-12-01\n",
        "links/bad_flags.csv",
    )
    with warehouse_with_figures.ingest("test/links", "infernomics-corroboration") as (con, run):
        link_result, flag_result = store_links(con, run, links, flags)
    assert (link_result.rows_in, link_result.accepted, link_result.quarantined) == (7, 1, 6)
    assert flag_result.quarantined == 1
    with warehouse_with_figures.reader() as con:
        refused = con.execute(
            "SELECT row_locator, rule FROM quarantine WHERE target_table IN ('figure_link', 'figure_flag') ORDER BY ALL"
        ).fetchall()
        kept = con.execute("SELECT figure_id, other_figure_id FROM figure_link").fetchall()
    assert refused == [
        ("links/bad.csv:3", "link_figures_exist"),
        ("links/bad.csv:4", "link_not_self"),
        ("links/bad.csv:5", "declared_agreement_holds"),
        ("links/bad.csv:6", "link_unique"),
        ("links/bad.csv:7", "relation_known"),
        ("links/bad.csv:8", "value_present"),
        ("links/bad_flags.csv:2", "flag_figure_exists"),
    ]
    assert kept == [(P24, "wealthdfm-ark-europe-big-ideas-2026/p24/ai-infrastructure-investment-2030")]


def test_a_refuted_declaration_says_what_the_check_found(warehouse_with_figures):
    links = citations.parse_links_csv(BAD_LINKS.encode(), "links/bad.csv")
    flags = citations.parse_flags_csv(b"figure_id,flag,detail,asserted_by,asserted_on\n", "links/none.csv")
    with warehouse_with_figures.ingest("test/links", "infernomics-corroboration") as (con, run):
        store_links(con, run, links, flags)
    with warehouse_with_figures.reader() as con:
        reason = con.execute("SELECT reason FROM quarantine WHERE rule = 'declared_agreement_holds'").fetchone()[0]
    assert reason == "the file declares agreement, the check finds bound > vs ="


def test_the_report_claims_table_shows_who_else_reports_each_claim(refreshed_warehouse, tmp_path, cli):
    code, _, err = cli("report", "--out", tmp_path, "--family", "demand", "--warehouse", refreshed_warehouse)
    page = (tmp_path / "claims.html").read_text(encoding="utf-8")
    claims = page.split("<h2 id='claims-table'>", 1)[1].split("</table>", 1)[0]
    p20_row = next(r for r in claims.split("<tr>") if "<code>" + P20 + "</code>" in r)
    assert code == 0 and "<th>also reported by</th>" in claims
    assert "2 sources (1 copy, 1 secondary): some disagree (bound)" in p20_row
    assert "none stored" in claims  # a claim nothing else reports says so
