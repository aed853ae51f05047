"""analysis.plots: charts are returned (not written) and drawn as SVG by analysis.svg:
log-scaled, labelled, banded, sourced; what a reader sees is asserted on the SVG itself
(tick labels, legend lines, the band paths, the number of points)."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from analysis import plots, svg
from analysis.trend import fit_exponential

DATES = [dt.date(2024, 1, 1) + dt.timedelta(days=40 * i) for i in range(12)]
VALUES = np.exp(np.linspace(4, 0, 12) + np.random.default_rng(0).normal(0, 0.2, 12))
NS = {"s": "http://www.w3.org/2000/svg"}


def _tree(chart) -> ET.Element:
    return ET.fromstring(plots.render(chart))


def _texts(root: ET.Element, group: str) -> list[str]:
    """The visible strings of every <text> (and its <tspan>s) inside <g class=GROUP>."""
    out = []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if group in (g.get("class") or "").split() or g.get("class") == group:
            out += ["".join(t.itertext()) for t in g.iter("{http://www.w3.org/2000/svg}text")]
    return out


def _ticks(root: ET.Element, axis: str) -> list[str]:
    g = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == f"axis {axis}")
    return [t.text for t in g.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "tick"]


def _points(root: ET.Element, css: str) -> ET.Element:
    return next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == css)


def test_trend_figure_has_log_axis_labels_bands_and_source_line():
    fit = fit_exponential(DATES, VALUES)
    chart = plots.trend_figure(
        DATES,
        VALUES,
        fit,
        title="Price",
        y_label="USD per million tokens",
        source_line="Source: test data",
        extend_to=[DATES[0], dt.date(2026, 6, 1)],
    )
    root = _tree(chart)
    assert chart.y.kind == "log"
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "label"]
    assert labels == ["Date", "USD per million tokens"]
    ticks = _ticks(root, "y")
    assert ticks and all(t.startswith("$") for t in ticks) and "$1" in ticks and "$10" in ticks  # decades
    paths = {p.get("class") for p in root.iter("{http://www.w3.org/2000/svg}path")}
    assert {"band prediction", "band confidence", "fit", "fit extrapolated"} <= paths
    observed = _points(root, "points observed")
    assert observed.get("data-n") == "12" and len(observed.findall("s:circle", NS)) == 12
    assert "2024-01-01: $" in observed.find("s:circle/s:title", NS).text  # hover: date and value
    legend = _texts(root, "legend")
    assert "90% confidence band (line)" in legend and "90% prediction band (new point)" in legend
    assert "extrapolated" in legend and any(t.startswith("ols fit: falls") for t in legend)
    source = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "source"]
    assert ["".join(t.itertext()) for t in source] == ["Source: test data"]
    assert any(re.fullmatch(r"20(24|25|26)", t) for t in _ticks(root, "x"))  # year ticks on the date axis


def test_render_gives_svg_bytes_without_writing_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    chart = plots.trend_figure(DATES, VALUES, fit_exponential(DATES, VALUES), title="t", y_label="y", source_line="s")
    out = plots.render(chart)
    assert out.startswith(b"<svg xmlns='http://www.w3.org/2000/svg'") and ET.fromstring(out) is not None
    assert plots.render(chart) == out  # deterministic
    claims = plots.claims_figure([dict(label="a", claimed=10, verdict="consistent")], source_line="s")
    assert plots.render(claims) == plots.render(claims)  # its legend below the axes grows it once, not per call
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="SVG only"):
        plots.render(chart, "png")


def test_capability_and_claims_figures_render():
    path = dict(
        label=">= 40",
        dates=DATES[:5],
        prices=VALUES[:5],
        slope_log10_per_day=-0.002,
        intercept_log10=40.0,
        factor_per_year=5.0,
        factor_low=2.0,
        factor_high=9.0,
    )
    chart = plots.capability_figure("MMLU", [path], source_line="Data: Epoch AI")
    root = _tree(chart)
    assert chart.y.kind == "log" and all(t.startswith("$") for t in _ticks(root, "y"))
    assert _texts(root, "legend") == [">= 40: 5x/yr cheaper [90% CI 2, 9]"]
    assert len(_points(root, "points").findall("s:circle", NS)) == 5
    claims = plots.claims_figure(
        [dict(label="a", claimed=10, estimate=12, low=8, high=16, verdict="consistent")], source_line="s"
    )
    root = _tree(claims)
    assert claims.x.kind == "log" and _ticks(root, "y") == ["a (consistent)"]
    assert "10x" in _ticks(root, "x")


def test_point_labels_stay_inside_the_axes():
    labels = [f"a-long-point-label-{i}" for i in range(len(DATES))]
    chart = plots.band_figure(
        DATES, VALUES, None, title="t", y_label="USD per million tokens", source_line="s", point_labels=labels
    )
    root = _tree(chart)
    frame = next(r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "frame")
    left, right = float(frame.get("x")), float(frame.get("x")) + float(frame.get("width"))
    group = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "point-labels")
    texts = group.findall("s:text", NS)
    assert [t.text for t in texts] == labels
    for t in texts:
        x, width = float(t.get("x")), svg.text_width(t.text, float(t.get("font-size")))
        start = x - width if t.get("text-anchor") == "end" else x
        assert left <= start and start + width <= right, (t.text, start, start + width, left, right)
    assert texts[-1].get("text-anchor") == "end"  # the right quarter's labels sit left of their point


def test_dollar_axis_under_a_decade_has_plain_dollar_ticks():
    vals = [12.3, 11.0, 9.8, 8.0, 6.9]
    root = _tree(plots.band_figure(DATES[:5], vals, None, title="t", y_label="USD per GPU-hour", source_line="s"))
    ticks = _ticks(root, "y")
    assert len(ticks) >= 3 and all(re.fullmatch(r"\$\d+(\.\d+)?", t) for t in ticks), ticks
    assert "$10" in ticks and "$8" in ticks
    per_dollar = _tree(plots.band_figure(DATES[:5], vals, None, title="t", y_label="TFLOP/s per USD", source_line="s"))
    assert not any(t.startswith("$") for t in _ticks(per_dollar, "y"))  # an amount per dollar, not dollars


def test_claims_figure_marks_bounds_rounded_claims_and_point_comparisons():
    rows = [
        dict(
            label="rounded",
            claimed=100,
            claimed_low=66.7,
            claimed_high=200,
            bound="~",
            estimate=133,
            low=133,
            high=133,
            verdict="consistent",
        ),
        dict(label="at-least", claimed=10, bound=">", estimate=30, low=20, high=40, verdict="consistent"),
        dict(
            label="up-to",
            claimed=1.8,
            claimed_high=1.84,
            bound="<",
            estimate=1.79,
            low=1.79,
            high=1.79,
            verdict="consistent",
        ),
    ]
    root = _tree(plots.claims_figure(rows, source_line="s"))
    legend = " | ".join(_texts(root, "legend"))
    assert "lower bound" in legend and "upper bound" in legend
    assert "rounded" in legend and "no interval" in legend and "90% interval" in legend
    ticks = _ticks(root, "y")  # the first row is at the top: drawn last on the category axis
    assert "point, no interval" in ticks[-1] and "point" not in ticks[1]
    assert len([g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "arrow"]) == 2
    assert len([g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "interval"]) == 1


def test_demand_curve_figure_is_log_log_and_says_association():
    prices = [2.0, 1.5, 1.0, 0.6, 0.3]
    tokens = [1e12, 1.4e12, 2e12, 3.5e12, 7e12]
    chart = plots.demand_curve_figure(
        prices,
        tokens,
        slope=-0.9,
        slope_low=-1.2,
        slope_high=-0.6,
        title="Tokens vs price",
        x_label="USD per million tokens",
        y_label="tokens per week",
        source_line="Data: test",
        point_labels=list("abcde"),
    )
    root = _tree(chart)
    assert chart.x.kind == "log" and chart.y.kind == "log"
    assert all(t.startswith("$") for t in _ticks(root, "x")) and all(t.endswith("T") for t in _ticks(root, "y"))
    legend = " ".join(_texts(root, "legend"))
    assert "not a causal elasticity" in legend and "-0.90" in legend and "-1.20 to -0.60" in legend
    assert len(_points(root, "points").findall("s:circle", NS)) == 5
    assert _texts(root, "point-labels") == ["a", "e"]  # the dearest and the cheapest point


def test_a_claim_judged_on_measures_is_drawn_as_a_range_not_an_interval():
    root = _tree(
        plots.claims_figure(
            [
                dict(
                    label="ark-p20",
                    claimed=100,
                    estimate=262.5,
                    low=1.0,
                    high=262.5,
                    verdict="consistent by some measures",
                    bound=">",
                    n_measures=149,
                )
            ],
            source_line="s",
        )
    )
    assert "149 measures" in _ticks(root, "y")[0]
    legend = " ".join(_texts(root, "legend"))
    assert "range of the measures" in legend and "90% interval" not in legend


def test_a_missing_value_breaks_the_line_and_log_axes_skip_non_positive_values():
    chart = svg.Chart("t", svg.Axis("date"), svg.Axis("log"))
    chart.line(DATES[:5], [1.0, 2.0, None, 4.0, 5.0])
    chart.points(DATES[:3], [1.0, -1.0, 0.0])
    root = ET.fromstring(chart.svg())
    line = next(p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("class") == "fit")
    assert line.get("d").count("M") == 2  # two pieces, nothing drawn through the gap
    assert _points(root, "points").get("data-n") == "1"


def test_date_ticks_read_months_or_years_for_people():
    months = [label for _, label, _ in svg._date_ticks(svg.day_number("2024-02-10"), svg.day_number("2024-11-20"), 9)]
    assert months == ["Mar 2024", "May", "Jul", "Sep", "Nov"]  # every 2nd month: 10 would be too many
    years = [label for _, label, _ in svg._date_ticks(svg.day_number("2015-01-01"), svg.day_number("2026-06-01"), 9)]
    assert years and all(re.fullmatch(r"20\d\d", y) for y in years)
