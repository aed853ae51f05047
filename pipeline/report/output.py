"""What a build writes beside its pages: each chart's SVG and CSV, and the HTML that shows
them; and the record of what was written.

Decisions:
- One file per chart to look at (`NAME.svg`, shown in an `<img>` with its size given so the
  page does not jump, loaded lazily) and one to compute with (`NAME.csv`: the plotted
  points with their figure ids). No PNG: see analysis/plots.py.
- Every chart is drawn on every build. Drawing all of them takes well under a second
  (docs/performance.md, target 7), so there is no cache of earlier drawings to keep
  consistent: a rebuild writes the same bytes for the same data.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from analysis import plots
from analysis.svg import Chart


class Steps(Protocol):
    """Progress of a build (the CLI's `Progress`; nothing for the Dagster asset)."""

    def step(self, label: str = "") -> None: ...

    def close(self) -> None: ...


class NoProgress:
    def step(self, label: str = "") -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class Written:
    """What a build wrote (for the command's summary and the Dagster asset's metadata)."""

    out: Path
    pages: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    fits: int = 0
    series: int = 0
    claims: int = 0

    def bytes(self, pattern: str = "**/*") -> int:
        return sum(p.stat().st_size for p in self.out.glob(pattern) if p.is_file())


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists (figure ids) joined with '; ' so the CSV has one value per cell."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    if not lists:  # most charts: nothing to join, no query to run
        return frame
    return frame.with_columns([pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("; ") for c in lists])


def save_chart(
    chart: Chart, charts: Path, name: str, points: pl.DataFrame | None, caption: str, written: Written, title: str = ""
) -> str:
    """Write NAME.svg and NAME.csv; return the figure's HTML (lazy image, links)."""
    (charts / f"{name}.svg").write_bytes(plots.render(chart))
    links = [f"<a href='charts/{name}.svg'>SVG (full size)</a>"]
    if points is not None:
        csv_ready(points).write_csv(charts / f"{name}.csv")
        links.insert(0, f"<a href='charts/{name}.csv' download>data (CSV, {points.height} rows with figure ids)</a>")
    written.charts.append(name)
    alt = html.escape(title or name)
    return (
        f"<figure><a href='charts/{name}.svg'><img src='charts/{name}.svg' loading=lazy decoding=async "
        f"width={chart.width} height={chart.height} alt='{alt}'></a><figcaption>{html.escape(caption)} "
        f"{' &middot; '.join(links)}</figcaption></figure>"
    )
