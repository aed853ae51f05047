"""The report as a reader meets it: a landing page with computed takeaways, a page per
family, a CSV of figure ids beside every chart, numbers written for people; rebuilt by the
`report/site` asset of the full refresh."""

import csv
import json
import re
import statistics
import xml.etree.ElementTree as ET

import duckdb
import pytest

from analysis import plots
from pipeline.definitions import defs
from warehouse.vocabulary import VERDICTS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(refreshed_warehouse):
    return refreshed_warehouse.parent / "report"


@pytest.fixture(scope="module")
def con(refreshed_warehouse):
    c = duckdb.connect(str(refreshed_warehouse), read_only=True)
    yield c
    c.close()


def test_the_report_is_an_asset_downstream_of_every_trend_in_the_daily_job():
    graph = defs.resolve_asset_graph()
    key = next(k for k in graph.get_all_asset_keys() if k.to_user_string() == "report/site")
    upstream = {k.to_user_string() for k in graph.get(key).parent_keys}
    trends = {k.to_user_string() for k in graph.get_all_asset_keys() if k.to_user_string().startswith("trend/")}
    # the report draws the 2026 capability paths and the demand curves too: it must run after them
    assert {"trend/capability_price_2026", "trend/demand_curve", "trend/claim_checks"} <= trends
    assert trends <= upstream
    schedule = defs.resolve_schedule_def("daily_full_refresh")
    assert key in defs.resolve_job_def(schedule.job_name).asset_layer.executable_asset_keys


def test_landing_page_has_a_card_per_family_with_a_chart_and_computed_takeaway(site, con):
    page = (site / "index.html").read_text()
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in page
    cards = re.findall(r"<section class=card id='([a-z_]+)'>(.*?)</section>", page, re.S)
    assert [k for k, _ in cards] == ["claims", "capability_price", "token_price", "gpu", "demand", "benchmark"]
    assert all("<img " in body for key, body in cards if key != "benchmark")
    verdicts = dict(con.execute("SELECT verdict, count(*) FROM claim_check GROUP BY 1").fetchall())
    total = sum(verdicts.values())
    assert (
        f"Of {total} cited claims about inference cost and demand, {verdicts.get('consistent', 0)} agree with "
        f"the stored data, {verdicts.get('consistent by some measures', 0)} agree by some of its measures only, "
        f"{verdicts.get('inconsistent', 0)} do not, and {verdicts.get('not testable', 0)} cannot be tested"
    ) in page
    # the sentence names every verdict the vocabulary has, so its parts add up to the total
    assert set(verdicts) <= set(VERDICTS)
    rows = con.execute(
        "SELECT factor_per_year, params FROM latest_fits WHERE method = 'epoch-ols' AND family = 'capability_price'"
    ).fetchall()
    declines = [1 / f for f, p in rows if not json.loads(p).get("claim_defined")]
    assert f"fell a median {statistics.median(declines):.3g}x per year across {len(declines)} thresholds" in page


def test_every_chart_is_an_svg_with_a_csv_of_stored_figures(site, con):
    svgs = sorted((site / "charts").glob("*.svg"))
    assert len(svgs) > 50
    assert not list((site / "charts").glob("*.png"))  # SVG only: see analysis/plots.py
    known = {r[0] for r in con.execute("SELECT figure_id FROM figure").fetchall()}
    for chart in svgs:
        root = ET.parse(chart).getroot()  # well-formed, or a browser would show nothing
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.findtext(f"{SVG}title"), chart.name
        rows = list(csv.DictReader(open(chart.with_suffix(".csv"), encoding="utf-8")))
        assert rows, chart.name
        ids = {r["figure_id"] for r in rows}
        assert ids <= known, (chart.name, sorted(ids - known)[:3])
    pages = {p.name: p.read_text() for p in site.glob("*.html")}
    for chart in svgs:  # and every chart is shown on some page
        assert any(f"<img src='charts/{chart.name}'" in text for text in pages.values()), chart.name


def test_a_series_chart_draws_every_stored_point_its_band_and_its_source(site, con):
    fit_id, label, n_used, n_shown = con.execute(
        "SELECT f.fit_id, f.series_label, count(*) FILTER (WHERE p.used), count(*) FILTER (WHERE NOT p.used) "
        "FROM latest_fits f JOIN fit_point p USING (fit_id) "
        "WHERE f.series = 'demand/openrouter_weekly_scrape' AND f.method = 'ols' GROUP BY ALL"
    ).fetchone()
    root = ET.parse(site / "charts" / "demand-openrouter-weekly-scrape.svg").getroot()
    assert root.findtext(f"{SVG}title") == label
    groups = {g.get("class"): g for g in root.iter(f"{SVG}g")}
    assert len(groups["points observed"].findall(f"{SVG}circle")) == n_used
    assert len(groups.get("points excluded", ET.Element("g")).findall(f"{SVG}circle")) == n_shown
    paths = {p.get("class") for p in root.iter(f"{SVG}path")}
    assert {"band prediction", "band confidence", "fit"} <= paths
    ticks = [t.text for t in groups["axis y"].iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks and all(re.fullmatch(r"[\d.,]+[KMBT]", t) for t in ticks), ticks
    source = "".join(next(t for t in root.iter(f"{SVG}text") if t.get("class") == "source").itertext())
    assert source.startswith("Source: ") and "90% bands" in source
    legend = " ".join(t.text for t in groups["legend"].iter(f"{SVG}text"))
    assert f"observed, fitted (n={n_used})" in legend and "90% confidence band (line)" in legend
    assert fit_id


def test_capability_charts_reach_2026_beside_epochs_2025_fits(site, con):
    from analysis.capability_price import HUB_BENCHMARKS
    from pipeline.report import CAPABILITY_2026_BENCHMARKS

    assert CAPABILITY_2026_BENCHMARKS == tuple(HUB_BENCHMARKS)
    charted = con.execute(
        "SELECT DISTINCT json_extract_string(params, '$.benchmark'), "
        "json_extract_string(params, '$.reasoning') FROM latest_fits WHERE family = "
        "'capability_price_2026' AND method = 'epoch-ols' "
        "AND json_extract_string(params, '$.chart') <> ''"
    ).fetchall()
    assert charted
    page = (site / "capability_price.html").read_text()
    latest = []
    for bench, reasoning in charted:
        name = f"capability-2026-{re.sub(r'[^a-z0-9]+', '-', bench.lower())}-reasoning-{reasoning}"
        assert f"charts/{name}.svg" in page, name
        rows = list(csv.DictReader(open(site / "charts" / f"{name}.csv", encoding="utf-8")))
        latest.append(max(r["obs_date"] for r in rows if r["used"] == "true"))
    assert max(latest) >= "2026-01-01"
    n_2026 = con.execute("SELECT count(*) FROM latest_fits WHERE family = 'capability_price_2026'").fetchone()[0]
    assert page.count("capability_price_2026/") >= n_2026  # every 2026 fit in its table
    assert re.search(r"With data through \w{3} 2026 \(Benchmarking Hub scores", (site / "index.html").read_text())


def test_the_demand_curve_is_drawn_and_quoted_with_its_interval(site, con):
    curves = con.execute(
        "SELECT curve_id, quantity_series, slope, slope_low, slope_high, n FROM demand_curve "
        "WHERE selected ORDER BY n DESC, curve_id DESC"
    ).fetchall()
    assert curves, "no selected demand curve"
    demand = (site / "demand.html").read_text()
    for cid, quantity, slope, low, high, n in curves:
        name = "demand-curve-" + quantity.removeprefix("demand/").replace("_", "-")
        assert f"charts/{name}.svg" in demand and f"Log-log slope {slope:.2f} [{low:.2f}, {high:.2f}]" in demand
        rows = list(csv.DictReader(open(site / "charts" / f"{name}.csv", encoding="utf-8")))
        assert len(rows) == n and {r["curve_id"] for r in rows} == {cid}
    _, _, slope, low, high, n = curves[0]
    landing = (site / "index.html").read_text()
    assert f"log-log slope of {slope:.2f} [{low:.2f}, {high:.2f}] over {n} matched dates" in landing
    assert "an association, not a causal elasticity" in landing


def test_claims_judged_on_measures_show_their_range_and_count(site, con):
    rows = con.execute("SELECT check_id, n_measures FROM claim_check WHERE n_measures > 0").fetchall()
    assert rows
    claims = (site / "claims.html").read_text()
    for check_id, n in rows:
        assert f"{n} measures range" in claims, check_id


def test_numbers_are_written_for_people(site):
    for page in site.glob("*.html"):
        text = re.sub(r"<[^>]+>", " ", page.read_text())
        text = re.sub(r"\S*/\S*", " ", text)  # figure ids and paths may hold long digit runs
        assert not re.search(r"\d{13,}", text), (page.name, re.search(r".{30}\d{13,}.{10}", text))
    claims = (site / "claims.html").read_text()
    assert "<td> to </td>" not in claims and "no window stated" in claims  # the two Epoch rates have no window
    demand = (site / "demand.html").read_text()
    assert re.search(r"\d(\.\d+)?T tokens/week", demand)  # 25.7T tokens/week, not 2.57e+13


def test_token_and_dollar_axes_read_T_and_dollars():
    dates = ["2024-01-01", "2024-06-01", "2025-01-01", "2025-06-01"]

    def y_ticks(values, y_label):
        chart = plots.band_figure(dates, values, None, title="t", y_label=y_label, source_line="s")
        axis = next(g for g in ET.fromstring(plots.render(chart)).iter(f"{SVG}g") if g.get("class") == "axis y")
        return [t.text for t in axis.iter(f"{SVG}text") if t.get("class") == "tick"]

    labels = y_ticks([2e11, 1e12, 6e12, 3e13], "tokens per week")
    assert labels and all(re.fullmatch(r"[\d.,]+[KMBT]?", t) for t in labels), labels
    assert any(t.endswith("T") for t in labels) and any(t.endswith("B") for t in labels)
    labels = y_ticks([0.05, 0.6, 4.0, 30.0], "USD per million tokens")
    assert labels and all(t.startswith("$") for t in labels), labels
    assert plots.short_number(1.3e15) == "1,300T" and plots.short_number(2.5e9) == "2.5B"


def test_a_rebuild_replaces_the_folder_and_never_a_folder_that_is_not_a_report(cli, refreshed_warehouse, tmp_path):
    out = tmp_path / "r"
    assert cli("report", "--out", out, "--family", "demand", "--warehouse", refreshed_warehouse)[0] == 0
    stale = out / "charts" / "a-series-that-no-longer-exists.png"
    stale.write_bytes(b"old")
    assert cli("report", "--out", out, "--family", "demand", "--warehouse", refreshed_warehouse)[0] == 0
    assert not stale.exists() and (out / "demand.html").exists()
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    code, _, err = cli("report", "--out", mine, "--warehouse", refreshed_warehouse)
    assert code == 1 and "is not an infernomics report" in err and (mine / "notes.txt").read_text() == "keep me"


def test_a_rebuild_of_unchanged_data_writes_the_same_charts(cli, refreshed_warehouse, tmp_path):
    out = tmp_path / "r"
    code, said, _ = cli("report", "--out", out, "--family", "demand", "--warehouse", refreshed_warehouse)
    assert code == 0 and "charts (SVG and CSV)" in said
    first = {p.name: p.read_bytes() for p in (out / "charts").iterdir()}
    assert any(name.endswith(".svg") for name in first)
    code, said, _ = cli("report", "--out", out, "--family", "demand", "--warehouse", refreshed_warehouse)
    assert code == 0
    assert {p.name: p.read_bytes() for p in (out / "charts").iterdir()} == first  # drawn again, byte for byte


def test_the_command_offers_every_family_the_builder_knows():
    from pipeline.cli.commands.report import FAMILIES
    from pipeline.report import FAMILY_TITLES

    assert FAMILIES == tuple(FAMILY_TITLES)
