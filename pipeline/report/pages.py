"""The report's pages: the landing page (a card per family, its headline chart and a
takeaway computed from the stored fits, never typed), one page per family (contents, fit
table, refusals, a section per series with its chart and sources) and the claims page.

Decisions:
- Built for a reader, on the model of Epoch AI's data insights and Our World in Data's
  chart pages. Every number links to its source and every rate names the figure
  `infernomics audit` walks.
- Declarative: `PAGES` lists the pages in reading order with their takeaway and landing
  chart; each series of `latest_fits` gets its section without being listed.
- No script and no web font: the report works from a file:// folder, a plain web
  server, or an artefact store, with no network.
"""

from __future__ import annotations

import html
import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.report.charts import EXTRA_CHARTS, HEADLINES, capability_benchmark_charts, series_chart
from pipeline.report.data import (
    CAPABILITY_2026,
    FAMILY_TITLES,
    ReportData,
    _epoch_rows,
    _main_fit,
    _points_csv,
)
from pipeline.report.output import Steps, Written, save_chart
from pipeline.report.text import (
    _cite,
    _every,
    _is_web,
    _level,
    _num,
    _pct_per_year,
    _quantity_name,
    _rate,
    _slug,
    _tier_name,
    _value,
    _window,
    fm,
)

CSS = """*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;
margin:0 auto;padding:0 1em 3em;color:#222;line-height:1.45}a{color:#1f5fa8}
nav.top{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.5em 0;font-size:.9em;z-index:1;
display:flex;flex-wrap:wrap;gap:.2em 1em}nav.top a{white-space:nowrap}nav.top a.here{font-weight:700;color:#222;text-decoration:none}
h1{font-size:1.7em;margin:.6em 0 .2em}h2{border-bottom:2px solid #1f5fa8;padding-bottom:3px;margin-top:2em}
h3{margin-top:1.8em}.takeaway{font-size:1.12em;margin:.3em 0 .6em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:1.4em}
.card{border:1px solid #ddd;border-radius:6px;padding:.2em 1em 1em}.card h2{border:0;margin-top:.6em;font-size:1.25em}
figure{margin:.6em 0}img{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.8em;color:#555}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}th{background:#f2f2f2;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.consistent{color:#1a7f37;font-weight:600}.inconsistent{color:#b42318;font-weight:600}
.not-testable{color:#8a6d00;font-weight:600}.small{font-size:.8em;color:#555}code{font-size:.9em;word-break:break-all}
.toc{columns:2 18em;font-size:.9em}.toc li{break-inside:avoid}
@media (max-width:600px){body{padding:0 .6em 2em}h1{font-size:1.35em}table{font-size:.78em}}"""


@dataclass(frozen=True)
class Page:
    """One page of the site: key (file `KEY.html`, and the family in `latest_fits`), title,
    a one-line takeaway computed from the data, and the landing-page chart's name."""

    key: str
    title: str
    intro: str
    takeaway: Callable[[ReportData], str]
    headline: str | None = None


def _capability_takeaway(d: ReportData) -> str:
    rows = _epoch_rows(d)
    if not rows:
        return "No capability thresholds could be fitted."
    declines = sorted(1 / r["factor_per_year"] for r in rows)
    benches = {json.loads(r["params"])["benchmark"] for r in rows}
    start, end = min(r["date_start"] for r in rows), max(r["date_end"] for r in rows)
    text = (
        f"The price of reaching a fixed benchmark score fell a median {fm(statistics.median(declines))}x per "
        f"year across {len(rows)} thresholds on {len(benches)} benchmarks (from {fm(declines[0])}x to "
        f"{fm(declines[-1])}x; {start:%b %Y} to {end:%b %Y})."
    )
    recent = [r for r in _epoch_rows(d, CAPABILITY_2026) if json.loads(r["params"]).get("headline")]
    if recent:
        later = sorted(1 / r["factor_per_year"] for r in recent)
        p = json.loads(recent[0]["params"])
        label = f"reasoning models {p['reasoning']}, {p['price_basis'].replace('_', '-')} price"
        text += (
            f" With data through {max(r['date_end'] for r in recent):%b %Y} (Benchmarking Hub scores, {label}): "
            f"a median {fm(statistics.median(later))}x per year across {len(recent)} thresholds."
        )
    return text


def _token_takeaway(d: ReportData) -> str:
    tiers = [r for r in d.main_fits("token_price").iter_rows(named=True) if "/tier/" in r["series"]]
    if not tiers:
        return "No token-price series could be fitted."
    parts = [
        f"{fm(1 / r['factor_per_year'])}x cheaper a year at {_tier_name(r['series'])}"
        if r["direction"] == "decline"
        else f"{fm(r['factor_per_year'])}x dearer a year at {_tier_name(r['series'])}"
        for r in tiers
    ]
    return f"The cheapest model that reaches an MMLU tier: {'; '.join(parts)} (standard list prices)."


def _gpu_takeaway(d: ReportData) -> str:
    rentals = [
        r
        for r in d.main_fits("gpu").iter_rows(named=True)
        if r["series"].startswith("gpu/rental/") and r["series"].endswith("/on-demand")
    ]
    if not rentals:
        return "No GPU rental series could be fitted."
    median = statistics.median(r["factor_per_year"] for r in rentals)
    h100 = next((r for r in rentals if r["series"] == "gpu/rental/h100-sxm/on-demand"), None)
    tail = (
        (
            f"; H100 SXM {_pct_per_year(h100['factor_per_year'])} [{_pct_per_year(h100['factor_low'])}, "
            f"{_pct_per_year(h100['factor_high'])}] since {h100['date_start']:%b %Y}"
        )
        if h100
        else ""
    )
    return (
        f"On-demand GPU-hour prices changed a median {_pct_per_year(median)} across {len(rentals)} GPUs"
        f"{tail}: rental prices move far slower than token prices."
    )


def _demand_takeaway(d: ReportData) -> str:
    fam = {r["series"]: r for r in d.main_fits("demand").iter_rows(named=True)}
    lead = fam.get("demand/openrouter_weekly_scrape") or max(fam.values(), key=lambda r: r["n"], default=None)
    if lead is None:
        return "No demand series could be fitted."
    others = sorted((r for s, r in fam.items() if "tokens" in s and r is not lead), key=lambda r: -r["n"])[:2]
    more = "; ".join(f"{r['series_label']}: {fm(r['factor_per_year'])}x/yr" for r in others)
    return (
        f"{lead['series_label']} grew {fm(lead['factor_per_year'])}x per year [{fm(lead['factor_low'])}, "
        f"{fm(lead['factor_high'])}] over {lead['n']} observations to {lead['date_end']:%b %Y}"
        + (f"; {more}." if more else ".")
        + _demand_curve_sentence(d)
    )


def _demand_curve_sentence(d: ReportData) -> str:
    """The stored demand curve of the longest quantity series, with its interval (empty when none)."""
    if d.curves.is_empty():
        return ""
    r = max(d.curves.unique("curve_id").iter_rows(named=True), key=lambda c: (c["n"], c["curve_id"]))
    return (
        f" Against the capability-adjusted price, {_quantity_name(r['quantity_series'])} has a log-log slope of "
        f"{r['slope']:.2f} [{r['slope_low']:.2f}, {r['slope_high']:.2f}] over {r['n']} matched dates "
        f"({r['date_start']:%b %Y} to {r['date_end']:%b %Y}): an association, not a causal elasticity."
    )


def _benchmark_takeaway(d: ReportData) -> str:
    fam = d.main_fits("benchmark")
    if fam.height:
        r = fam.row(0, named=True)
        return f"{r['series_label']}: {_rate(r)}."
    refused = d.refusals.filter(pl.col("family") == "benchmark")
    return (
        f"No measured-benchmark cost series has enough dated runs for a trend yet ({refused.height} looked at); "
        "the costs of each run are in the benchmark_run_stat view."
    )


def _claims_takeaway(d: ReportData) -> str:
    if d.claims.is_empty():
        return "No claim checks stored."
    counts = d.claims.group_by("verdict").len()
    n = dict(counts.iter_rows())
    return (
        f"Of {d.claims.height} cited claims about inference cost and demand, {n.get('consistent', 0)} agree with "
        f"the stored data, {n.get('consistent by some measures', 0)} agree by some of its measures only, "
        f"{n.get('inconsistent', 0)} do not, and {n.get('not testable', 0)} cannot be tested "
        "with it (each says why)."
    )


PAGES: list[Page] = [
    Page(
        "claims",
        "Claims cross-check",
        "Each cited change over a period beside what the stored data say over the "
        "same window and series definition. Multiples are x cheaper (cost) or x more (demand) over the window, or "
        "per year where the claim is a rate.",
        _claims_takeaway,
        "claims",
    ),
    Page(
        "capability_price",
        FAMILY_TITLES["capability_price"],
        "The price of the cheapest model that reaches a "
        "benchmark score, over time: Epoch AI's capability-adjusted price, refitted here with its 90% intervals.",
        _capability_takeaway,
        "headline-capability",
    ),
    Page(
        "token_price",
        FAMILY_TITLES["token_price"],
        "Stored list prices per million tokens (blended 3 input : 1 "
        "output) of fixed models, and of the cheapest model per MMLU tier.",
        _token_takeaway,
        "headline-token-price",
    ),
    Page(
        "gpu",
        FAMILY_TITLES["gpu"],
        "Rental prices per GPU-hour by GPU and pricing kind, and FLOP/s per dollar.",
        _gpu_takeaway,
        "headline-gpu",
    ),
    Page(
        "demand",
        FAMILY_TITLES["demand"],
        "Token volumes and users over time, from cited statements and the "
        "OpenRouter scrape; growth fitted as exponential (and logistic where it fits better).",
        _demand_takeaway,
        "headline-demand",
    ),
    Page(
        "benchmark",
        FAMILY_TITLES["benchmark"],
        "Cost per million tokens from measured benchmark runs and rental prices.",
        _benchmark_takeaway,
    ),
]


def write_page(
    out: Path, name: str, title: str, body: str, pages: list[Page], written: Written, data: ReportData
) -> None:
    nav = "".join(
        f"<a href='{p.key}.html'{' class=here' if name == p.key + '.html' else ''}>{html.escape(_short_title(p))}</a>"
        for p in pages
    )
    home = f"<a href='index.html'{' class=here' if name == 'index.html' else ''}>Overview</a>"
    foot = (
        f"<p class=small>Generated {data.generated:%Y-%m-%d %H:%M} UTC"
        f"{' from ' + html.escape(data.source) if data.source else ''} by infernomics. Every rate is a stored "
        "figure: <code>infernomics audit ID</code> walks it to its observations and their sources. "
        "Intervals are 90% unless stated.</p>"
    )
    page = (
        "<!doctype html><html lang=en><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><link rel=icon href='data:,'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<nav class=top>{home}{nav}</nav><main>{body}</main><footer>{foot}</footer></body></html>"
    )
    (out / name).write_text(page, encoding="utf-8")
    written.pages.append(name)


def _short_title(page: Page) -> str:
    return {
        "capability_price": "Capability price",
        "token_price": "Token prices",
        "gpu": "GPUs",
        "demand": "Demand",
        "benchmark": "Benchmarks",
        "claims": "Claims",
    }.get(page.key, page.title)


def landing(pages: list[Page], data: ReportData, drawn: dict[str, str]) -> str:
    toc = "".join(
        f"<li><a href='#{p.key}'>{html.escape(p.title)}</a> &middot; <a href='{p.key}.html'>full page</a></li>"
        for p in pages
    )
    cards = []
    for p in pages:
        chart = drawn.get(p.headline or "", "")
        cards.append(
            f"<section class=card id='{p.key}'><h2><a href='{p.key}.html'>{html.escape(p.title)}</a></h2>"
            f"<p class=takeaway>{html.escape(p.takeaway(data))}</p>{chart}"
            f"<p><a href='{p.key}.html'>{_more(p, data)}</a></p></section>"
        )
    return (
        "<h1>The economics of AI inference, from cited numbers</h1>"
        "<p>What inference costs and how fast demand grows, from stored figures with a source for every point: "
        "Epoch AI's capability-adjusted prices, token list prices, GPU rental prices, demand statements, and "
        "every cited claim checked against the data.</p>"
        f"<h2 id=contents>Contents</h2><ul class=toc>{toc}</ul><div class=cards>{''.join(cards)}</div>"
    )


def _more(page: Page, data: ReportData) -> str:
    if page.key == "claims":
        return f"All {data.claims.height} claims, with sources and reasons &rarr;"
    n = data.fits.filter(pl.col("family") == page.key)["series"].n_unique()
    if not n:
        return f"{_short_title(page)}: what was looked at, and why nothing was fitted &rarr;"
    return f"{_short_title(page)}: all {n} series, fits and sources &rarr;"


def family_page(
    page: Page, data: ReportData, drawn: dict[str, str], charts: Path, written: Written, progress: Steps
) -> str:
    body = [
        f"<h1>{html.escape(page.title)}</h1><p class=takeaway>{html.escape(page.takeaway(data))}</p>"
        f"<p>{html.escape(page.intro)}</p>"
    ]
    toc: list[tuple[str, str]] = []
    sections: list[str] = []
    extra = [c for c in HEADLINES + EXTRA_CHARTS if c.page == page.key and c.name in drawn]
    for c in extra:
        toc.append((c.name, c.title))
        sections.append(f"<h2 id='{c.name}'>{html.escape(c.title)}</h2>{drawn[c.name]}")
    if page.key == "claims":
        toc.append(("claims-table", "Every claim, with its verdict"))
        sections.append("<h2 id='claims-table'>Every claim, with its verdict</h2>" + _claims_table(data))
    else:
        fam = data.fits.filter(pl.col("family") == page.key)
        toc.append(("fits", "All fits"))
        sections.append(
            "<h2 id='fits'>All fits</h2>"
            + (_fit_table(fam) if fam.height else "<p>No series in this family could be fitted.</p>")
            + _refusal_table(data.refusals.filter(pl.col("family") == page.key))
        )
        if page.key == "capability_price":
            toc.append(("per-benchmark", "Per benchmark (Epoch-style)"))
            sections.append(_capability_overview(fam, data, charts, written, progress))
            recent = data.fits.filter(pl.col("family") == CAPABILITY_2026)
            toc.append(("fits-2026", "All fits with data through 2026 (six variants)"))
            sections.append(
                "<h2 id='fits-2026'>All fits with data through 2026 (six variants)</h2>"
                + (
                    _fit_table(recent, link=False)
                    if recent.height
                    else "<p>No 2026 capability threshold could be fitted.</p>"
                )
                + _refusal_table(data.refusals.filter(pl.col("family") == CAPABILITY_2026))
            )
        # one split of the family's fits, in first-seen order (a filter per series was ~80 queries)
        for rows in fam.partition_by("series", maintain_order=True) if fam.height else []:
            series = rows["series"][0]
            toc.append((_slug(series), rows["series_label"][0]))
            progress.step(series)
            sections.append(_series_section(series, rows, data, charts, written))
            written.series += 1
    links = "".join(f"<li><a href='#{a}'>{html.escape(t)}</a></li>" for a, t in toc)
    return "".join(body) + f"<h2 id=contents>Contents</h2><ul class=toc>{links}</ul>" + "".join(sections)


def _fit_table(fam: pl.DataFrame, link: bool = True) -> str:
    """One row per fit; `link`: the series names link to their sections (False where a family has none)."""
    rows = []
    for r in fam.iter_rows(named=True):
        hd = r["halving_or_doubling_years"]
        t = "halves" if r["direction"] == "decline" else "doubles"
        name = f"<a href='#{_slug(r['series'])}'>{html.escape(r['series'])}</a>" if link else html.escape(r["series"])
        rows.append(
            f"<tr><td>{name}</td><td>{r['method']}</td>"
            f"<td class=num>{r['n']}</td><td>{r['date_start']} to {r['date_end']}</td>"
            f"<td class=num title='{html.escape(r['rate_figure_id'])}'>{_rate(r)}</td>"
            f"<td class=num>{_every(hd, t)}</td>"
            f"<td class=num>{_num(r['r2'])}</td><td>{_level(r)}</td>"
            f"<td class=small>{html.escape(', '.join(r['flags']))}</td>"
            f"<td class=small><code>{html.escape(r['rate_figure_id'])}</code></td></tr>"
        )
    return (
        "<div class=scroll><table><tr><th>series</th><th>method</th><th>n</th><th>dates</th><th>rate (interval)</th>"
        "<th>halving / doubling</th><th>R&sup2;</th><th>level</th><th>flags</th><th>figure (audit)</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )


def _refusal_table(refused: pl.DataFrame) -> str:
    if refused.is_empty():
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(r['series'])}</td><td class=num>{r['n_points']}</td>"
        f"<td>{html.escape(r['reason'])}</td></tr>"
        for r in refused.iter_rows(named=True)
    )
    return (
        "<p>Looked at, not fitted:</p><div class=scroll><table class=small><tr><th>series</th><th>points</th>"
        "<th>why</th></tr>" + rows + "</table></div>"
    )


def _series_section(series: str, rows: pl.DataFrame, data: ReportData, charts: Path, written: Written) -> str:
    fit = _main_fit(rows)
    pts = data.points_of(fit["fit_id"])
    img = save_chart(
        series_chart(series, fit, data),
        charts,
        _slug(series),
        _points_csv(data, [fit]),
        f"{series}: {pts.height} points.",
        written,
        title=fit["series_label"],
    )
    params = json.loads(fit["params"] or "{}")
    extra = ""
    if "curve_choice" in params:
        c = params["curve_choice"]
        extra = (
            f"<p class=small>Exponential vs logistic (on log value): AIC {c['aic_exponential']:.2f} vs "
            f"{_num(c['aic_logistic'])}; AICc "
            f"{c['aicc_exponential']:.2f} vs {_num(c['aicc_logistic'])}; chosen: <b>{c['chosen']}</b>"
            f"{'; ' + html.escape(c['logistic_note']) if c.get('logistic_note') else ''}.</p>"
        )
    table = [
        "<div class=scroll><table class=small><tr><th>date</th><th>value</th><th>fitted?</th><th>source</th>"
        "<th>figure</th></tr>"
    ]
    for r in pts.iter_rows(named=True):
        link = _cite(r["url"], r["source_title"] or r["source_id"] or "", r["source_id"])
        quote = html.escape((r["quote"] or "")[:300])
        shown = html.escape(_value(r["value"], r["unit"]))
        value = (
            f"<a href='{html.escape(r['url'])}' title='{quote}'>{shown}</a>"
            if _is_web(r["url"])
            else f"<span title='{quote}'>{shown}</span>"
        )
        table.append(
            f"<tr><td>{r['obs_date']}</td><td class=num>{value}"
            f"{' (' + html.escape(r['label']) + ')' if r['label'] else ''}</td>"
            f"<td>{'yes' if r['used'] else 'no: ' + html.escape(r['note'] or '')}</td>"
            f"<td>{link} ({r['source_class'] or ''})</td><td><code>{html.escape(r['input_figure_id'])}</code></td></tr>"
        )
    table.append("</table></div>")
    return (
        f"<h3 id='{_slug(series)}'>{html.escape(fit['series_label'])} <span class=small>({html.escape(series)})</span></h3>"
        f"<p>{_rate(fit)} ({fit['method']}, n={fit['n']}, {fit['date_start']} to {fit['date_end']}"
        f"{', flags: ' + html.escape(', '.join(fit['flags'])) if fit['flags'] else ''}).</p>"
        + extra
        + img
        + "<details><summary>observations and sources</summary>"
        + "".join(table)
        + "</details>"
    )


def _capability_overview(fam: pl.DataFrame, data: ReportData, charts: Path, written: Written, progress: Steps) -> str:
    out = ["<h2 id='per-benchmark'>Per benchmark (Epoch-style)</h2>"]
    for bench, chart, points, n_thresholds in capability_benchmark_charts(fam, data):
        progress.step(f"capability {bench}")
        out.append(
            save_chart(
                chart,
                charts,
                "capability-" + _slug(bench),
                points,
                f"{bench}: {n_thresholds} thresholds.",
                written,
                title=f"Price to reach a {bench} threshold",
            )
        )
    return "".join(out)


def _claims_table(data: ReportData) -> str:
    claims, fits = data.claims, data.fits
    if claims.is_empty():
        return "<p>No claim checks stored.</p>"
    rows = []
    for r in claims.iter_rows(named=True):
        cls = r["verdict"].replace(" ", "-")
        claim_link = _cite(
            r["claim_url"],
            r["claim_source"] or r["claim_figure_id"],
            r["claim_source_id"],
            title=r["claim_quote"] or "",
        )
        claimed = (
            f"{fm(r['claimed_low'])}-{fm(r['claimed_high'])}x/yr"
            if r["claim_bound"] == "range"
            else f"{ {'>': '&gt; ', '~': '~', '<': 'up to '}.get(r['claim_bound'], '') }{fm(r['claimed_multiple'])}x"
        )
        if r["claim_bound"] != "range" and (r["claimed_low"] is not None or r["claimed_high"] is not None):
            lo, hi = r["claimed_low"], r["claimed_high"]
            claimed += (
                f"<br><span class=small>as rounded: {fm(lo)}-{fm(hi)}x</span>"
                if lo is not None
                else f"<br><span class=small>as rounded: at most {fm(hi)}x</span>"
            )
        if r["n_measures"]:
            shown = (
                f"{fm(r['data_multiple'])}x (largest supporting; {r['n_measures']} measures range "
                f"{fm(r['data_low'])}-{fm(r['data_high'])}x, table claim_measure)"
            )
        elif r["data_multiple"] is not None:
            shown = f"{fm(r['data_multiple'])}x [{fm(r['data_low'])}, {fm(r['data_high'])}]"
        elif r["data_low"] is not None:
            shown = f"{fm(r['data_low'])}-{fm(r['data_high'])}x/yr (range of fits)"
        else:
            shown = "&mdash;"
        if r["fit_id"]:
            hit = fits.filter(pl.col("fit_id") == r["fit_id"])
            if hit.height:
                shown = f"<a href='{hit['family'][0]}.html#{_slug(hit['series'][0])}'>{shown}</a>"
        rows.append(
            f"<tr><td>{html.escape(r['claim'])}<br><span class=small>{claim_link}"
            f"{' p' + html.escape(str(r['claim_page'])) if r['claim_page'] else ''}, "
            f"{html.escape(r['claim_class'] or '')}; <code>{html.escape(r['claim_figure_id'])}</code></span></td>"
            f"<td class=num>{claimed}</td><td class=small>{_corroboration(r)}</td>"
            f"<td>{_window(r['window_start'], r['window_end'])}</td>"
            f"<td class=small>{html.escape(r['series_definition'])}</td><td class=num>{shown}"
            f"{'<br><span class=small>extrapolated</span>' if r['extrapolated'] else ''}</td>"
            f"<td class='{cls}'>{r['verdict']}</td><td class=small>{html.escape(r['reason'])}"
            f"{'<br><b>Testable with:</b> ' + html.escape(r['testable_with']) if r['testable_with'] else ''}"
            f"{'<br>derived figure: <code>' + html.escape(r['check_figure_id']) + '</code>' if r['check_figure_id'] else ''}"
            f"</td></tr>"
        )
    return (
        "<div class=scroll><table><tr><th>claim</th><th>claimed</th><th>also reported by</th><th>window</th>"
        "<th>series definition</th><th>data (90% interval, or range of measures)</th><th>verdict</th><th>why</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )


def _corroboration(r: dict) -> str:
    """Other sources reporting the claim (view `claim_corroboration`), by class, and whether they agree."""
    n = r.get("independent_sources") or 0
    if not n:
        return "none stored"
    classes = ", ".join(f"{r[k + '_sources']} {k}" for k in ("primary", "copy", "secondary") if r[k + "_sources"])
    named = f" ({', '.join(r['differences_named'])})" if r["differences_named"] else ""
    return html.escape(f"{n} source{'s' if n != 1 else ''} ({classes}): {r['corroboration']}{named}")
