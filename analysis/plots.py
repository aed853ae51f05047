"""Charts of fitted trends, drawn as SVG by `analysis.svg` (no matplotlib). Functions return
an `analysis.svg.Chart` and never write files; `render(chart)` gives the SVG bytes for a
caller to store.

Conventions, so every chart reads the same way:
- log y-axis for prices and volumes (an exponential trend is a straight line there);
- observed points as dots (hover one for its date, value and label), the fitted line
  solid over the observed dates and dashed where it is extrapolated;
- confidence band of the line (darker) and prediction band for a new point (lighter),
  both shaded, with the level in the legend;
- axis labels with units; a source line under the chart naming where the data came from;
- numbers people read: tick labels $0.10 / $1 / $10 on dollar axes and 10B / 1T on token
  or user counts (`tick_formatter`), never 10^12 or 4x10^0.

Decisions:
- SVG only. PNG through matplotlib cost 25 of a report's 50 s and 40% of its memory, and
  every browser shows SVG in an `<img>`; a reader who needs a bitmap (a slide tool that
  takes none) can print the chart from the browser or run `rsvg-convert NAME.svg`.
- The drawing code is plain Python over lists: no numpy import on the report path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from analysis.svg import COLORS, Axis, Chart, day_number, general

if TYPE_CHECKING:
    from analysis.trend import ExpFit

WIDTH, HEIGHT = 880, 528  # px: the 8 x 4.8 in at 110 dpi the matplotlib charts had


def short_number(v: float) -> str:
    """1.5K, 20M, 3B, 1.2T, 40,000T: counts of tokens or users as people say them."""
    if abs(v) >= 1e15:
        return f"{v / 1e12:,.0f}T"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= size:
            return f"{v / size:.3g}{suffix}"
    return f"{v:.3g}"


def usd(v: float) -> str:
    """$1,200, $12.5, $0.15, $0.0012."""
    if v >= 100:
        return f"${v:,.0f}"
    return f"${v:.3g}" if v >= 1 else f"${v:.2g}"


def tick_formatter(label: str):
    """Dollars on a USD axis, K/M/B/T on a token or user count, plain numbers otherwise
    (an amount per dollar, "TFLOP/s per USD", is not in dollars)."""
    if "USD" in label and "per USD" not in label:
        return usd
    if any(word in label.lower() for word in ("token", "users")):
        return short_number
    return general


def _date_text(day: float | None) -> str:
    import datetime as dt

    return "" if day is None else (dt.date(1970, 1, 1) + dt.timedelta(days=round(day))).isoformat()


def _tips(dates: Sequence, values: Sequence, labels: Sequence | None, fmt) -> list[str]:
    out = []
    for i, (d, v) in enumerate(zip(dates, values)):
        lab = labels[i] if labels is not None and i < len(labels) and labels[i] else ""
        value = fmt(float(v)) if v is not None and math.isfinite(float(v)) else "n/a"
        out.append(f"{_date_text(day_number(d))}: {value}" + (f" ({lab})" if lab else ""))
    return out


def _chart(title: str, x_label: str, y_label: str, source_line: str, log_y: bool, **kw) -> Chart:
    return Chart(
        title=title,
        x=Axis("date", x_label),
        y=Axis("log" if log_y else "linear", y_label, tick_formatter(y_label)),
        source_line=source_line,
        width=kw.pop("width", WIDTH),
        height=kw.pop("height", HEIGHT),
        **kw,
    )


def band_figure(
    dates: Sequence,
    values: Sequence[float],
    band: dict | None,
    *,
    title: str,
    y_label: str,
    source_line: str,
    fit_label: str | None = None,
    level: float = 0.9,
    log_y: bool = True,
    point_labels: Sequence[str] | None = None,
    excluded: tuple | None = None,
    x_label: str = "Date",
    excluded_label: str | None = None,
) -> Chart:
    """Draw points and a precomputed band dict (`day`, `fitted`, `conf_low/high`,
    `pred_low/high`, `extrapolated`), e.g. the rows of `fit_band` read from the warehouse.

    `excluded` = (dates, values) or (dates, values, labels) of points shown hollow and not
    fitted; `excluded_label` is their legend entry. Point labels stay inside the axes
    (labels in the right quarter are drawn to the left of their point)."""
    chart = _chart(title, x_label, y_label, source_line, log_y)
    fmt = chart.y.formatter
    dates, values = list(dates), list(values)
    if band is not None:
        pct = f"{level:.0%}"
        days = list(band["day"])
        chart.band(
            days,
            list(band["pred_low"]),
            list(band["pred_high"]),
            opacity=0.10,
            label=f"{pct} prediction band (new point)",
            css="band prediction",
        )
        chart.band(
            days,
            list(band["conf_low"]),
            list(band["conf_high"]),
            opacity=0.25,
            label=f"{pct} confidence band (line)",
            css="band confidence",
        )
        extrap = [bool(e) for e in band["extrapolated"]]
        fitted = [float(v) for v in band["fitted"]]
        chart.line(days, [None if e else v for e, v in zip(extrap, fitted)], label=fit_label or "fit")
        if any(extrap):
            # the dashed part joins the solid one: it starts at the last observed-range point
            dashed = [
                v if e or (i + 1 < len(extrap) and extrap[i + 1]) or (i and extrap[i - 1]) else None
                for i, (e, v) in enumerate(zip(extrap, fitted))
            ]
            chart.line(days, dashed, width=1.4, dash="5 3", label="extrapolated", css="fit extrapolated")
    ex_dates, ex_values, ex_labels = _excluded(excluded)
    if ex_dates:
        chart.points(
            ex_dates,
            ex_values,
            color="#888888",
            hollow=True,
            label=excluded_label or "shown, not fitted (flagged)",
            titles=_tips(ex_dates, ex_values, ex_labels, fmt),
            css="points excluded",
        )
    chart.points(
        dates,
        values,
        label=f"observed, fitted (n={len(dates)})",
        titles=_tips(dates, values, point_labels, fmt),
        css="points observed",
    )
    all_days = [day_number(d) for d in dates]
    if ex_dates and ex_labels is not None:
        all_days += [day_number(d) for d in ex_dates]
        _label_points(chart, ex_dates, ex_values, ex_labels, all_days, color="#777777")
    if point_labels is not None:
        _label_points(chart, dates, values, point_labels, all_days)
    return chart


def _excluded(excluded: tuple | None) -> tuple[list, list, list | None]:
    """(dates, values, labels or None) of the hollow points; empty lists when there are none."""
    if excluded is None or not len(excluded[0]):
        return [], [], None
    labels = excluded[2] if len(excluded) > 2 and excluded[2] is not None else None
    return list(excluded[0]), list(excluded[1]), None if labels is None else list(labels)


def _label_points(chart: Chart, dates, values, labels, x_range, color: str = "#333333") -> None:
    """Small labels beside points, kept inside the axes: margins for the text, and labels
    of points in the right quarter of the x range (`x_range`: every shown point's day)
    drawn right-aligned, to the left of the point."""
    days = [d for d in x_range if d is not None]
    if not days:
        return
    lo, hi = min(days), max(days)
    span = max(hi - lo, 1.0)
    chart.x.margin, chart.y.margin = 0.06, 0.08
    for d, v, lab in zip(dates, values, labels):
        if not lab:
            continue
        x = day_number(d)
        right = x is not None and x > lo + 0.75 * span
        chart.text(d, v, str(lab), dx=-3 if right else 3, anchor="end" if right else "start", color=color)


def trend_figure(
    dates: Sequence,
    values: Sequence[float],
    fit: ExpFit | None,
    *,
    title: str,
    y_label: str,
    source_line: str,
    log_y: bool = True,
    point_labels: Sequence[str] | None = None,
    excluded: tuple[Sequence, Sequence] | None = None,
    extend_to: Sequence | None = None,
    x_label: str = "Date",
) -> Chart:
    """One series: points, fitted line, confidence and prediction bands, from an `ExpFit`.

    `excluded` = (dates, values) of points shown hollow and not fitted (flagged weeks,
    duplicates). `extend_to` = (start, end) dates to draw the line over, beyond the data
    (the extension is dashed and labelled extrapolated).
    """
    band = None
    if fit is not None:
        import numpy as np

        from analysis.trend import bands, to_days

        d = to_days(dates)
        lo, hi = d.min(), d.max()
        if extend_to is not None:
            e = to_days(extend_to)
            lo, hi = min(lo, e.min()), max(hi, e.max())
        band = bands(fit, np.linspace(lo, hi, 200))
    return band_figure(
        dates,
        values,
        band,
        title=title,
        y_label=y_label,
        source_line=source_line,
        log_y=log_y,
        point_labels=point_labels,
        excluded=excluded,
        x_label=x_label,
        fit_label=f"{fit.method} fit: {_rate_text(fit)}" if fit is not None else None,
        level=fit.level if fit is not None else 0.9,
    )


def _rate_text(fit: ExpFit) -> str:
    if fit.slope < 0:
        c, lo, hi = fit.decline_x_per_year
        return f"falls {c:.3g}x/yr [{lo:.3g}, {hi:.3g}]"
    return f"grows {fit.factor_per_year:.3g}x/yr [{fit.factor_low:.3g}, {fit.factor_high:.3g}]"


def _grid(lo: float, hi: float, n: int) -> list[float]:
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)] if n > 1 else [lo]


def capability_figure(
    benchmark: str, paths: Sequence[dict], *, source_line: str, unit_label: str = "USD per million tokens (blended 3:1)"
) -> Chart:
    """Epoch-style chart for one benchmark: for each threshold, its kept observations and
    its fitted line (log10 price on date), labelled with the rate and 90% interval.

    Each path dict: `label`, `dates`, `prices`, `slope_log10_per_day`, `intercept_log10`,
    `factor_per_year`, `factor_low`, `factor_high`.
    """
    chart = _chart(
        f"Price to reach a {benchmark} threshold (cheapest model at or above it)",
        "Model release / price date",
        unit_label,
        source_line,
        True,
        legend_size=8.5,
    )
    fmt = chart.y.formatter
    for i, p in enumerate(paths):
        c = COLORS[i % len(COLORS)]
        days = [d for d in map(day_number, p["dates"]) if d is not None]
        if days:
            grid = _grid(min(days), max(days), 50)
            chart.line(
                grid,
                [10 ** (p["intercept_log10"] + p["slope_log10_per_day"] * g) for g in grid],
                color=c,
                width=1.5,
                label=f"{p['label']}: {p['factor_per_year']:.3g}x/yr cheaper "
                f"[90% CI {p['factor_low']:.2g}, {p['factor_high']:.3g}]",
            )
        prices = [float(v) for v in p["prices"]]
        chart.points(list(p["dates"]), prices, color=c, r=3.2, titles=_tips(p["dates"], prices, None, fmt))
    return chart


def lines_figure(
    lines: Sequence[dict],
    *,
    title: str,
    y_label: str,
    source_line: str,
    x_label: str = "Date",
    log_y: bool = True,
    legend_title: str | None = None,
) -> Chart:
    """Several series on one chart (a landing-page headline): each line's points and its
    fitted line, coloured by `group` so that many lines of few kinds stay readable.

    Line dict: `label` (legend text; lines of one group share the group's first label),
    `group` (optional, default the label), `dates`, `values` (the observed points),
    `fit_dates`, `fitted` (the fitted line; optional), `extrapolated` (optional bools)."""
    chart = _chart(title, x_label, y_label, source_line, log_y, legend_title=legend_title, legend_size=8.5)
    fmt = chart.y.formatter
    colours: dict[str, str] = {}
    for line in lines:
        group = line.get("group") or line["label"]
        first = group not in colours
        c = colours.setdefault(group, COLORS[len(colours) % len(COLORS)])
        if line.get("fit_dates") is not None and len(line["fit_dates"]):
            fitted = [float(v) for v in line["fitted"]]
            extrap = list(line.get("extrapolated") or [False] * len(fitted))
            chart.line(
                list(line["fit_dates"]),
                [None if e else v for e, v in zip(extrap, fitted)],
                color=c,
                width=1.3,
                opacity=0.9,
            )
        values = [float(v) for v in line["values"]]
        chart.points(
            list(line["dates"]),
            values,
            color=c,
            r=2.6,
            opacity=0.85,
            label=line["label"] if first else None,
            titles=_tips(line["dates"], values, [line["label"]] * len(values), fmt),
        )
    return chart


def claims_figure(rows: Sequence[dict], *, source_line: str) -> Chart:
    """Forest plot: each claim's stated value beside the data's estimate and interval.

    Row dict: `label`, `claimed` (float or None), `estimate`, `low`, `high` (None when not
    testable), `verdict`; optional `bound` ("~", ">" at least, "<" at most), and
    `claimed_low`/`claimed_high` (the multiples a rounded percentage covers, e.g. "99%
    cheaper" is 66.7x-200x). A claim that is a bound is drawn as a triangle with an arrow
    towards the side it allows; a rounded claim as a bar over the range it covers. Data
    with no interval (two observed values compared) are hollow squares, marked "point" in
    the row label.
    """
    rows = list(rows)
    labels = [
        f"{r['label']} ({r['verdict']}"
        f"{'; point, no interval' if _is_point(r) and not r.get('n_measures') else ''}"
        f"{'; ' + str(r['n_measures']) + ' measures' if r.get('n_measures') else ''})"
        for r in rows
    ]
    width = 1045
    from analysis.svg import text_width

    left = min(max(max((text_width(t, 9) for t in labels), default=0) + 20, 0.3 * width), 0.5 * width)
    # category i is drawn at height i: the first row at the top
    cats = list(reversed(labels))
    chart = Chart(
        title="Cited claims vs what the stored data says",
        x=Axis("log", "multiple over the claim's window, or per year (x cheaper, or x more demand)", fm_multiple, 0.08),
        y=Axis("category", "", categories=cats),
        source_line=source_line,
        width=width,
        height=round((0.45 * len(rows) + 2.3) * 110),
        legend_frame=True,
        legend_below=True,
        left=left,
    )
    seen: set[str] = set()
    n = len(rows)
    for i, r in enumerate(rows):
        y = n - 1 - i
        est = r.get("estimate")
        tip = [labels[i]]
        if est is not None:
            if r.get("n_measures"):  # the range of many measures' observed multiples, not an interval
                chart.hbar(r["low"], r["high"], y, color="#888888", width=1.2, dash="1.5 2", css="measures")
                chart.points([est], [y], color="#555555", r=2.8, titles=tip, css="estimate")
                seen.add("measures")
            elif _is_point(r):
                chart.points([est], [y], r=3.2, hollow=True, marker="square", titles=tip, css="estimate point")
                seen.add("point")
            else:
                chart.errorbar(est, r["low"], r["high"], y)
                seen.add("interval")
        claimed, bound = r.get("claimed"), r.get("bound") or "~"
        lo, hi = r.get("claimed_low"), r.get("claimed_high")
        if claimed is None:
            continue
        if bound in (">", "<"):
            edge = max(claimed, hi or claimed) if bound == "<" else min(claimed, lo or claimed)
            chart.arrow(edge, edge * (2.5 if bound == ">" else 0.4), y, color=COLORS[1])
            chart.points(
                [edge], [y], color=COLORS[1], r=4, marker="tri-right" if bound == ">" else "tri-left", css="claimed"
            )
            seen.add(bound)
            continue
        if lo is not None and hi is not None:
            chart.hbar(lo, hi, y, color=COLORS[1], width=7, opacity=0.35, css="claimed-range")
            seen.add("rounded")
        chart.points([claimed], [y], color=COLORS[1], r=3.4, marker="diamond", css="claimed")
        seen.add("claimed")
    entries = [
        ("claimed", "diamond", COLORS[1], 1.0, "claimed"),
        ("rounded", "bar", COLORS[1], 0.35, "claim: range its rounded % covers"),
        (">", "tri-right", COLORS[1], 1.0, "claim is a lower bound (at least; arrow)"),
        ("<", "tri-left", COLORS[1], 1.0, "claim is an upper bound (at most; arrow)"),
        ("point", "hollow-square", COLORS[0], 1.0, "data: two observed values, no interval"),
        ("interval", "errorbar", COLORS[0], 1.0, "data: stored fit, 90% interval"),
        (
            "measures",
            "range",
            "#888888",
            1.0,
            "data: range of the measures (dot: largest supporting one), not an interval",
        ),
    ]
    for key, kind, colour, opacity, label in entries:
        if key in seen:
            chart.legend_entry(label, kind, colour, opacity)
    return chart


def fm_multiple(v: float) -> str:
    """A multiple on a log axis: 0.1x, 1x, 100x, 10,000x."""
    return (f"{v:,.0f}" if v >= 1 else f"{v:g}") + "x"


def _is_point(r: dict) -> bool:
    """Data with no interval: an estimate whose interval is missing or collapses onto it."""
    est = r.get("estimate")
    return est is not None and (r.get("low") is None or r.get("high") is None or r["low"] == r["high"] == est)


def render(chart: Chart, fmt: str = "svg") -> bytes:
    """The chart as SVG bytes (deterministic: the same chart gives the same bytes)."""
    if fmt != "svg":
        raise ValueError(f"charts are drawn as SVG only (see analysis/plots.py), got {fmt!r}")
    return chart.svg().encode("utf-8")


def demand_curve_figure(
    prices: Sequence[float],
    quantities: Sequence[float],
    *,
    slope: float,
    slope_low: float,
    slope_high: float,
    intercept: float | None = None,
    level: float = 0.9,
    title: str,
    x_label: str,
    y_label: str,
    source_line: str,
    point_labels: Sequence[str] | None = None,
) -> Chart:
    """A demand curve: quantity against price on log-log axes, each point one matched date,
    with the fitted line and the lines at the slope interval's ends (through the data's
    centre). Labelled an association: both series trend with time, so the slope is not a
    causal elasticity (the legend says so)."""
    p, q = [float(v) for v in prices], [float(v) for v in quantities]
    chart = Chart(
        title=title,
        x=Axis("log", x_label, tick_formatter(x_label)),
        y=Axis("log", y_label, tick_formatter(y_label)),
        source_line=source_line,
        width=WIDTH,
        height=HEIGHT,
    )
    lx, ly = [math.log(v) for v in p], [math.log(v) for v in q]
    cx, cy = sum(lx) / len(lx), sum(ly) / len(ly)
    a = intercept if intercept is not None else cy - slope * cx
    grid = _grid(min(lx), max(lx), 50)
    xs = [math.exp(g) for g in grid]
    chart.line(
        xs,
        [math.exp(a + slope * g) for g in grid],
        color=COLORS[1],
        width=1.6,
        label=f"log-log slope {slope:.2f} ({level:.0%} bootstrap interval {slope_low:.2f} to {slope_high:.2f})",
    )
    for s_ in (slope_low, slope_high):
        chart.line(
            xs,
            [math.exp(cy + s_ * (g - cx)) for g in grid],
            color=COLORS[1],
            width=1,
            dash="1.5 2",
            css="fit interval-end",
        )
    tips = [
        f"{point_labels[i] if point_labels is not None else ''}: price {tick_formatter(x_label)(pv)}, "
        f"{tick_formatter(y_label)(qv)}".lstrip(": ")
        for i, (pv, qv) in enumerate(zip(p, q))
    ]
    chart.points(p, q, label=f"matched dates (n={len(p)})", titles=tips)
    if point_labels is not None:
        for i in sorted({p.index(min(p)), p.index(max(p))}):
            right = p[i] == max(p)  # the dearest point's label is drawn to its left, inside the axes
            chart.text(
                p[i], q[i], str(point_labels[i]), dx=-4 if right else 4, dy=-4, anchor="end" if right else "start"
            )
    chart.legend_entry("association, not a causal elasticity: both series trend with time", "none")
    return chart
