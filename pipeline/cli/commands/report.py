"""`infernomics report`: one static HTML report of every fit, chart and claim check."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import math
import re
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

from pipeline.cli.common import UserError, add_command, warehouse_from
from warehouse import query_frame

FITS_SQL = "SELECT * FROM latest_fits ORDER BY family, series, method"
# a derived point (an OpenRouter weekly total) is shown with the source of its inputs
POINTS_SQL = """
WITH upstream AS (
    SELECT i.figure_id, min(f.source_id) AS source_id
    FROM figure_input i JOIN figure f ON f.figure_id = i.input_figure_id GROUP BY i.figure_id
)
SELECT p.fit_id, p.input_figure_id, p.obs_date, p.value, p.used, p.label, p.note,
       s.source_id, s.title AS source_title, s.publisher, s.url, s.source_class, v.quote, v.locator, v.unit
FROM fit_point p JOIN figure_provenance v ON v.figure_id = p.input_figure_id
LEFT JOIN upstream u ON u.figure_id = p.input_figure_id AND v.kind = 'derived'
LEFT JOIN source s ON s.source_id = coalesce(u.source_id, v.source_id)
WHERE list_contains(?, p.fit_id) ORDER BY p.fit_id, p.obs_date
"""
BANDS_SQL = "SELECT * FROM fit_band WHERE list_contains(?, fit_id) ORDER BY fit_id, band_date"
CLAIMS_SQL = """
SELECT c.*, v.value AS claim_value, v.unit AS claim_unit, v.quote AS claim_quote, v.url AS claim_url,
       v.source_title AS claim_source, v.source_class AS claim_class, v.page AS claim_page,
       v.source_id AS claim_source_id, k.independent_sources, k.primary_sources, k.copy_sources,
       k.secondary_sources, k.agreement AS corroboration, k.differences_named
FROM claim_check c LEFT JOIN figure_provenance v ON v.figure_id = c.claim_figure_id
LEFT JOIN claim_corroboration k ON k.figure_id = c.claim_figure_id
ORDER BY c.verdict, c.check_id
"""
FAMILY_TITLES = {
    "capability_price": "Capability-adjusted LLM price (Epoch AI's method)",
    "token_price": "Token prices of fixed models and of the cheapest model per tier",
    "gpu": "GPU cost: $/GPU-hour and FLOP/s per dollar",
    "benchmark": "Cost per million tokens from measured benchmarks",
    "demand": "Demand",
}
CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 6px;
vertical-align:top}th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.consistent{color:#1a7f37;font-weight:600}.inconsistent{color:#b42318;font-weight:600}
.not-testable{color:#8a6d00;font-weight:600}img{max-width:100%;border:1px solid #eee}
.small{font-size:0.8em;color:#555}h2{border-bottom:2px solid #1f5fa8;padding-bottom:3px}"""


def _plots():
    """matplotlib and scipy load only when a report is written, not at every CLI start."""
    from analysis import plots

    return plots


def fm(x) -> str:
    """A multiple as the trend module formats it (imported lazily, see `_plots`)."""
    from analysis.trend import fmt_multiple

    return fmt_multiple(x)


def report(args: argparse.Namespace) -> int:
    """Write one static HTML report (index.html + PNG and SVG charts) from the warehouse.

    The report holds every stored fit (table and chart with confidence and prediction
    bands), the claims cross-check table with verdicts, and links from each number to its
    source page (or to the fit and observations it came from). It reads the warehouse
    only; run `infernomics refresh` first.

    example:
      infernomics report --out report/
      open report/index.html
    """
    out = Path(args.out)
    charts = out / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    with warehouse_from(args).reader() as con:
        fits = query_frame(con, FITS_SQL)
        if fits.is_empty():
            raise UserError("no fits stored: run `infernomics refresh` first")
        ids = fits["fit_id"].to_list()
        points = query_frame(con, POINTS_SQL, [ids])
        bands = query_frame(con, BANDS_SQL, [ids])
        claims = query_frame(con, CLAIMS_SQL)
        sources = query_frame(con, "SELECT source_id, title, url FROM source")
        refusals = query_frame(con, "SELECT * FROM fit_refusal ORDER BY family, series")
        curves = query_frame(con, "SELECT c.*, p.obs_date, p.quantity, p.price, p.price_label FROM demand_curve c "
                                  "JOIN demand_curve_point p USING (curve_id) WHERE c.selected ORDER BY curve_id, obs_date")
    url_of = {r["source_id"]: r["url"] for r in sources.iter_rows(named=True)}
    body = [f"<h1>infernomics: inference cost and demand trends</h1><p class=small>Generated "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC from {html.escape(str(warehouse_from(args).path))}. "
            "Every rate is a stored figure (<code>infernomics audit ID</code> walks it to its observations "
            "and their sources). Intervals are 90% unless stated.</p>"]
    body.append(_claims_section(claims, fits, charts))
    written = 0
    present = set(fits["family"]) | set(refusals["family"])
    families = [f for f in FAMILY_TITLES if f in present and (not args.family or f in args.family)]
    for family in families:
        fam = fits.filter(pl.col("family") == family)
        body.append(f"<h2 id='{family}'>{html.escape(FAMILY_TITLES[family])}</h2>")
        body.append(_fit_table(fam) if fam.height else "<p>No series in this family could be fitted.</p>")
        body.append(_refusal_table(refusals.filter(pl.col("family") == family)))
        if family == "capability_price":   # Epoch's 2025 fits and the 2026 variants the data mark for charting
            body.append(_capability_overview(fits.filter(pl.col("family").str.starts_with("capability_price")),
                                             points, charts))
        if family == "demand":
            body.append(_demand_curves(curves, charts))
        for series in fam["series"].unique(maintain_order=True).to_list():
            body.append(_series_section(series, fam.filter(pl.col("series") == series), points, bands, charts, url_of))
            written += 1
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>infernomics trends</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")
    (out / "index.html").write_text(page, encoding="utf-8")
    n_charts = len(list(charts.glob("*.png")))
    print(f"wrote {out / 'index.html'}: {fits.height} fits of {written} series, {claims.height} claim checks, "
          f"{n_charts} charts (PNG and SVG) in {charts}")
    return 0


def _is_web(url: str | None) -> bool:
    """Only http(s) addresses become links; a source's `package:...` or `file:...` id goes nowhere in a browser."""
    return bool(url) and urlparse(url).scheme in ("http", "https")


def _cite(url: str | None, text: str, source_id: str | None, title: str = "") -> str:
    """`text` linked to `url` when it is a web page; otherwise plain text with the source id
    (and the non-web address, e.g. `package:genai-prices`) beside it."""
    t = f" title='{html.escape(title)}'" if title else ""
    if _is_web(url):
        return f"<a href='{html.escape(url)}'{t}>{html.escape(text)}</a>"
    where = [w for w in (source_id, None if url == source_id else url) if w and w != text]
    tail = f" <span class=small>(<code>{'</code>, <code>'.join(html.escape(w) for w in where)}</code>)</span>" if where else ""
    return f"<span{t}>{html.escape(text)}</span>{tail}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _save(fig, charts: Path, name: str) -> str:
    for fmt in ("png", "svg"):
        (charts / f"{name}.{fmt}").write_bytes(_plots().render(fig, fmt))
    return (f"<p><a href='charts/{name}.svg'><img src='charts/{name}.png' alt='{html.escape(name)}'></a>"
            f"<br><span class=small>charts/{name}.png, <a href='charts/{name}.svg'>SVG</a></span></p>")


def _rate(r: dict) -> str:
    if r["direction"] == "decline":
        return (f"falls {fm(1 / r['factor_per_year'])}x/yr [{fm(1 / r['factor_high'])}, "
                f"{fm(1 / r['factor_low'])}]")
    return f"grows {fm(r['factor_per_year'])}x/yr [{fm(r['factor_low'])}, {fm(r['factor_high'])}]"


def _fit_table(fam: pl.DataFrame) -> str:
    rows = []
    for r in fam.iter_rows(named=True):
        hd = r["halving_or_doubling_years"]
        t = "halves" if r["direction"] == "decline" else "doubles"
        rows.append(
            f"<tr><td><a href='#{_slug(r['series'])}'>{html.escape(r['series'])}</a></td><td>{r['method']}</td>"
            f"<td class=num>{r['n']}</td><td>{r['date_start']} to {r['date_end']}</td>"
            f"<td class=num title='{html.escape(r['rate_figure_id'])}'>{_rate(r)}</td>"
            f"<td class=num>{'' if hd is None else f'{t} every {hd * 12:.1f} months'}</td>"
            f"<td class=num>{_num(r['r2'])}</td><td>{_level(r)}</td>"
            f"<td class=small>{html.escape(', '.join(r['flags']))}</td>"
            f"<td class=small><code>{html.escape(r['rate_figure_id'])}</code></td></tr>")
    return ("<table><tr><th>series</th><th>method</th><th>n</th><th>dates</th><th>rate (interval)</th>"
            "<th>halving / doubling</th><th>R&sup2;</th><th>level</th><th>flags</th><th>figure (audit)</th></tr>"
            + "".join(rows) + "</table>")


def _refusal_table(refused: pl.DataFrame) -> str:
    if refused.is_empty():
        return ""
    rows = "".join(f"<tr><td>{html.escape(r['series'])}</td><td class=num>{r['n_points']}</td>"
                   f"<td>{html.escape(r['reason'])}</td></tr>" for r in refused.iter_rows(named=True))
    return ("<p>Looked at, not fitted:</p><table class=small><tr><th>series</th><th>points</th><th>why</th></tr>"
            + rows + "</table>")


def _main_fit(rows: pl.DataFrame) -> dict:
    for method in ("epoch-ols", "ols", "bootstrap", "theil-sen"):
        m = rows.filter(pl.col("method") == method)
        if m.height:
            return m.row(0, named=True)
    return rows.row(0, named=True)


def _source_line(pts: pl.DataFrame, fit: dict) -> str:
    pubs = sorted({_latin(r) for r in pts.iter_rows(named=True)})
    classes = sorted({r["source_class"] for r in pts.iter_rows(named=True) if r["source_class"]})
    names = "; ".join(pubs[:3]) + (f"; and {len(pubs) - 3} more pages" if len(pubs) > 3 else "")
    return (f"Source: {names} ({', '.join(classes)}). Fit: infernomics, {fit['method']}, "
            f"{fit['level']:.0%} bands; shaded dark = line, light = new point.")


def _latin(r: dict) -> str:
    """A source's title for a chart (the chart font has no CJK glyphs: use the page's host then)."""
    title = r["source_title"] or r["source_id"]
    if all(ord(ch) < 0x2000 for ch in title):
        return title
    return (urlparse(r["url"]).netloc if _is_web(r["url"]) else "") or r["source_id"]


def _series_section(series: str, rows: pl.DataFrame, points: pl.DataFrame, bands: pl.DataFrame,
                    charts: Path, url_of: dict) -> str:
    fit = _main_fit(rows)
    pts = points.filter(pl.col("fit_id") == fit["fit_id"])
    used, unused = pts.filter(pl.col("used")), pts.filter(~pl.col("used"))
    b = bands.filter(pl.col("fit_id") == fit["fit_id"])
    band = dict(day=b["band_date"].to_list(), fitted=b["fitted"].to_numpy(), conf_low=b["conf_low"].to_numpy(),
                conf_high=b["conf_high"].to_numpy(), pred_low=b["pred_low"].to_numpy(),
                pred_high=b["pred_high"].to_numpy(), extrapolated=b["extrapolated"].to_numpy())
    unit = fit["value_unit"]
    labelled = fit["family"] in ("capability_price", "token_price") or series == "gpu/bf16_tflops_per_usd"
    fig = _plots().band_figure(
        used["obs_date"].to_list(), used["value"].to_list(), band if b.height else None,
        title=fit["series_label"], y_label=_y_label(unit), source_line=_source_line(pts, fit),
        fit_label=f"{fit['method']} fit: {_rate(fit)}", level=fit["level"],
        point_labels=used["label"].to_list() if labelled else None,
        excluded=(unused["obs_date"].to_list(), unused["value"].to_list(),
                  unused["label"].to_list() if labelled else None) if unused.height else None,
        excluded_label=_excluded_label(unused["note"].to_list()))
    img = _save(fig, charts, _slug(series))
    params = json.loads(fit["params"] or "{}")
    extra = ""
    if "curve_choice" in params:
        c = params["curve_choice"]
        extra = (f"<p class=small>Exponential vs logistic (on log value): AIC {c['aic_exponential']:.2f} vs "
                 f"{_num(c['aic_logistic'])}; AICc "
                 f"{c['aicc_exponential']:.2f} vs {_num(c['aicc_logistic'])}; chosen: <b>{c['chosen']}</b>"
                 f"{'; ' + html.escape(c['logistic_note']) if c.get('logistic_note') else ''}.</p>")
    table = ["<table class=small><tr><th>date</th><th>value</th><th>fitted?</th><th>source</th><th>figure</th></tr>"]
    for r in pts.iter_rows(named=True):
        link = _cite(r["url"], r["source_title"] or r["source_id"] or "", r["source_id"])
        quote = html.escape((r["quote"] or "")[:300])
        value = (f"<a href='{html.escape(r['url'])}' title='{quote}'>{r['value']:.4g}</a>" if _is_web(r["url"])
                 else f"<span title='{quote}'>{r['value']:.4g}</span>")
        table.append(f"<tr><td>{r['obs_date']}</td><td class=num>{value} {html.escape(r['unit'] or '')}"
                     f"{' (' + html.escape(r['label']) + ')' if r['label'] else ''}</td>"
                     f"<td>{'yes' if r['used'] else 'no: ' + html.escape(r['note'] or '')}</td>"
                     f"<td>{link} ({r['source_class'] or ''})</td><td><code>{html.escape(r['input_figure_id'])}</code></td></tr>")
    table.append("</table>")
    return (f"<h3 id='{_slug(series)}'>{html.escape(fit['series_label'])} <span class=small>({html.escape(series)})</span></h3>"
            f"<p>{_rate(fit)} ({fit['method']}, n={fit['n']}, {fit['date_start']} to {fit['date_end']}"
            f"{', flags: ' + html.escape(', '.join(fit['flags'])) if fit['flags'] else ''}).</p>"
            + extra + img + "<details><summary>observations and sources</summary>" + "".join(table) + "</details>")


def _excluded_label(notes: list) -> str | None:
    """The legend entry of the hollow points: their common reason when they share one."""
    reasons = {re.split(r" \(|:", n)[0] for n in notes if n}
    if len(reasons) == 1 and all(notes):
        return f"shown, not fitted ({reasons.pop()})"
    return None


def _level(r: dict) -> str:
    seed = "" if r["seed"] is None else f", seed {r['seed']}, {r['n_resamples']} resamples"
    return f"{r['level']:.0%}{seed}"


def _num(x) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.2f}"


def _y_label(unit: str) -> str:
    return {"USD/Mtok": "USD per million tokens", "tokens/week": "tokens per week",
            "tokens/month": "tokens per month", "tokens/minute": "tokens per minute",
            "tokens/day": "tokens per day", "USD/GPU-hour": "USD per GPU-hour"}.get(unit, unit)


def _capability_overview(fam: pl.DataFrame, points: pl.DataFrame, charts: Path) -> str:
    out = ["<h3>Overview per benchmark (Epoch-style)</h3>"]
    epoch = fam.filter(pl.col("method") == "epoch-ols")
    by_bench: dict[str, list[dict]] = {}
    source_lines = {}
    for r in epoch.iter_rows(named=True):
        p = json.loads(r["params"])
        if p.get("claim_defined") or p.get("chart") == "":
            continue
        pts = points.filter((pl.col("fit_id") == r["fit_id"]) & pl.col("used"))
        t0 = (r["date_start"] - dt.date(1970, 1, 1)).days
        slope_day = r["slope_per_year"] / math.log(10) / 365
        by_bench.setdefault(p.get("chart") or p["benchmark"], []).append(dict(
            label=f">= {p['lower']:g} ({p['threshold_model']})", dates=pts["obs_date"].to_list(),
            prices=pts["value"].to_numpy(), slope_log10_per_day=slope_day,
            intercept_log10=r["intercept"] / math.log(10) - slope_day * t0,
            factor_per_year=p["epoch_factor_per_year"], factor_low=p["epoch_factor_low"],
            factor_high=p["epoch_factor_high"]))
        source_lines[p.get("chart") or p["benchmark"]] = p.get("source_line")
    for bench, paths in by_bench.items():
        fig = _plots().capability_figure(bench, paths, source_line=source_lines.get(bench) or (
            "Data: Epoch AI, LLM inference price trends (2025), CC BY 4.0; prices from Artificial Analysis "
            "and Epoch AI. Fit: infernomics, Epoch's method (OLS of log10 price on date, 90% t interval)."))
        out.append(_save(fig, charts, "capability-" + _slug(bench)))
    return "".join(out)


def _demand_curves(curves: pl.DataFrame, charts: Path) -> str:
    """The selected demand curve of each quantity series (table demand_curve), drawn log-log."""
    out = []
    for (cid,), g in curves.group_by(["curve_id"], maintain_order=True):
        r = g.row(0, named=True)
        fig = _plots().demand_curve_figure(
            g["price"].to_list(), g["quantity"].to_list(), slope=r["slope"], slope_low=r["slope_low"],
            slope_high=r["slope_high"], level=r["level"], point_labels=[f"{d} {lab}" for d, lab in
                                                                       zip(g["obs_date"], g["price_label"])],
            title=f"Demand curve: {r['quantity_series']} against the capability-adjusted price ({r['price_series']})",
            x_label="capability-adjusted price, USD per million tokens (blended 3:1)",
            y_label="tokens per week" if "openrouter" in r["quantity_series"] else "tokens per month",
            source_line=f"Quantity and price at matching dates; figure {r['curve_figure_id']} (audit for every input). "
                        f"{r['caveat']}.")
        out.append(f"<h3>Demand curve (association)</h3><p>{html.escape(cid)}: slope {r['slope']:.2f} "
                   f"[{r['slope_low']:.2f}, {r['slope_high']:.2f}], n={r['n']}; {html.escape(r['caveat'])}.</p>"
                   + _save(fig, charts, _slug(cid)))
    return "".join(out)


def _claims_section(claims: pl.DataFrame, fits: pl.DataFrame, charts: Path) -> str:
    if claims.is_empty():
        return "<h2 id='claims'>Claims cross-check</h2><p>No claim checks stored.</p>"
    rows, forest = [], []
    for r in claims.iter_rows(named=True):
        cls = r["verdict"].replace(" ", "-")
        claim_link = _cite(r["claim_url"], r["claim_source"] or r["claim_figure_id"], r["claim_source_id"],
                           title=r["claim_quote"] or "")
        claimed = (f"{fm(r['claimed_low'])}-{fm(r['claimed_high'])}x/yr" if r["claim_bound"] == "range"
                   else f"{ {'>': '&gt; ', '~': '~', '<': 'up to '}.get(r['claim_bound'], '')}"
                        f"{fm(r['claimed_multiple'])}x")
        if r["claim_bound"] != "range" and (r["claimed_low"] is not None or r["claimed_high"] is not None):
            lo, hi = r["claimed_low"], r["claimed_high"]
            claimed += (f"<br><span class=small>as rounded: {fm(lo)}-{fm(hi)}x</span>" if lo is not None
                        else f"<br><span class=small>as rounded: at most {fm(hi)}x</span>")
        if r.get("n_measures"):
            data = (f"{fm(r['data_multiple'])}x (largest supporting; {r['n_measures']} measures range "
                    f"{fm(r['data_low'])}-{fm(r['data_high'])}x, table claim_measure)")
        elif r["data_multiple"] is not None:
            data = f"{fm(r['data_multiple'])}x [{fm(r['data_low'])}, {fm(r['data_high'])}]"
        elif r["data_low"] is not None:
            data = f"{fm(r['data_low'])}-{fm(r['data_high'])}x/yr (range of fits)"
        else:
            data = "&mdash;"
        if r["fit_id"]:
            series = fits.filter(pl.col("fit_id") == r["fit_id"])["series"].to_list()
            data = f"<a href='#{_slug(series[0])}'>{data}</a>" if series else data
        rows.append(
            f"<tr><td>{html.escape(r['claim'])}<br><span class=small>{claim_link}"
            f"{' p' + html.escape(str(r['claim_page'])) if r['claim_page'] else ''}, "
            f"{html.escape(r['claim_class'] or '')}; <code>{html.escape(r['claim_figure_id'])}</code></span></td>"
            f"<td class=num>{claimed}</td><td class=small>{_corroboration(r)}</td>"
            f"<td>{r['window_start'] or ''} to {r['window_end'] or ''}</td>"
            f"<td class=small>{html.escape(r['series_definition'])}</td><td class=num>{data}"
            f"{'<br><span class=small>extrapolated</span>' if r['extrapolated'] else ''}</td>"
            f"<td class='{cls}'>{r['verdict']}</td><td class=small>{html.escape(r['reason'])}"
            f"{'<br><b>Testable with:</b> ' + html.escape(r['testable_with']) if r['testable_with'] else ''}"
            f"{'<br>derived figure: <code>' + html.escape(r['check_figure_id']) + '</code>' if r['check_figure_id'] else ''}"
            f"</td></tr>")
        if r["verdict"] != "not testable" and r["claim_bound"] != "range":
            forest.append(dict(label=r["check_id"], claimed=r["claimed_multiple"], estimate=r["data_multiple"],
                               low=r["data_low"], high=r["data_high"], verdict=r["verdict"], bound=r["claim_bound"],
                               claimed_low=r["claimed_low"], claimed_high=r["claimed_high"],
                               n_measures=r.get("n_measures")))
    img = ""
    if forest:
        img = _save(_plots().claims_figure(forest, source_line=(
            "Claims: cited figures in the warehouse (see table). Data: stored fits' 90% intervals over each "
            "claim's window (Epoch AI data, OpenRouter scrape).")), charts, "claims")
    return ("<h2 id='claims'>Claims cross-check</h2><p>Each cited change over a period beside what the stored "
            "data say over the same window and series definition. Multiples are x cheaper (cost) or x more "
            "(demand) over the window, or per year where the claim is a rate.</p>"
            "<table><tr><th>claim</th><th>claimed</th><th>also reported by</th><th>window</th><th>series definition</th>"
            "<th>data (90% interval)</th><th>verdict</th><th>why</th></tr>" + "".join(rows) + "</table>" + img)


def _corroboration(r: dict) -> str:
    """Other sources reporting the claim (view `claim_corroboration`), by class, and whether they agree."""
    n = r.get("independent_sources") or 0
    if not n:
        return "none stored"
    classes = ", ".join(f"{r[k + '_sources']} {k}" for k in ("primary", "copy", "secondary") if r[k + "_sources"])
    named = f" ({', '.join(r['differences_named'])})" if r["differences_named"] else ""
    return html.escape(f"{n} source{'s' if n != 1 else ''} ({classes}): {r['corroboration']}{named}")


def register(subparsers) -> None:
    p = add_command(subparsers, "report", report)
    p.add_argument("--out", default="report", help="output folder (default: ./report)")
    p.add_argument("--family", nargs="+", choices=list(FAMILY_TITLES),
                   help="only these families' sections (default: all); the claims table is always included")
