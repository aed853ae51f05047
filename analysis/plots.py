"""Charts of fitted trends. Functions return matplotlib Figures and never write files;
`render(fig, "png"|"svg")` gives the bytes for a caller to store.

Conventions, so every chart reads the same way:
- log y-axis for prices and volumes (an exponential trend is a straight line there);
- observed points as dots, the fitted line solid over the observed dates and dashed where
  it is extrapolated;
- confidence band of the line (darker) and prediction band for a new point (lighter),
  both shaded, with the level in the legend;
- axis labels with units; a source line under the chart naming where the data came from;
- numbers people read: tick labels $0.10 / $1 / $10 on dollar axes and 10B / 1T on token
  or user counts (`readable_ticks`), never 10^12 or 4x10^0.

Figures are built with `matplotlib.figure.Figure` (no pyplot): no global state, safe in
Dagster worker processes and tests, no display needed.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.trend import ExpFit, bands, from_days, to_days  # noqa: E402

COLORS = ["#1f5fa8", "#c0392b", "#27864a", "#8e44ad", "#d4860b", "#16a0a0", "#7f6000", "#555555"]


def _dates(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="int64").astype("datetime64[D]")


def _finish(fig: Figure, ax, title: str, x_label: str, y_label: str, source_line: str, log_y: bool) -> Figure:
    title_lines = textwrap.wrap(title, 80) or [""]
    ax.set_title("\n".join(title_lines), fontsize=11 if len(title_lines) == 1 else 10, loc="left")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if log_y:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=9))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(True, which="major", alpha=0.3)
    ax.grid(True, which="minor", axis="y", alpha=0.1)
    _source(fig, source_line, top_lines=len(title_lines), left=0.1)
    return fig


def _source(fig: Figure, source_line: str, top_lines: int = 1, left: float = 0.1) -> None:
    """The source line under the chart, wrapped, with room kept for it below the x label."""
    lines = textwrap.wrap(source_line, int(16 * fig.get_figwidth())) or [""]
    height = fig.get_figheight()
    fig.text(0.01, 0.012, "\n".join(lines), fontsize=7, color="#444444", ha="left", va="bottom")
    bottom = (0.62 + 0.13 * len(lines)) / height
    top = 1 - (0.2 + 0.2 * top_lines) / height
    fig.subplots_adjust(left=left, right=0.97, top=top, bottom=bottom)


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
) -> Figure:
    """One series: points, fitted line, confidence and prediction bands.

    `excluded` = (dates, values) of points shown hollow and not fitted (flagged weeks,
    duplicates). `extend_to` = (start, end) dates to draw the line over, beyond the data
    (the extension is dashed and labelled extrapolated).
    """
    band = None
    if fit is not None:
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
) -> Figure:
    """Draw points and a precomputed band dict (`day`, `fitted`, `conf_low/high`,
    `pred_low/high`, `extrapolated`), e.g. the rows of `fit_band` read from the warehouse.

    `excluded` = (dates, values) or (dates, values, labels) of points shown hollow and not
    fitted; `excluded_label` is their legend entry. Point labels stay inside the axes
    (labels in the right quarter are drawn to the left of their point), and a y axis in
    dollars spanning less than a decade gets plain dollar tick labels."""
    fig = Figure(figsize=(8, 4.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    d = to_days(dates)
    v = np.asarray(values, float)
    ax.scatter(_dates(d), v, s=22, color=COLORS[0], zorder=3, label=f"observed, fitted (n={d.size})")
    if excluded is not None and len(excluded[0]):
        ax.scatter(
            _dates(to_days(excluded[0])),
            np.asarray(excluded[1], float),
            s=22,
            facecolors="none",
            edgecolors="#888888",
            zorder=3,
            label=excluded_label or "shown, not fitted (flagged)",
        )
    labelled = (
        excluded
        if excluded is not None and len(excluded) > 2 and excluded[2] is not None and len(excluded[0])
        else None
    )
    all_days = np.concatenate([d, to_days(labelled[0])]) if labelled is not None else d
    if labelled is not None:
        _label_points(ax, to_days(labelled[0]), np.asarray(labelled[1], float), labelled[2], all_days, color="#777777")
    if point_labels is not None:
        _label_points(ax, d, v, point_labels, all_days)
    if band is not None:
        gd = _dates(to_days(band["day"]))
        pct = f"{level:.0%}"
        ax.fill_between(
            gd,
            band["pred_low"],
            band["pred_high"],
            color=COLORS[0],
            alpha=0.10,
            lw=0,
            label=f"{pct} prediction band (new point)",
        )
        ax.fill_between(
            gd,
            band["conf_low"],
            band["conf_high"],
            color=COLORS[0],
            alpha=0.25,
            lw=0,
            label=f"{pct} confidence band (line)",
        )
        extrap = np.asarray(band["extrapolated"], bool)
        fitted = np.asarray(band["fitted"], float)
        ax.plot(gd, np.where(extrap, np.nan, fitted), color=COLORS[0], lw=1.8, label=fit_label or "fit")
        if extrap.any():
            ax.plot(gd, np.where(extrap, fitted, np.nan), color=COLORS[0], lw=1.4, ls="--", label="extrapolated")
    ax.legend(fontsize=7, loc="best", frameon=False)
    _finish(fig, ax, title, x_label, y_label, source_line, log_y)
    if log_y:
        readable_ticks(ax, y_label)
    return fig


def _label_points(
    ax, days: np.ndarray, values: np.ndarray, labels: Sequence, x_range: np.ndarray, color: str = "#333333"
) -> None:
    """Small labels beside points, kept inside the axes: margins for the text, and labels
    of points in the right quarter of the x range (`x_range`: every shown point's day)
    drawn right-aligned, to the left of the point."""
    days = np.asarray(days, float)
    if not days.size:
        return
    lo, hi = float(np.min(x_range)), float(np.max(x_range))
    span = max(hi - lo, 1.0)
    ax.margins(x=0.06, y=0.08)
    for x, y, lab in zip(days, values, labels):
        if not lab:
            continue
        right = x > lo + 0.75 * span
        ax.annotate(
            lab,
            (_dates(np.array([x]))[0], y),
            fontsize=6,
            color=color,
            annotation_clip=False,
            xytext=(-3, 3) if right else (3, 3),
            textcoords="offset points",
            ha="right" if right else "left",
        )


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


def readable_ticks(ax, y_label: str) -> None:
    """Dollar ticks on a USD axis; K/M/B/T ticks on a token or user count (log y axes)."""
    if "USD" in y_label:
        dollar_ticks(ax)
    elif any(word in y_label.lower() for word in ("token", "users")):
        from matplotlib.ticker import FuncFormatter, NullFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos=None: short_number(v)))
        ax.yaxis.set_minor_formatter(NullFormatter())


def dollar_ticks(ax) -> None:
    """Plain dollar tick labels ($6, $8, $10) on a log y axis spanning less than a decade,
    where matplotlib would otherwise write 6x10^0; wider axes keep decade ticks, written
    $0.01, $1, $100."""
    from matplotlib.ticker import FuncFormatter, Locator, LogLocator, NullFormatter

    lo, hi = ax.get_ylim()
    if lo <= 0:
        return

    def fmt(v, _pos=None):
        return usd(v)

    if hi / lo >= 10:
        ax.yaxis.set_major_formatter(FuncFormatter(fmt))
        ax.yaxis.set_minor_formatter(NullFormatter())
        return

    locator: Locator = LogLocator(base=10, subs=(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0))
    if sum(lo <= t <= hi for t in locator.tick_values(lo, hi)) < 3:
        from matplotlib.ticker import MaxNLocator

        locator = MaxNLocator(nbins=5)
    ax.yaxis.set_major_locator(locator)
    ax.yaxis.set_major_formatter(FuncFormatter(fmt))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _rate_text(fit: ExpFit) -> str:
    if fit.slope < 0:
        c, lo, hi = fit.decline_x_per_year
        return f"falls {c:.3g}x/yr [{lo:.3g}, {hi:.3g}]"
    return f"grows {fit.factor_per_year:.3g}x/yr [{fit.factor_low:.3g}, {fit.factor_high:.3g}]"


def capability_figure(
    benchmark: str, paths: Sequence[dict], *, source_line: str, unit_label: str = "USD per million tokens (blended 3:1)"
) -> Figure:
    """Epoch-style chart for one benchmark: for each threshold, its kept observations and
    its fitted line (log10 price on date), labelled with the rate and 90% interval.

    Each path dict: `label`, `dates`, `prices`, `slope_log10_per_day`, `intercept_log10`,
    `factor_per_year`, `factor_low`, `factor_high`.
    """
    fig = Figure(figsize=(8, 4.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    for i, p in enumerate(paths):
        c = COLORS[i % len(COLORS)]
        d = to_days(p["dates"])
        ax.scatter(_dates(d), p["prices"], s=20, color=c, zorder=3)
        grid = np.linspace(d.min(), d.max(), 50)
        ax.plot(
            _dates(grid),
            10 ** (p["intercept_log10"] + p["slope_log10_per_day"] * grid),
            color=c,
            lw=1.5,
            label=f"{p['label']}: {p['factor_per_year']:.3g}x/yr cheaper "
            f"[90% CI {p['factor_low']:.2g}, {p['factor_high']:.3g}]",
        )
    ax.legend(fontsize=6.5, loc="best", frameon=False)
    _finish(
        fig,
        ax,
        f"Price to reach a {benchmark} threshold (cheapest model at or above it)",
        "Model release / price date",
        unit_label,
        source_line,
        True,
    )
    readable_ticks(ax, unit_label)
    return fig


def lines_figure(
    lines: Sequence[dict],
    *,
    title: str,
    y_label: str,
    source_line: str,
    x_label: str = "Date",
    log_y: bool = True,
    legend_title: str | None = None,
) -> Figure:
    """Several series on one chart (a landing-page headline): each line's points and its
    fitted line, coloured by `group` so that many lines of few kinds stay readable.

    Line dict: `label` (legend text; lines of one group share the group's first label),
    `group` (optional, default the label), `dates`, `values` (the observed points),
    `fit_dates`, `fitted` (the fitted line; optional), `extrapolated` (optional bools)."""
    fig = Figure(figsize=(8, 4.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    colours: dict[str, str] = {}
    for line in lines:
        group = line.get("group") or line["label"]
        first = group not in colours
        c = colours.setdefault(group, COLORS[len(colours) % len(COLORS)])
        ax.scatter(
            _dates(to_days(line["dates"])),
            np.asarray(line["values"], float),
            s=14,
            color=c,
            zorder=3,
            alpha=0.85,
            label=line["label"] if first else None,
        )
        if line.get("fit_dates") is not None and len(line["fit_dates"]):
            fitted = np.asarray(line["fitted"], float)
            extrap = np.asarray(line.get("extrapolated", np.zeros(fitted.size, bool)), bool)
            gd = _dates(to_days(line["fit_dates"]))
            ax.plot(gd, np.where(extrap, np.nan, fitted), color=c, lw=1.3, alpha=0.9)
    ax.legend(fontsize=6.5, loc="best", frameon=False, title=legend_title, title_fontsize=7)
    _finish(fig, ax, title, x_label, y_label, source_line, log_y)
    if log_y:
        readable_ticks(ax, y_label)
    return fig


def claims_figure(rows: Sequence[dict], *, source_line: str) -> Figure:
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
    fig = Figure(figsize=(9.5, 0.45 * len(rows) + 2.3), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    ys = np.arange(len(rows))[::-1]
    seen: set[str] = set()
    for y, r in zip(ys, rows):
        est = r.get("estimate")
        if est is not None:
            if r.get("n_measures"):  # the range of many measures' observed multiples, not an interval
                ax.plot([r["low"], r["high"]], [y, y], color="#888888", lw=1.2, ls=":", zorder=4)
                ax.scatter([est], [y], marker="o", color="#555555", s=18, zorder=5)
                seen.add("measures")
            elif _is_point(r):
                ax.scatter([est], [y], marker="s", s=26, facecolors="none", edgecolors=COLORS[0], zorder=5, lw=1.3)
                seen.add("point")
            else:
                ax.errorbar(
                    [est],
                    [y],
                    xerr=[[est - r["low"]], [r["high"] - est]],
                    fmt="o",
                    color=COLORS[0],
                    capsize=3,
                    ms=4,
                    zorder=5,
                )
                seen.add("interval")
        claimed, bound = r.get("claimed"), r.get("bound") or "~"
        lo, hi = r.get("claimed_low"), r.get("claimed_high")
        if claimed is None:
            continue
        if bound in (">", "<"):
            edge = max(claimed, hi or claimed) if bound == "<" else min(claimed, lo or claimed)
            ax.scatter([edge], [y], marker=">" if bound == ">" else "<", color=COLORS[1], s=40, zorder=4)
            ax.annotate(
                "",
                xy=(edge * (2.5 if bound == ">" else 0.4), y),
                xytext=(edge, y),
                zorder=4,
                arrowprops=dict(arrowstyle="->", color=COLORS[1], lw=1.4),
            )
            seen.add(bound)
            continue
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [y, y], color=COLORS[1], lw=5, alpha=0.35, solid_capstyle="butt", zorder=3)
            seen.add("rounded")
        ax.scatter([claimed], [y], marker="D", color=COLORS[1], s=28, zorder=4)
        seen.add("claimed")
    ax.set_yticks(
        ys,
        [
            f"{r['label']} ({r['verdict']}"
            f"{'; point, no interval' if _is_point(r) and not r.get('n_measures') else ''}"
            f"{'; ' + str(r['n_measures']) + ' measures' if r.get('n_measures') else ''})"
            for r in rows
        ],
        fontsize=7,
    )
    ax.set_xscale("log")
    ax.margins(x=0.08)
    handles: list[tuple[str, dict[str, Any], str]] = [
        ("claimed", dict(marker="D", color=COLORS[1]), "claimed"),
        (
            "rounded",
            dict(marker="_", color=COLORS[1], alpha=0.35, s=200, linewidths=5),
            "claim: range its rounded % covers",
        ),
        (">", dict(marker=">", color=COLORS[1]), "claim is a lower bound (at least; arrow)"),
        ("<", dict(marker="<", color=COLORS[1]), "claim is an upper bound (at most; arrow)"),
        ("point", dict(marker="s", facecolors="none", edgecolors=COLORS[0]), "data: two observed values, no interval"),
    ]
    for key, kw, label in handles:
        if key in seen:
            ax.scatter([], [], label=label, **kw)
    if "interval" in seen:
        ax.errorbar([], [], xerr=[], fmt="o", color=COLORS[0], label="data: stored fit, 90% interval")
    if "measures" in seen:
        ax.plot(
            [],
            [],
            color="#888888",
            lw=1.2,
            ls=":",
            marker="o",
            markersize=4,
            label="data: range of the measures (dot: largest supporting one), not an interval",
        )
    ax.legend(fontsize=7, frameon=True, framealpha=0.9, loc="best")
    ax.set_xlabel("multiple over the claim's window, or per year (x cheaper, or x more demand)")
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title("Cited claims vs what the stored data says", fontsize=11, loc="left")
    _source(fig, source_line, left=0.42)
    return fig


def _is_point(r: dict) -> bool:
    """Data with no interval: an estimate whose interval is missing or collapses onto it."""
    est = r.get("estimate")
    return est is not None and (r.get("low") is None or r.get("high") is None or r["low"] == r["high"] == est)


def render(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes (deterministic metadata, so reruns give equal SVGs)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format must be png or svg, got {fmt!r}")
    buf = io.BytesIO()
    meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    with matplotlib.rc_context({"svg.hashsalt": "infernomics"}):  # stable ids in the SVG
        fig.savefig(buf, format=fmt, metadata=meta)
    return buf.getvalue()


def day_label(day: float) -> str:
    return from_days(day).isoformat()


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
) -> Figure:
    """A demand curve: quantity against price on log-log axes, each point one matched date,
    with the fitted line and the lines at the slope interval's ends (through the data's
    centre). Labelled an association: both series trend with time, so the slope is not a
    causal elasticity (the legend says so)."""
    p, q = np.asarray(prices, float), np.asarray(quantities, float)
    fig = Figure(figsize=(8, 4.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter(p, q, s=22, color=COLORS[0], zorder=3, label=f"matched dates (n={p.size})")
    lx, ly = np.log(p), np.log(q)
    cx, cy = lx.mean(), ly.mean()
    a = intercept if intercept is not None else cy - slope * cx
    grid = np.linspace(lx.min(), lx.max(), 50)
    ax.plot(
        np.exp(grid),
        np.exp(a + slope * grid),
        color=COLORS[1],
        lw=1.6,
        label=f"log-log slope {slope:.2f} ({level:.0%} bootstrap interval {slope_low:.2f} to {slope_high:.2f})",
    )
    for s_, style in ((slope_low, ":"), (slope_high, ":")):
        ax.plot(np.exp(grid), np.exp(cy + s_ * (grid - cx)), color=COLORS[1], lw=1, ls=style)
    if point_labels is not None:
        for i in sorted({int(np.argmin(p)), int(np.argmax(p))}):
            right = p[i] == p.max()  # the dearest point's label is drawn to its left, inside the axes
            ax.annotate(
                str(point_labels[i]),
                (p[i], q[i]),
                fontsize=6.5,
                color="#333333",
                xytext=(-4 if right else 4, 4),
                textcoords="offset points",
                ha="right" if right else "left",
            )
    ax.plot([], [], " ", label="association, not a causal elasticity: both series trend with time")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(fontsize=7, loc="best", frameon=False)
    title_lines = textwrap.wrap(title, 80) or [""]
    ax.set_title("\n".join(title_lines), fontsize=11 if len(title_lines) == 1 else 10, loc="left")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(True, which="major", alpha=0.3)
    _source(fig, source_line, top_lines=len(title_lines), left=0.1)
    return fig
