"""A small SVG chart renderer: what the report's charts need, and nothing else.

Decisions:
- Why not matplotlib: drawing 90 charts to PNG and SVG through matplotlib's `savefig` was
  80% of a report build (40 of 50 s) and most of its memory. The report's charts are a
  handful of shapes (points, lines, shaded bands, error bars, markers, text) on log, date
  and category axes; written as SVG text directly from the data they take milliseconds
  each, need no import heavier than the standard library, and stay sharp at any zoom.
- Data coordinates in, SVG out: a `Chart` collects layers in data units (dates as
  `datetime.date`, ISO strings or day numbers) and lays itself out only in `svg()`, when
  every value is known: axis ranges come from all drawn data plus a margin, like
  matplotlib's autoscale, so nothing drawn falls outside the axes.
- Readable without a browser's help: tick labels chosen for people (decades on log axes,
  plain ticks when a log axis spans under a decade, month or year ticks on date axes),
  the formatter is the caller's (`$1`, `10B`); text widths are estimated from the font
  size (a sans-serif averages ~0.56 em per character), which is enough to wrap titles and
  source lines, size legends and keep point labels inside the axes.
- Legends go where they cover the fewest data vertices ("best", as matplotlib does), or
  below the axes when they would cover a large part of them (charts with ten thresholds).
- Inspectable: each layer is a `<g>` or `<path>` with a class (`points`, `band
  confidence`, `fit`, `legend`, `source`...), points carry a `<title>` (date, value,
  label) that a browser shows on hover, so tests assert what a reader sees.
- Deterministic: the same data gives the same bytes (no ids from memory, no dates).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

COLORS = ["#1f5fa8", "#c0392b", "#27864a", "#8e44ad", "#d4860b", "#16a0a0", "#7f6000", "#555555"]
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
EM = 0.56  # average advance of a sans-serif character, in font sizes
EPOCH = dt.date(1970, 1, 1)
TICK, LABEL, SOURCE = 11.0, 12.0, 10.0  # font sizes in px: tick labels, axis labels, source line

Formatter = Callable[[float], str]


def text_width(text: str, size: float) -> float:
    """Estimated width in px of `text` at font `size` (wide characters count double)."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text) * size * EM


def day_number(value: Any) -> float | None:
    """A date (date, datetime, numpy datetime64, ISO string) or a day number -> days since 1970-01-01."""
    if value is None:
        return None
    if hasattr(value, "dtype"):  # a numpy scalar, without importing numpy here
        if "datetime" not in str(value.dtype):
            return _finite(value)
        value = str(value.astype("datetime64[D]"))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return float((value - EPOCH).days)
    if isinstance(value, int | float):
        return _finite(value)
    return float((dt.date.fromisoformat(str(value)[:10]) - EPOCH).days)


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return f if math.isfinite(f) else None


def general(v: float) -> str:
    """A tick label with no unit: 0.001, 1, 250, 1e+06."""
    return f"{v:g}"


# ---------------------------------------------------------------- scales and ticks


@dataclass
class Axis:
    """One axis: kind `date`, `log`, `linear` or `category`; its data range once known."""

    kind: str
    label: str = ""
    formatter: Formatter = general
    margin: float = 0.05
    lo: float = 0.0
    hi: float = 1.0
    categories: list[str] = field(default_factory=list)

    def valid(self, v: float | None) -> bool:
        return v is not None and math.isfinite(v) and (self.kind != "log" or v > 0)

    def t(self, v: float) -> float:
        """The value in the axis's linear space (log10 on a log axis)."""
        return math.log10(v) if self.kind == "log" else v

    def fit(self, values: Iterable[float]) -> None:
        vals = [self.t(v) for v in values if self.valid(v)]
        if self.kind == "category":
            self.lo, self.hi = -0.6, len(self.categories) - 0.4
            return
        if not vals:  # nothing to draw: an empty unit range (a decade on a log axis)
            vals = [0.0, 1.0]
        lo, hi = min(vals), max(vals)
        if hi == lo:
            pad = 0.5 if self.kind == "log" else (abs(lo) * 0.1 or 1.0)
            if self.kind == "date":
                pad = 30.0
            lo, hi = lo - pad, hi + pad
        span = hi - lo
        self.lo, self.hi = lo - self.margin * span, hi + self.margin * span

    def frac(self, v: float) -> float:
        return (self.t(v) - self.lo) / (self.hi - self.lo)

    def ticks(self, max_ticks: int = 9) -> list[tuple[float, str, bool]]:
        """(value, label, major) within the range; minor ticks (log axes) have no label."""
        if self.kind == "date":
            return _date_ticks(self.lo, self.hi, max_ticks)
        if self.kind == "category":
            return [(float(i), c, True) for i, c in enumerate(self.categories)]
        if self.kind == "log":
            return _log_ticks(self.lo, self.hi, self.formatter)
        return [(v, self.formatter(v), True) for v in _nice_ticks(self.lo, self.hi, 6)]


def _nice_ticks(lo: float, hi: float, n: int) -> list[float]:
    """About `n` ticks at multiples of 1, 2, 2.5 or 5 x 10^k within [lo, hi]."""
    span = hi - lo
    raw = span / max(n - 1, 1)
    if not raw > 0 or not math.isfinite(raw):
        return [lo]
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step)
    return [round(k * step, 12) for k in range(first, first + 2 * n + 2) if k * step <= hi + step * 1e-9]


def _log_ticks(lo: float, hi: float, fmt: Formatter) -> list[tuple[float, str, bool]]:
    """Decades when three or more are in range (every 2nd or 3rd when many, minor ticks at
    2-9 between); 1-2-5 (or 1..9) ticks when fewer; plain ticks in linear space when even
    those would be fewer than three."""
    d0, d1 = math.floor(lo), math.ceil(hi)
    decades = [k for k in range(d0, d1 + 1) if lo <= k <= hi]
    if len(decades) >= 3:
        every = max(1, math.ceil(len(decades) / 8))
        out = [(10.0**k, fmt(10.0**k), True) for k in decades if k % every == 0]
        if every == 1 and len(decades) <= 7:
            out += [
                (m * 10.0**k, "", False)
                for k in range(d0, d1 + 1)
                for m in range(2, 10)
                if lo <= math.log10(m * 10.0**k) <= hi
            ]
        return out
    for subs in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        vals = [m * 10.0**k for k in range(d0, d1 + 1) for m in subs if lo <= math.log10(m * 10.0**k) <= hi]
        if len(vals) >= 3:
            return [(v, fmt(v), True) for v in vals]
    vals = [v for v in _nice_ticks(10**lo, 10**hi, 5) if v > 0 and lo <= math.log10(v) <= hi]
    return [(v, fmt(v), True) for v in vals]


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _date_ticks(lo: float, hi: float, max_ticks: int) -> list[tuple[float, str, bool]]:
    """Ticks on the first of a month: every 1, 2, 3, 6 months or 1, 2, 5, 10 years, the
    smallest step with at most `max_ticks`; January ticks read the year, others the month
    (the first tick also says its year)."""
    start = EPOCH + dt.timedelta(days=math.ceil(lo))
    end = EPOCH + dt.timedelta(days=math.floor(hi))
    months_span = (end.year - start.year) * 12 + end.month - start.month + 1
    for step in (1, 2, 3, 6, 12, 24, 60, 120, 240):
        if months_span / step <= max_ticks:
            break
    m0 = start.year * 12 + start.month - 1
    if start.day != 1:
        m0 += 1
    m0 = math.ceil(m0 / step) * step  # ticks on multiples of the step: Jan/Apr/Jul/Oct, every other year...
    out, first = [], True
    m = m0
    while True:
        d = dt.date(m // 12, m % 12 + 1, 1)
        if d > end:
            break
        if step >= 12:
            label = str(d.year)
        elif d.month == 1:
            label = str(d.year)
        else:
            label = f"{MONTHS[d.month - 1]} {d.year}" if first else MONTHS[d.month - 1]
        out.append((float((d - EPOCH).days), label, True))
        first = False
        m += step
    if not out:  # a range inside one month: its two ends
        out = [(lo, (EPOCH + dt.timedelta(days=round(lo))).isoformat(), True)]
    return out


# ---------------------------------------------------------------- the chart


@dataclass
class LegendEntry:
    label: str
    kind: str  # point, hollow, line, dashed, dotted, band, diamond, tri-right, tri-left, bar, errorbar, square, range, none
    color: str = COLORS[0]
    opacity: float = 1.0


@dataclass
class Chart:
    """A chart in data coordinates; `svg()` lays it out and writes it.

    `x`, `y`: axis kinds (`date`, `log`, `linear`, `category`); `left` overrides the
    left margin (px) for long category labels."""

    title: str
    x: Axis
    y: Axis
    source_line: str = ""
    width: int = 880
    height: int = 528
    legend_title: str | None = None
    legend_frame: bool = False
    legend_below: bool = False  # always under the axes (rows of categories leave no free corner)
    legend_size: float = 9.5
    left: float | None = None
    layers: list[tuple[str, dict]] = field(default_factory=list)
    _asked_height: int | None = field(default=None, repr=False)  # `height` before a legend below grew it
    legend: list[LegendEntry] = field(default_factory=list)
    label_size: float = 8.0

    # ---- what a caller draws (all in data units)

    def points(
        self,
        xs: Sequence,
        ys: Sequence,
        *,
        color: str = COLORS[0],
        r: float = 3.4,
        hollow: bool = False,
        opacity: float = 1.0,
        label: str | None = None,
        titles: Sequence[str] | None = None,
        marker: str = "circle",
        css: str = "points",
    ) -> None:
        pts = self._pairs(xs, ys)
        keep = [i for i, (x, y) in enumerate(pts) if self.x.valid(x) and self.y.valid(y)]
        self.layers.append(
            (
                "points",
                dict(
                    xy=[pts[i] for i in keep],
                    titles=[titles[i] for i in keep] if titles is not None else None,
                    color=color,
                    r=r,
                    hollow=hollow,
                    opacity=opacity,
                    marker=marker,
                    css=css,
                    label=label,
                ),
            )
        )
        if label:
            kind = {
                "circle": "hollow" if hollow else "point",
                "square": "hollow-square" if hollow else "square",
            }.get(marker, marker)
            self.legend.append(LegendEntry(label, kind, color, opacity))

    def line(
        self,
        xs: Sequence,
        ys: Sequence,
        *,
        color: str = COLORS[0],
        width: float = 1.8,
        dash: str | None = None,
        opacity: float = 1.0,
        label: str | None = None,
        css: str = "fit",
    ) -> None:
        """A polyline; a None, NaN or (log axis) non-positive value breaks it."""
        self.layers.append(
            ("line", dict(xy=self._pairs(xs, ys), color=color, width=width, dash=dash, opacity=opacity, css=css))
        )
        if label:
            kind = "line" if dash is None else ("dotted" if dash.startswith("1") else "dashed")
            self.legend.append(LegendEntry(label, kind, color, opacity))

    def band(
        self,
        xs: Sequence,
        lows: Sequence,
        highs: Sequence,
        *,
        color: str = COLORS[0],
        opacity: float = 0.2,
        label: str | None = None,
        css: str = "band",
    ) -> None:
        """A shaded area between `lows` and `highs`; a missing value splits it."""
        lo, hi = self._pairs(xs, lows), self._pairs(xs, highs)
        self.layers.append(("band", dict(lo=lo, hi=hi, color=color, opacity=opacity, css=css)))
        if label:
            self.legend.append(LegendEntry(label, "band", color, opacity))

    def text(self, x, y, text: str, *, dx: float = 3, dy: float = -3, anchor: str = "start", color: str = "#333333"):
        """A label beside a data point, offset in px; kept inside the axes when laid out."""
        (xy,) = self._pairs([x], [y])
        self.layers.append(("text", dict(xy=xy, text=text, dx=dx, dy=dy, anchor=anchor, color=color)))

    def hbar(self, x0, x1, y, *, color: str, width: float, opacity: float = 1.0, dash=None, css="range") -> None:
        """A horizontal segment from x0 to x1 at y (an interval, a range, an arrow's shaft)."""
        self.line([x0, x1], [y, y], color=color, width=width, opacity=opacity, dash=dash, css=css)

    def errorbar(self, x, lo, hi, y, *, color: str = COLORS[0]) -> None:
        """An estimate with its interval: a dot on a horizontal bar with caps."""
        self.layers.append(("errorbar", dict(x=(x, lo, hi), y=y, color=color)))

    def arrow(self, x0, x1, y, *, color: str) -> None:
        """An arrow from x0 to x1 at y (a bound: "at least" points right, "at most" left)."""
        self.layers.append(("arrow", dict(x0=x0, x1=x1, y=y, color=color)))

    def legend_entry(self, label: str, kind: str, color: str = COLORS[0], opacity: float = 1.0) -> None:
        self.legend.append(LegendEntry(label, kind, color, opacity))

    def _pairs(self, xs: Sequence, ys: Sequence) -> list[tuple[float | None, float | None]]:
        conv_x = day_number if self.x.kind == "date" else _finite
        conv_y = day_number if self.y.kind == "date" else _finite
        return [(conv_x(a), conv_y(b)) for a, b in zip(xs, ys)]

    # ---- layout and output

    def _data_values(self) -> tuple[list[float], list[float]]:
        xs: list[float] = []
        ys: list[float] = []
        for kind, a in self.layers:
            if kind in ("points", "line", "text"):
                pairs = [a["xy"]] if kind == "text" else a["xy"]
                for x, y in pairs:
                    if self.x.valid(x) and self.y.valid(y):
                        xs.append(x)
                        ys.append(y)
            elif kind == "band":
                for (x, lo), (_, hi) in zip(a["lo"], a["hi"]):
                    if self.x.valid(x):
                        xs.append(x)
                        ys += [v for v in (lo, hi) if self.y.valid(v)]
            elif kind == "errorbar":
                xs += [v for v in a["x"] if self.x.valid(v)]
                ys.append(a["y"])
            elif kind == "arrow":
                xs += [v for v in (a["x0"], a["x1"]) if self.x.valid(v)]
                ys.append(a["y"])
        return xs, ys

    def svg(self) -> str:
        xs, ys = self._data_values()
        self.x.fit(xs)
        self.y.fit(ys)
        W = float(self.width)
        title_size = 15.0
        title_lines = textwrap.wrap(self.title, int((W - 20) / (title_size * EM))) or [""]
        if len(title_lines) > 1:
            title_size = 13.5
            title_lines = textwrap.wrap(self.title, int((W - 20) / (title_size * EM))) or [""]
        source_lines = textwrap.wrap(self.source_line, int((W - 16) / (SOURCE * EM))) if self.source_line else []
        yt = self.y.ticks()
        y_tick_w = max(
            (text_width(lab, TICK if self.y.kind != "category" else self.label_size + 1) for _, lab, _ in yt), default=0
        )
        left = self.left if self.left is not None else 8 + (LABEL + 8 if self.y.label else 0) + y_tick_w + 8
        right = W - 18
        top = 12 + title_size * 1.25 * len(title_lines) + 6
        legend_w, legend_h, rows = self._legend_box()
        bottom_text = TICK + 8 + (LABEL + 8 if self.x.label else 0) + SOURCE * 1.25 * len(source_lines) + 10
        if self._asked_height is None:
            self._asked_height = self.height
        H = float(self._asked_height)
        plot_h = H - top - bottom_text - 14
        plot_w = right - left
        below = bool(rows) and (
            self.legend_below or legend_h > 0.55 * plot_h or legend_w * legend_h > 0.3 * plot_w * plot_h
        )
        if below:
            H += legend_h + 10
        bottom = H - bottom_text - (legend_h + 10 if below else 0)
        self.height = int(math.ceil(H))
        P = _Plot(left, top, right, bottom, self.x, self.y)

        out: list[str] = [
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width}' height='{self.height}' "
            f"viewBox='0 0 {self.width} {self.height}' font-family='{FONT}' role='img'>",
            f"<title>{_esc(self.title)}</title>",
            f"<rect width='{self.width}' height='{self.height}' fill='#ffffff'/>",
            f"<defs><clipPath id='plot-area'><rect x='{_n(left)}' y='{_n(top)}' width='{_n(plot_w)}' "
            f"height='{_n(bottom - top)}'/></clipPath></defs>",
        ]
        out.append("<g class='title'>")
        for i, line in enumerate(title_lines):
            out.append(
                f"<text x='10' y='{_n(12 + title_size * (1 + 1.25 * i))}' font-size='{title_size}' "
                f"font-weight='600' fill='#222'>{_esc(line)}</text>"
            )
        out.append("</g>")
        out += self._axes(P, yt)
        out.append("<g clip-path='url(#plot-area)'>")
        for kind, a in self.layers:
            if kind != "text":
                out += getattr(self, f"_draw_{kind}")(P, a)
        out.append("</g>")
        texts = [a for k, a in self.layers if k == "text"]
        if texts:
            out.append("<g class='point-labels'>")
            out += [self._draw_text(P, a) for a in texts]
            out.append("</g>")
        if rows:
            out += self._draw_legend(P, legend_w, legend_h, rows, below)
        if source_lines:
            step = SOURCE * 1.25
            y0 = self.height - 8 - step * (len(source_lines) - 1)
            spans = "".join(
                f"<tspan x='8' y='{_n(y0 + step * i)}'>{_esc(line)}</tspan>" for i, line in enumerate(source_lines)
            )
            out.append(f"<text class='source' font-size='{SOURCE}' fill='#444'>{spans}</text>")
        out.append("</svg>")
        return "\n".join(out) + "\n"

    def _axes(self, P: _Plot, yt: list[tuple[float, str, bool]]) -> list[str]:
        out = ["<g class='grid' stroke='#000' stroke-width='0.6'>"]
        xt = self.x.ticks()
        for v, _, major in xt:
            px = P.px(v)
            if P.left - 0.5 <= px <= P.right + 0.5 and self.x.kind != "category":
                op = 0.15 if major else 0.06
                out.append(f"<line x1='{_n(px)}' x2='{_n(px)}' y1='{_n(P.top)}' y2='{_n(P.bottom)}' opacity='{op}'/>")
        for v, _, major in yt:
            py = P.py(v)
            if P.top - 0.5 <= py <= P.bottom + 0.5:
                op = 0.15 if major else 0.06
                out.append(f"<line x1='{_n(P.left)}' x2='{_n(P.right)}' y1='{_n(py)}' y2='{_n(py)}' opacity='{op}'/>")
        out.append("</g>")
        out.append(
            f"<rect class='frame' x='{_n(P.left)}' y='{_n(P.top)}' width='{_n(P.right - P.left)}' "
            f"height='{_n(P.bottom - P.top)}' fill='none' stroke='#444' stroke-width='0.8'/>"
        )
        out.append(f"<g class='axis x' font-size='{TICK}' fill='#333' text-anchor='middle'>")
        last_end = -1e9
        for v, lab, _major in xt:
            px = P.px(v)
            if not (P.left - 0.5 <= px <= P.right + 0.5) or not lab:
                continue
            w = text_width(lab, TICK)
            if px - w / 2 < last_end + 4:  # would overlap the previous label
                continue
            last_end = px + w / 2
            out.append(f"<line x1='{_n(px)}' x2='{_n(px)}' y1='{_n(P.bottom)}' y2='{_n(P.bottom + 4)}' stroke='#444'/>")
            out.append(f"<text class='tick' x='{_n(px)}' y='{_n(P.bottom + 5 + TICK)}'>{_esc(lab)}</text>")
        if self.x.label:
            out.append(
                f"<text class='label' x='{_n((P.left + P.right) / 2)}' y='{_n(P.bottom + 13 + TICK + LABEL)}' "
                f"font-size='{LABEL}'>"
                f"{_esc(self.x.label)}</text>"
            )
        out.append("</g>")
        size = TICK if self.y.kind != "category" else self.label_size + 1
        out.append(f"<g class='axis y' font-size='{size}' fill='#333' text-anchor='end'>")
        for v, lab, major in yt:
            py = P.py(v)
            if not (P.top - 0.5 <= py <= P.bottom + 0.5):
                continue
            tick = 4 if major else 2
            out.append(f"<line x1='{_n(P.left - tick)}' x2='{_n(P.left)}' y1='{_n(py)}' y2='{_n(py)}' stroke='#444'/>")
            if lab:
                out.append(f"<text class='tick' x='{_n(P.left - 6)}' y='{_n(py + size * 0.35)}'>{_esc(lab)}</text>")
        if self.y.label:
            cx, cy = 8 + LABEL * 0.8, (P.top + P.bottom) / 2
            out.append(
                f"<text class='label' x='{_n(cx)}' y='{_n(cy)}' font-size='{LABEL}' text-anchor='middle' "
                f"transform='rotate(-90 {cx} {_n(cy)})'>{_esc(self.y.label)}</text>"
            )
        out.append("</g>")
        return out

    def _draw_points(self, P: _Plot, a: dict) -> list[str]:
        c, r = a["color"], a["r"]
        style = (f"fill='none' stroke='{c}' stroke-width='1.2'" if a["hollow"] else f"fill='{c}'") + (
            f" opacity='{a['opacity']}'" if a["opacity"] < 1 else ""
        )
        label = f" data-label='{_esc(a['label'])}'" if a["label"] else ""
        out = [f"<g class='{a['css']}' data-n='{len(a['xy'])}'{label} {style}>"]
        for i, (x, y) in enumerate(a["xy"]):
            px, py = P.px(x), P.py(y)
            tip = f"<title>{_esc(a['titles'][i])}</title>" if a["titles"] is not None and a["titles"][i] else ""
            out.append(_marker(a["marker"], px, py, r, tip))
        out.append("</g>")
        return out

    def _draw_line(self, P: _Plot, a: dict) -> list[str]:
        d = _path(P, a["xy"], self.x, self.y)
        if not d:
            return []
        dash = f" stroke-dasharray='{a['dash']}'" if a["dash"] else ""
        op = f" stroke-opacity='{a['opacity']}'" if a["opacity"] < 1 else ""
        return [
            f"<path class='{a['css']}' d='{d}' fill='none' stroke='{a['color']}' stroke-width='{a['width']}'"
            f"{dash}{op} stroke-linejoin='round'/>"
        ]

    def _draw_band(self, P: _Plot, a: dict) -> list[str]:
        parts, run = [], []
        for (x, lo), (_, hi) in zip(a["lo"], a["hi"]):
            if self.x.valid(x) and self.y.valid(lo) and self.y.valid(hi):
                run.append((x, lo, hi))
            elif run:
                parts.append(run)
                run = []
        if run:
            parts.append(run)
        ds = []
        for run in parts:
            upper = [f"{_n(P.px(x))},{_n(P.py(hi))}" for x, _, hi in run]
            lower = [f"{_n(P.px(x))},{_n(P.py(lo))}" for x, lo, _ in reversed(run)]
            ds.append("M" + " L".join(upper + lower) + " Z")
        if not ds:
            return []
        return [f"<path class='{a['css']}' d='{' '.join(ds)}' fill='{a['color']}' fill-opacity='{a['opacity']}'/>"]

    def _draw_errorbar(self, P: _Plot, a: dict) -> list[str]:
        est, lo, hi = a["x"]
        py = P.py(a["y"])
        x0, x1, xe = P.px(lo), P.px(hi), P.px(est)
        c = a["color"]
        return [
            f"<g class='interval' stroke='{c}' stroke-width='1.4' fill='{c}'>"
            f"<path d='M{_n(x0)},{_n(py)} L{_n(x1)},{_n(py)} M{_n(x0)},{_n(py - 3.5)} L{_n(x0)},{_n(py + 3.5)} "
            f"M{_n(x1)},{_n(py - 3.5)} L{_n(x1)},{_n(py + 3.5)}'/>"
            f"<circle cx='{_n(xe)}' cy='{_n(py)}' r='3' stroke='none'/></g>"
        ]

    def _draw_arrow(self, P: _Plot, a: dict) -> list[str]:
        py = P.py(a["y"])
        x0, x1 = P.px(a["x0"]), P.px(a["x1"])
        s = 1 if x1 > x0 else -1
        c = a["color"]
        return [
            f"<g class='arrow' stroke='{c}' stroke-width='1.4' fill='none'>"
            f"<path d='M{_n(x0)},{_n(py)} L{_n(x1)},{_n(py)} M{_n(x1 - 6 * s)},{_n(py - 3.5)} L{_n(x1)},{_n(py)} "
            f"L{_n(x1 - 6 * s)},{_n(py + 3.5)}'/></g>"
        ]

    def _draw_text(self, P: _Plot, a: dict) -> str:
        x, y = a["xy"]
        if not (self.x.valid(x) and self.y.valid(y)):
            return ""
        px, py = P.px(x) + a["dx"], P.py(y) + a["dy"]
        w = text_width(a["text"], self.label_size)
        anchor = a["anchor"]
        start = px - w if anchor == "end" else px
        if start + w > P.right - 1:  # keep the label inside the axes
            px, anchor = P.right - 1, "end"
        elif start < P.left + 1:
            px, anchor = P.left + 1, "start"
        return (
            f"<text x='{_n(px)}' y='{_n(py)}' font-size='{self.label_size}' fill='{a['color']}' "
            f"text-anchor='{anchor}'>{_esc(a['text'])}</text>"
        )

    def _legend_box(self) -> tuple[float, float, list[LegendEntry]]:
        rows = self.legend
        if not rows:
            return 0, 0, []
        size = self.legend_size
        w = max(text_width(e.label, size) for e in rows) + 30
        if self.legend_title:
            w = max(w, text_width(self.legend_title, size) + 12)
        h = (len(rows) + (1 if self.legend_title else 0)) * size * 1.45 + 8
        return w, h, rows

    def _draw_legend(self, P: _Plot, w: float, h: float, rows: list[LegendEntry], below: bool) -> list[str]:
        if below:
            x = P.left if P.left + w <= self.width - 8 else 8.0
            y = self.height - (h + 10) - self._source_h()
        else:
            x, y = self._best_corner(P, w, h)
        size = self.legend_size
        stroke = " stroke='#bbb'" if self.legend_frame else ""
        out = [
            f"<g class='legend' font-size='{size}' fill='#222'>",
            f"<rect x='{_n(x)}' y='{_n(y)}' width='{_n(w)}' height='{_n(h)}' fill='#ffffff' fill-opacity='0.75'"
            f"{stroke} rx='2'/>",
        ]
        line_y = y + 4 + size * 1.1
        if self.legend_title:
            out.append(f"<text x='{_n(x + 6)}' y='{_n(line_y)}' font-weight='600'>{_esc(self.legend_title)}</text>")
            line_y += size * 1.45
        for e in rows:
            out.append(_legend_key(e, x + 6, line_y - size * 0.35))
            out.append(f"<text x='{_n(x + 26)}' y='{_n(line_y)}'>{_esc(e.label)}</text>")
            line_y += size * 1.45
        out.append("</g>")
        return out

    def _source_h(self) -> float:
        lines = textwrap.wrap(self.source_line, int((self.width - 16) / (SOURCE * EM))) if self.source_line else []
        return TICK + 8 + (LABEL + 8 if self.x.label else 0) + SOURCE * 1.25 * len(lines) + 10

    def _best_corner(self, P: _Plot, w: float, h: float) -> tuple[float, float]:
        """The corner (then the middle of an edge) whose box covers the fewest drawn vertices."""
        vertices: list[tuple[float, float]] = []
        px, py, x_ok, y_ok = P.px, P.py, self.x.valid, self.y.valid
        for kind, a in self.layers:
            if kind in ("points", "line"):
                vertices += [(px(x), py(y)) for x, y in a["xy"] if x_ok(x) and y_ok(y)]
            elif kind == "band":
                for (x, lo), (_, hi) in zip(a["lo"], a["hi"]):
                    if x_ok(x):
                        vertices += [(px(x), py(v)) for v in (lo, hi) if y_ok(v)]
            elif kind == "text":
                x, y = a["xy"]
                if x_ok(x) and y_ok(y):
                    vertices.append((px(x), py(y)))
            elif kind in ("errorbar", "arrow"):
                xs = a["x"] if kind == "errorbar" else (a["x0"], a["x1"])
                vertices += [(px(x), py(a["y"])) for x in xs]
        pad = 6
        xl, xr, xm = P.left + pad, P.right - pad - w, (P.left + P.right - w) / 2
        yt, yb, ym = P.top + pad, P.bottom - pad - h, (P.top + P.bottom - h) / 2
        candidates = [(xr, yt), (xl, yt), (xl, yb), (xr, yb), (xr, ym), (xl, ym), (xm, yb), (xm, yt)]

        def covered(c: tuple[float, float]) -> int:
            x0, y0 = c
            x_lo, x_hi, y_lo, y_hi = x0 - 4, x0 + w + 4, y0 - 4, y0 + h + 4  # the box, computed once
            return sum(1 for vx, vy in vertices if x_lo <= vx <= x_hi and y_lo <= vy <= y_hi)

        return min(candidates, key=covered)


@dataclass
class _Plot:
    left: float
    top: float
    right: float
    bottom: float
    x: Axis
    y: Axis

    # Axis.frac written out (the same operations in the same order, so the same bits): a
    # report converts ~135,000 coordinates, and two calls more per coordinate showed
    def px(self, v: float) -> float:
        x = self.x
        return self.left + ((math.log10(v) if x.kind == "log" else v) - x.lo) / (x.hi - x.lo) * (self.right - self.left)

    def py(self, v: float) -> float:
        y = self.y
        return self.bottom - ((math.log10(v) if y.kind == "log" else v) - y.lo) / (y.hi - y.lo) * (
            self.bottom - self.top
        )


def _path(P: _Plot, xy: list, xa: Axis, ya: Axis) -> str:
    parts, pen = [], "M"
    for x, y in xy:
        if xa.valid(x) and ya.valid(y):
            parts.append(f"{pen}{_n(P.px(x))},{_n(P.py(y))}")
            pen = "L"
        else:
            pen = "M"
    return " ".join(parts)


def _marker(kind: str, x: float, y: float, r: float, tip: str = "") -> str:
    if kind == "circle":
        return f"<circle cx='{_n(x)}' cy='{_n(y)}' r='{r}'>{tip}</circle>"
    if kind == "square":
        return f"<rect x='{_n(x - r)}' y='{_n(y - r)}' width='{_n(2 * r)}' height='{_n(2 * r)}'>{tip}</rect>"
    shapes = {
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
        "tri-right": [(-1, -1.2), (1.4, 0), (-1, 1.2)],
        "tri-left": [(1, -1.2), (-1.4, 0), (1, 1.2)],
    }
    pts = " ".join(f"{_n(x + dx * r)},{_n(y + dy * r)}" for dx, dy in shapes[kind])
    return f"<polygon points='{pts}'>{tip}</polygon>"


def _legend_key(e: LegendEntry, x: float, y: float) -> str:
    c, op = e.color, e.opacity
    if e.kind in ("line", "dashed", "dotted"):
        dash = {"line": "", "dashed": " stroke-dasharray='5 3'", "dotted": " stroke-dasharray='1.5 2'"}[e.kind]
        return (
            f"<path d='M{_n(x)},{_n(y)} L{_n(x + 16)},{_n(y)}' stroke='{c}' stroke-width='1.8'{dash}"
            f" stroke-opacity='{op}'/>"
        )
    if e.kind == "band":
        return f"<rect x='{_n(x)}' y='{_n(y - 4)}' width='16' height='8' fill='{c}' fill-opacity='{op}'/>"
    if e.kind == "bar":
        return f"<rect x='{_n(x)}' y='{_n(y - 2.5)}' width='16' height='5' fill='{c}' fill-opacity='{op}'/>"
    if e.kind == "range":
        return (
            f"<g><path d='M{_n(x)},{_n(y)} L{_n(x + 16)},{_n(y)}' stroke='{c}' stroke-width='1.2' "
            f"stroke-dasharray='1.5 2'/><circle cx='{_n(x + 8)}' cy='{_n(y)}' r='2.6' fill='{c}'/></g>"
        )
    if e.kind == "errorbar":
        return (
            f"<g stroke='{c}' stroke-width='1.4'><path d='M{_n(x)},{_n(y)} L{_n(x + 16)},{_n(y)} "
            f"M{_n(x)},{_n(y - 3)} L{_n(x)},{_n(y + 3)} M{_n(x + 16)},{_n(y - 3)} L{_n(x + 16)},{_n(y + 3)}'/>"
            f"<circle cx='{_n(x + 8)}' cy='{_n(y)}' r='2.6' fill='{c}' stroke='none'/></g>"
        )
    if e.kind == "none":
        return ""
    if e.kind == "hollow":
        return f"<circle cx='{_n(x + 8)}' cy='{_n(y)}' r='3.4' fill='none' stroke='{c}' stroke-width='1.2'/>"
    if e.kind == "hollow-square":
        return (
            f"<rect x='{_n(x + 5)}' y='{_n(y - 3)}' width='6' height='6' fill='none' stroke='{c}' stroke-width='1.2'/>"
        )
    marker = {"point": "circle", "square": "square"}.get(e.kind, e.kind)
    return f"<g fill='{c}' fill-opacity='{op}'>{_marker(marker, x + 8, y, 3.4)}</g>"


def _n(v: float) -> str:
    """A coordinate with one decimal, no trailing zero (small files, stable bytes)."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)
