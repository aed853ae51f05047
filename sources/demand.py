"""Demand for inference: cited demand figures and the OpenRouter weekly scrape.

`demand_series.csv` (curated by the infernomics team): one row per cited figure, with the
date it describes (`period_end_date`), value in base units, unit, bound (`=`, `>` "over",
`~` "about"), the page it was read on (title, publisher, URL, date) and the verbatim
quote. Every distinct URL becomes a source; a row becomes a figure
`<source_id>/<series>/<period_end_date>`.

Source class. The page a row quotes is usually not the company's own statement:
- primary: the page's publisher made the statement (Deloitte's estimates on deloitte.com,
  Epoch AI's estimates on epoch.ai, the a16z/OpenRouter study's own OpenRouter numbers on
  a16z.com);
- secondary: everything else (news, transcript reposts, blogs quoting an earnings call;
  `notes` names the primary statement). a16z quoting OpenAI's API volume is secondary.

Same datum twice. Two rows of one series with the same date are one datum reported twice
(Google's "over 980 trillion" and "almost one quadrillion" for June 2025). Both are kept
as figures; the fit uses one, preferring an exact value (`=`) over `~` over `>`; the
other is marked `duplicate_of`. Rows marked `>` are lower bounds: fitting them as points
biases a rate, so fits count them in a flag.

`openrouter_weekly_tokens_by_author.csv` (third-party scrape, secondary, unverified):
`Date, Author, Tokens` (billions of tokens), `Share`. Its week labels come in two
interleaved runs a day apart (Sunday and Monday captures of overlapping 7-day windows),
some weeks are partial, and a few shares do not match their tokens. The week table
keeps every label with `flags`; a label is fit-worthy only when it is unflagged:
- `overlapping_week`: less than 7 days after the previous kept label (same week
  captured twice);
- `partial_week`: total under half the median of the up to six neighbouring kept weeks
  (three each side, so two partial weeks in a row do not hide each other);
- `share_mismatch`: shares do not sum to 1 within 1%, or an author's share differs from
  its tokens / week total by more than 0.005 (the scrape mixed two captures).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

from sources import cells
from warehouse.tables import SOURCE

DATA_DIR = "demand"
SERIES_FILE = "demand_series.csv"
SCRAPE_FILE = "openrouter_weekly_tokens_by_author.csv"
SCRAPE_SOURCE_ID = "openrouter-rankings-scrape-kenneth-top"
SERIES_COLUMNS = [
    "series",
    "period_end_date",
    "value",
    "unit",
    "bound",
    "source_title",
    "publisher",
    "published_date",
    "source_url",
    "quote",
    "notes",
]
BOUND_PREFERENCE = {"=": 0, "~": 1, ">": 2, "<": 3}
PRIMARY_DOMAINS = {"deloitte.com": None, "epoch.ai": None, "a16z.com": "openrouter_"}

SERIES_SCHEMA = {
    "figure_id": pl.String,
    "source_id": pl.String,
    "series": pl.String,
    "period_end_date": pl.Date,
    "value": pl.Float64,
    "unit": pl.String,
    "bound": pl.String,
    "source_title": pl.String,
    "publisher": pl.String,
    "published_date": pl.Date,
    "url": pl.String,
    "quote": pl.String,
    "notes": pl.String,
    "source_class": pl.String,
    "duplicate_of": pl.String,
    "_locator": pl.String,
    "_raw": pl.String,
    "_errors": pl.List(pl.String),
}


def _domain(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def source_id_for(url: str) -> str:
    """`<domain>-<8 hex of sha1(url)>`: readable, stable, one per distinct page."""
    host = re.sub(r"[^a-z0-9.-]+", "-", _domain(url)) or "unknown"
    return f"{host}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def source_class_for(url: str, series: str) -> str:
    dom = _domain(url)
    for primary, series_prefix in PRIMARY_DOMAINS.items():
        if dom == primary or dom.endswith("." + primary):
            if series_prefix is None or series.startswith(series_prefix):
                return "primary"
    return "secondary"


def _csv_reader(data: bytes | str | Path, name: str, required) -> csv.DictReader:
    """Rows of a CSV given as a path, bytes or text (a byte-order mark is dropped); a file
    missing a required column is refused whole, naming the columns."""
    if isinstance(data, Path):
        data = data.read_bytes()
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}")
    return reader


def parse_series(data: bytes | str | Path) -> pl.DataFrame:
    """Parse demand_series.csv into figure-shaped rows (see SERIES_SCHEMA)."""
    reader = _csv_reader(data, SERIES_FILE, SERIES_COLUMNS)
    rows = []
    for line_no, rec in enumerate(reader, start=2):
        errors: list[str] = []
        end = cells.date(rec["period_end_date"], "period_end_date", errors, required=True)
        pub = cells.date(rec["published_date"], "published_date", errors)
        value = cells.number(rec["value"], "value", errors, required=True, minimum="non_negative")
        bound = rec["bound"].strip()
        if bound not in BOUND_PREFERENCE:
            errors.append(f"bound_known: bound is {bound!r}, expected one of = > < ~")
        url = cells.url(rec["source_url"], "source_url", errors, required=True) or rec["source_url"].strip()
        cells.present(rec["quote"], "quote", errors, what="a cited figure needs its verbatim quote")
        series = rec["series"].strip()
        sid = source_id_for(url)
        rows.append(
            {
                "figure_id": f"{sid}/{series}/{end or 'nodate-' + str(line_no)}",
                "source_id": sid,
                "series": series,
                "period_end_date": end,
                "value": value,
                "unit": rec["unit"].strip(),
                "bound": bound,
                "source_title": rec["source_title"].strip(),
                "publisher": rec["publisher"].strip(),
                "published_date": pub,
                "url": url,
                "quote": rec["quote"].strip(),
                "notes": rec["notes"].strip() or None,
                "source_class": source_class_for(url, series),
                "duplicate_of": None,
                "_locator": f"sources/data/{DATA_DIR}/{SERIES_FILE}:{line_no}",
                "_raw": json.dumps(rec, ensure_ascii=False),
                "_errors": errors,
            }
        )
    frame = pl.DataFrame(rows, schema=SERIES_SCHEMA)
    frame = frame.with_columns(
        pl.when(pl.col("figure_id").is_duplicated())
        .then(pl.col("_errors").list.concat(pl.lit(["figure_unique: same page, series and date twice"])))
        .otherwise(pl.col("_errors"))
        .alias("_errors")
    )
    return _mark_duplicates(frame)


def _mark_duplicates(frame: pl.DataFrame) -> pl.DataFrame:
    """Within (series, date), the preferred bound is kept for fits; others point to it."""
    ranked = frame.with_columns(
        pl.col("bound").replace_strict(BOUND_PREFERENCE, default=9, return_dtype=pl.Int32).alias("_rank"),
        pl.int_range(pl.len()).alias("_i"),
    )
    keep = (
        ranked.sort(["series", "period_end_date", "_rank", "_i"])
        .group_by(["series", "period_end_date"], maintain_order=True)
        .agg(pl.col("figure_id").first().alias("_keeper"))
    )
    out = ranked.join(keep, on=["series", "period_end_date"], how="left", nulls_equal=True)
    out = out.with_columns(
        pl.when(pl.col("_keeper") != pl.col("figure_id")).then(pl.col("_keeper")).otherwise(None).alias("duplicate_of")
    )
    return out.sort("_i").drop("_rank", "_i", "_keeper")


def series_sources(frame: pl.DataFrame, date_accessed: dt.date | None = None) -> pl.DataFrame:
    """One source record per distinct page (the `source` table, `warehouse.tables.SOURCE`)."""
    recs = {}
    for r in frame.filter(pl.col("url").is_not_null()).iter_rows(named=True):
        if r["source_id"] in recs:
            continue
        recs[r["source_id"]] = dict(
            source_id=r["source_id"],
            kind="web_page",
            title=r["source_title"] or r["url"],
            publisher=r["publisher"] or _domain(r["url"]),
            citation_full=f'{r["publisher"]}, "{r["source_title"]}", {r["published_date"] or "n.d."}, {r["url"]}',
            url=r["url"],
            date_published=r["published_date"],
            date_accessed=date_accessed,
            source_class=r["source_class"],
            notes="Curated into sources/data/demand/demand_series.csv; see each figure's notes "
            "for the primary statement it quotes.",
        )
    return SOURCE.frame(list(recs.values()))


def series_figures(frame: pl.DataFrame) -> pl.DataFrame:
    """The valid rows in the shape of the `figure` table (kind observed, unverified)."""
    good = frame.filter(pl.col("_errors").list.len() == 0)
    same = (
        pl.when(pl.col("duplicate_of").is_not_null())
        .then(pl.lit("; same datum as ") + pl.col("duplicate_of"))
        .otherwise(pl.lit(""))
    )
    return good.select(
        "figure_id",
        "source_id",
        pl.lit("demand_").add(pl.col("series")).alias("metric"),
        pl.lit("demand_series").alias("entity_kind"),
        pl.col("series").alias("entity"),
        "value",
        "unit",
        "bound",
        pl.col("period_end_date").alias("as_of"),
        pl.lit(None, pl.Date).alias("period_start"),
        pl.col("period_end_date").alias("period_end"),
        pl.lit(None, pl.String).alias("page"),
        pl.col("_locator").alias("locator"),
        "quote",
        pl.col("notes").alias("qualifier"),
        pl.lit("observed").alias("kind"),
        pl.lit("unverified").alias("verification"),
        pl.lit(None, pl.String).alias("formula"),
        pl.concat_str([pl.lit("source class: "), pl.col("source_class"), same]).alias("notes"),
    )


SCRAPE_SCHEMA = {
    "figure_id": pl.String,
    "week_label": pl.Date,
    "author": pl.String,
    "tokens": pl.Float64,
    "share": pl.Float64,
    "_locator": pl.String,
    "_raw": pl.String,
    "_errors": pl.List(pl.String),
}


def parse_openrouter(data: bytes | str | Path) -> pl.DataFrame:
    """Author rows of the weekly scrape; tokens in base units (the file has billions)."""
    reader = _csv_reader(data, SCRAPE_FILE, ("Date", "Author", "Tokens", "Share"))
    rows = []
    for line_no, rec in enumerate(reader, start=2):
        errors: list[str] = []
        week = cells.date(rec["Date"], "Date", errors, required=True)
        author = cells.present(rec["Author"], "Author", errors) or ""
        billions = cells.number(rec["Tokens"], "Tokens", errors, required=True, minimum="non_negative")
        tokens = None if billions is None else billions * 1e9
        share = cells.number(rec["Share"], "Share", errors, required=True)
        if share is not None and not 0 <= share <= 1:
            errors.append(f"share_in_range: Share is {share}")
        rows.append(
            {
                "figure_id": f"{SCRAPE_SOURCE_ID}/{week or 'nodate-' + str(line_no)}/{author}/tokens",
                "week_label": week,
                "author": author,
                "tokens": tokens,
                "share": share,
                "_locator": f"sources/data/{DATA_DIR}/{SCRAPE_FILE}:{line_no}",
                "_raw": json.dumps(rec, ensure_ascii=False),
                "_errors": errors,
            }
        )
    frame = pl.DataFrame(rows, schema=SCRAPE_SCHEMA)
    return frame.with_columns(
        pl.when(pl.col("figure_id").is_duplicated())
        .then(pl.col("_errors").list.concat(pl.lit(["author_week_unique: author twice in one week label"])))
        .otherwise(pl.col("_errors"))
        .alias("_errors")
    )


def openrouter_weeks(rows: pl.DataFrame, partial_ratio: float = 0.5) -> pl.DataFrame:
    """Weekly totals with flags (rules in the module docstring); `fit_ok` = no flags."""
    good = rows.filter(pl.col("_errors").list.len() == 0)
    weeks = (
        good.group_by("week_label")
        .agg(
            pl.col("tokens").sum().alias("tokens"),
            pl.col("share").sum().alias("share_sum"),
            pl.len().alias("authors"),
            pl.col("figure_id").alias("input_figure_ids"),
            ((pl.col("share") - pl.col("tokens") / pl.col("tokens").sum()).abs().max()).alias("share_gap"),
        )
        .sort("week_label")
    )
    labels = weeks["week_label"].to_list()
    totals = weeks["tokens"].to_list()
    flags: list[list[str]] = [[] for _ in labels]
    kept: list[int] = []
    for i, d in enumerate(labels):
        if kept and (d - labels[kept[-1]]).days < 7:
            flags[i].append(f"overlapping_week: {(d - labels[kept[-1]]).days} day(s) after {labels[kept[-1]]}")
        else:
            kept.append(i)
    for pos, i in enumerate(kept):
        neigh = [totals[j] for j in kept[max(0, pos - 3) : pos] + kept[pos + 1 : pos + 4]]
        if neigh:
            neigh.sort()
            med = (
                neigh[len(neigh) // 2] if len(neigh) % 2 else (neigh[len(neigh) // 2 - 1] + neigh[len(neigh) // 2]) / 2
            )
            if totals[i] < partial_ratio * med:
                flags[i].append(
                    f"partial_week: total {totals[i] / 1e12:.2f}T is under {partial_ratio:.0%} "
                    f"of neighbouring weeks' median {med / 1e12:.2f}T"
                )
    for i, r in enumerate(weeks.iter_rows(named=True)):
        if abs(r["share_sum"] - 1) > 0.01 or r["share_gap"] > 0.005:
            flags[i].append(
                f"share_mismatch: shares sum to {r['share_sum']:.3f}, largest gap between "
                f"share and tokens/total {r['share_gap']:.3f}"
            )
    return weeks.with_columns(
        pl.Series("flags", flags, dtype=pl.List(pl.String)),
        pl.Series("fit_ok", [not f for f in flags]),
        (pl.lit(f"{SCRAPE_SOURCE_ID}/") + pl.col("week_label").cast(pl.String) + pl.lit("/total/tokens")).alias(
            "figure_id"
        ),
    )


def series_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows for `demand_observation` (with the parser's bookkeeping columns for `store`)."""
    return frame.select(
        "figure_id",
        "source_id",
        "series",
        "period_end_date",
        "value",
        "unit",
        "bound",
        "source_class",
        "duplicate_of",
        "_locator",
        "_raw",
        "_errors",
    )


def openrouter_author_figures(rows: pl.DataFrame) -> pl.DataFrame:
    """One observed figure per author and week label (tokens per week, base units)."""
    good = rows.filter(pl.col("_errors").list.len() == 0)
    return good.select(
        "figure_id",
        pl.lit(SCRAPE_SOURCE_ID).alias("source_id"),
        pl.lit("openrouter_weekly_tokens_by_author").alias("metric"),
        pl.lit("model_author").alias("entity_kind"),
        pl.col("author").alias("entity"),
        pl.col("tokens").alias("value"),
        pl.lit("tokens/week").alias("unit"),
        pl.lit("=").alias("bound"),
        pl.col("week_label").alias("as_of"),
        pl.col("week_label").alias("period_end"),
        pl.col("_locator").alias("locator"),
        pl.col("_raw").alias("quote"),
        pl.lit("third-party scrape of openrouter.ai/rankings; file gives billions of tokens").alias("qualifier"),
        pl.lit("observed").alias("kind"),
        pl.lit("unverified").alias("verification"),
    )


def week_table(weeks: pl.DataFrame) -> pl.DataFrame:
    return weeks.select(
        "week_label",
        "figure_id",
        pl.lit(SCRAPE_SOURCE_ID).alias("source_id"),
        "tokens",
        "share_sum",
        pl.col("authors").cast(pl.Int64),
        "flags",
        "fit_ok",
    )


def author_table(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        "figure_id",
        pl.lit(SCRAPE_SOURCE_ID).alias("source_id"),
        "week_label",
        "author",
        "tokens",
        "share",
        "_locator",
        "_raw",
        "_errors",
    )
