"""`infernomics report`: links only to web pages, claims drawn with their bounds, and the
hardware inputs of the GPU series (data-center parts only; release dates shown as dates)."""

import re

import duckdb
import pytest

from pipeline.report.text import _cite


def test_non_web_source_addresses_are_plain_text_with_the_source_id():
    html = _cite("package:genai-prices", "genai-prices: LLM price data", "genai-prices")
    assert "<a " not in html and "href" not in html
    assert "<code>genai-prices</code>" in html and "package:genai-prices" in html
    assert _cite(None, "Internal series", "infernomics-demand-series").count("infernomics-demand-series") == 1
    assert _cite("https://example.org/p", "Page", "src") == "<a href='https://example.org/p'>Page</a>"


@pytest.fixture(scope="module")
def token_report(refreshed_warehouse, tmp_path_factory):
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("report")
    assert (
        main(["report", "--out", str(out), "--family", "token_price", "gpu", "--warehouse", str(refreshed_warehouse)])
        == 0
    )
    return out


def test_report_links_only_http_addresses(token_report):
    pages = sorted(token_report.glob("*.html"))
    assert [p.name for p in pages] == ["claims.html", "gpu.html", "index.html", "token_price.html"]
    hrefs = [h for p in pages for h in re.findall(r"<a [^>]*href='([^']*)'", p.read_text())]
    local = re.compile(r"^(#|charts/|[a-z_]+\.html(#|$))")
    assert hrefs and all(h.startswith(("http://", "https://")) or local.match(h) for h in hrefs), sorted(
        {h for h in hrefs if not (h.startswith("http") or local.match(h))}
    )
    assert "<code>genai-prices</code>" in (token_report / "token_price.html").read_text()  # named, not linked


def test_flops_per_dollar_fits_only_data_center_gpus(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    rows = con.execute(
        "SELECT p.label, p.used, p.note FROM fit_point p JOIN latest_fits f USING (fit_id) "
        "WHERE f.series = 'gpu/bf16_tflops_per_usd' AND f.method = 'ols'"
    ).fetchall()
    labels = dict(con.execute("SELECT sku, label FROM gpu_sku").fetchall())
    con.close()
    used = {r[0] for r in rows if r[1]}
    assert used and not any(labels[s].startswith("GeForce") for s in used)
    shown = {r[0]: r[2] for r in rows if not r[1]}
    assert "rtx-4090" in shown and "consumer/workstation part" in shown["rtx-4090"]


def test_spec_conflict_shows_release_dates_as_iso_dates(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    dates = con.execute(
        "SELECT chosen_value, other_value, chosen_text, other_text FROM spec_conflict WHERE attribute = 'release_date'"
    ).fetchall()
    numbers = con.execute(
        "SELECT chosen_value, chosen_text FROM spec_conflict WHERE attribute = 'memory_gb'"
    ).fetchall()
    con.close()
    assert dates and all(a is None and b is None for a, b, _, _ in dates)  # no decimal years
    iso = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    assert all(iso.match(c) and iso.match(o) for _, _, c, o in dates)
    assert numbers and all(isinstance(v, float) and t.endswith(" GB") for v, t in numbers)


def test_a_rounded_percentage_claim_stores_the_multiples_it_covers(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    row = con.execute(
        "SELECT claimed_low, claimed_high, data_multiple, verdict FROM claim_check "
        "WHERE check_id = 'openai-gpt-4o-mini-99pct-vs-davinci-003'"
    ).fetchone()
    up_to = con.execute(
        "SELECT claimed_low, claimed_high FROM claim_check WHERE check_id = 'usage-ai-aws-p5-up-to-45pct-cut-jun-2025'"
    ).fetchone()
    con.close()
    assert row[0] == pytest.approx(1 / 0.015) and row[1] == pytest.approx(200) and row[0] < row[2] < row[1]
    assert row[3] == "consistent"
    assert up_to[0] is None and up_to[1] == pytest.approx(1 / (1 - 0.455))
