"""Numbers and names as a reader of the report sees them: $ for prices, K/M/B/T for
tokens, multiples written 1,549x or 1.2e+158x (never 158 digits), windows that say "no
window stated", links only to web pages.
"""

from __future__ import annotations

import html
import math
import re
from urllib.parse import urlparse

import polars as pl

from analysis import plots


def fm(x) -> str:
    """A multiple for a page: 11.8, 1,549, 1.2e+158 (never a 158-digit integer), n/a."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if not math.isfinite(x):
        return "unbounded"
    if abs(x) >= 1e6:
        return f"{x:.2g}"
    # analysis.trend.fmt_multiple's rule, without importing scipy into the report
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _value(v: float | None, unit: str | None) -> str:
    """A point's value: $3.29 /GPU-hour, 25.7T tokens/week, 0.32 USD per ..."""
    if v is None:
        return ""
    unit = unit or ""
    if unit.startswith("USD"):
        rest = unit[3:].lstrip("/ ")
        return f"{plots.usd(v)}{'/' + rest if rest else ''}"
    if "token" in unit or "users" in unit:
        return f"{plots.short_number(v)} {unit}"
    return f"{v:.4g} {unit}".strip()


def _pct_per_year(factor: float) -> str:
    change = (factor - 1) * 100
    return f"{change:+.0f}%/yr" if abs(change) >= 1 else f"{change:+.1f}%/yr"


def _rate(r: dict) -> str:
    if r["direction"] == "decline":
        return f"falls {fm(1 / r['factor_per_year'])}x/yr [{fm(1 / r['factor_high'])}, {fm(1 / r['factor_low'])}]"
    return f"grows {fm(r['factor_per_year'])}x/yr [{fm(r['factor_low'])}, {fm(r['factor_high'])}]"


def _window(start, end) -> str:
    if start and end:
        return f"{start} to {end}"
    if start or end:
        return f"from {start}" if start else f"until {end}"
    return "no window stated"


def _tier_name(series: str) -> str:
    m = re.search(r"mmlu-ge-(\d+)", series)
    return f"MMLU >= {m.group(1)}" if m else series


def _threshold_name(price_series: str) -> str:
    """`capability_price_2026/reasoning-excluded/cheapest/gpqa-diamond/ge-60` as words a phone can wrap."""
    parts = price_series.split("/")
    if len(parts) != 5:
        return price_series.replace("/", " / ")
    _, reasoning, basis, bench, lower = parts
    return f"{bench} {lower.replace('ge-', '>= ')}, {reasoning.replace('-', ' ')}, {basis.replace('-', ' ')} provider"


def _quantity_name(series: str) -> str:
    return {
        "demand/openrouter_weekly_scrape": "OpenRouter's weekly tokens",
        "demand/google_tokens_per_month": "Google's tokens per month",
    }.get(series, series)


def _every(years, verb: str) -> str:
    if years is None or not math.isfinite(years):
        return ""
    months = years * 12
    return f"{verb} every {months:.1f} months" if months < 36 else f"{verb} every {years:,.0f} years"


def _level(r: dict) -> str:
    seed = "" if r["seed"] is None else f", seed {r['seed']}, {r['n_resamples']} resamples"
    return f"{r['level']:.0%}{seed}"


def _num(x) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.2f}"


def _y_label(unit: str) -> str:
    return {
        "USD/Mtok": "USD per million tokens",
        "tokens/week": "tokens per week",
        "tokens/month": "tokens per month",
        "tokens/minute": "tokens per minute",
        "tokens/day": "tokens per day",
        "USD/GPU-hour": "USD per GPU-hour",
    }.get(unit, unit)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


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
    tail = (
        f" <span class=small>(<code>{'</code>, <code>'.join(html.escape(w) for w in where)}</code>)</span>"
        if where
        else ""
    )
    return f"<span{t}>{html.escape(text)}</span>{tail}"


def _latin(r: dict) -> str:
    """A source's title for a chart (the chart font has no CJK glyphs: use the page's host then)."""
    title = r["source_title"] or r["source_id"]
    if all(ord(ch) < 0x2000 for ch in title):
        return title
    return (urlparse(r["url"]).netloc if _is_web(r["url"]) else "") or r["source_id"]


def _source_line(pts: pl.DataFrame, fit: dict) -> str:
    pubs = sorted({_latin(r) for r in pts.iter_rows(named=True)})
    classes = sorted({r["source_class"] for r in pts.iter_rows(named=True) if r["source_class"]})
    names = "; ".join(pubs[:3]) + (f"; and {len(pubs) - 3} more pages" if len(pubs) > 3 else "")
    return (
        f"Source: {names} ({', '.join(classes)}). Fit: infernomics, {fit['method']}, "
        f"{fit['level']:.0%} bands; shaded dark = line, light = new point."
    )


def _excluded_label(notes: list) -> str | None:
    """The legend entry of the hollow points: their common reason when they share one."""
    reasons = {re.split(r" \(|:", n)[0] for n in notes if n}
    if len(reasons) == 1 and all(notes):
        return f"shown, not fitted ({reasons.pop()})"
    return None
