"""analysis.plots: figures are returned (not written), log-scaled, labelled, banded, sourced."""

import datetime as dt

import numpy as np

from analysis import plots
from analysis.trend import fit_exponential

DATES = [dt.date(2024, 1, 1) + dt.timedelta(days=40 * i) for i in range(12)]
VALUES = np.exp(np.linspace(4, 0, 12) + np.random.default_rng(0).normal(0, 0.2, 12))


def test_trend_figure_has_log_axis_labels_bands_and_source_line():
    fit = fit_exponential(DATES, VALUES)
    fig = plots.trend_figure(
        DATES,
        VALUES,
        fit,
        title="Price",
        y_label="USD per million tokens",
        source_line="Source: test data",
        extend_to=[DATES[0], dt.date(2026, 6, 1)],
    )
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "USD per million tokens" and ax.get_xlabel() == "Date"
    assert len(ax.collections) >= 3  # points + confidence + prediction bands
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("confidence band" in t for t in labels) and any("prediction band" in t for t in labels)
    assert any("extrapolated" in t for t in labels)
    assert any("Source: test data" in t.get_text() for t in fig.texts)


def test_render_gives_png_and_svg_bytes_without_writing_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = plots.trend_figure(DATES, VALUES, fit_exponential(DATES, VALUES), title="t", y_label="y", source_line="s")
    png, svg = plots.render(fig, "png"), plots.render(fig, "svg")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in svg[:500]
    assert plots.render(fig, "svg") == svg  # deterministic
    assert list(tmp_path.iterdir()) == []


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
    fig = plots.capability_figure("MMLU", [path], source_line="Data: Epoch AI")
    assert fig.axes[0].get_yscale() == "log"
    claims = plots.claims_figure(
        [dict(label="a", claimed=10, estimate=12, low=8, high=16, verdict="consistent")], source_line="s"
    )
    assert claims.axes[0].get_xscale() == "log"


def _bbox_inside(fig, text, ax):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    r = canvas.get_renderer()
    return text.get_window_extent(r).x1 <= ax.get_window_extent(r).x1 + 0.5


def test_point_labels_stay_inside_the_axes():
    labels = [f"a-long-point-label-{i}" for i in range(len(DATES))]
    fig = plots.band_figure(
        DATES, VALUES, None, title="t", y_label="USD per million tokens", source_line="s", point_labels=labels
    )
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().startswith("a-long-point-label")]
    assert len(texts) == len(DATES) and all(_bbox_inside(fig, t, ax) for t in texts)


def test_dollar_axis_under_a_decade_has_plain_dollar_ticks():
    vals = [12.3, 11.0, 9.8, 8.0, 6.9]
    fig = plots.band_figure(DATES[:5], vals, None, title="t", y_label="USD per GPU-hour", source_line="s")
    ax = fig.axes[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all(t.startswith("$") for t in labels), labels
    assert not any("10^" in t or "times" in t for t in labels)


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
    fig = plots.claims_figure(rows, source_line="s")
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("lower bound" in t for t in legend) and any("upper bound" in t for t in legend)
    assert any("rounded" in t for t in legend) and any("no interval" in t for t in legend)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "point, no interval" in ticks[0] and "point" not in ticks[1]


def test_demand_curve_figure_is_log_log_and_says_association():
    prices = [2.0, 1.5, 1.0, 0.6, 0.3]
    tokens = [1e12, 1.4e12, 2e12, 3.5e12, 7e12]
    fig = plots.demand_curve_figure(
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
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "not a causal elasticity" in legend and "-0.90" in legend and "-1.20 to -0.60" in legend


def test_a_claim_judged_on_measures_is_drawn_as_a_range_not_an_interval():
    fig = plots.claims_figure(
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
    ax = fig.axes[0]
    assert "149 measures" in ax.get_yticklabels()[0].get_text()
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "range of the measures" in legend and "90% interval" not in legend
