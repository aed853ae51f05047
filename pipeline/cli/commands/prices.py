"""`infernomics prices`: token prices on a date, cheapest per provider or capability tier,
a model's history, conflicts between sources, stale feeds and unmapped model names."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from pipeline.cli.common import Rows, UserError, add_command, print_rows, query_rows, warehouse_from

if TYPE_CHECKING:  # polars only for --by tier and stale; the other actions print DuckDB rows
    import polars as pl

ACTIONS = ("on", "cheapest", "history", "conflicts", "stale", "unmapped")
DATED = ("on", "cheapest")
#: Capability tiers from MMLU (Epoch AI / Artificial Analysis scores, the trends family's table); the
#: floors are the trend series' `analysis.trends.market_series.MMLU_TIER_FLOORS`.
MMLU_TIERS = [
    (85.0, "A: MMLU >= 85"),
    (75.0, "B: MMLU 75-85"),
    (65.0, "C: MMLU 65-75"),
    (float("-inf"), "D: MMLU < 65"),
]
CAPABILITY_TABLE = "llm_price_observation"
PRICE_COLUMNS = (
    "provider_id, model_key, model, condition, effective_from, effective_to, date_basis, "
    "input_usd_per_mtok AS input, output_usd_per_mtok AS output, blended_usd_per_mtok AS blended_3to1, "
    "blended_1to1_usd_per_mtok AS blended_1to1, source_id, figure_ids"
)


def prices(args: argparse.Namespace) -> int:
    """Token prices: what a model cost on a date, and where each number comes from.

    actions:
      on         every price that held on DATE (standard list prices unless --all-conditions)
      cheapest   the cheapest model on DATE, --by provider (default) or by capability tier
      history    every stored price of --model-key, all sources, oldest first
      conflicts  sources that disagree on the same model, provider and dates (relative difference)
      stale      freshness of each price source (live feeds: stale since when)
      unmapped   model names no alias rule could map to a canonical key

    Prices are USD per million tokens; blended_3to1 weights 3 input tokens per output token
    (blended_1to1 is the plain average). `infernomics audit FIGURE_ID` shows any figure's source.
    Tiers come from MMLU scores in the trends family's Epoch AI table (A >= 85, B 75-85,
    C 65-75, D < 65); models without a score are left out of --by tier.

    example:
      infernomics prices on 2024-06-01 --model-key gpt-4o
      infernomics prices on 2024-06-01 --provider anthropic
      infernomics prices cheapest 2025-01-15 --by provider
      infernomics prices cheapest 2025-01-15 --by tier --format markdown
      infernomics prices history --model-key claude-3.5-haiku
      infernomics prices conflicts
      infernomics prices stale
    """
    if args.provider and args.action not in DATED:
        raise UserError(f"`prices {args.action}` has no --provider filter; it filters: {', '.join(DATED)}")
    if args.day and args.action not in DATED:
        raise UserError(f"`prices {args.action}` takes no date (got {args.day!r}); dates go with: {', '.join(DATED)}")
    with warehouse_from(args).reader() as con:
        frame = ACTION_FUNCS[args.action](con, args)
    print_rows(frame.columns, frame.rows(), args.format)
    return 0


def _date(args: argparse.Namespace) -> str:
    """The date of `on` / `cheapest`: positional (`prices on 2024-06-01`) or --date."""
    given = [d for d in (args.day, args.date) if d]
    if not given:
        raise UserError(f"`prices {args.action}` needs a date: infernomics prices {args.action} YYYY-MM-DD")
    if len(set(given)) > 1:
        raise UserError(f"two different dates given ({args.day} and --date {args.date}); give one")
    try:
        return dt.date.fromisoformat(given[0]).isoformat()
    except ValueError:
        raise UserError(f"{given[0]!r} is not a date (YYYY-MM-DD)") from None


def _known(con, column: str, value: str | None, flag: str) -> None:
    """Refuse a --model-key / --provider value that no stored price has, with near matches."""
    if not value:
        return
    if con.execute(f"SELECT count(*) FROM token_price WHERE {column} = ?", [value]).fetchall()[0][0]:
        return
    import difflib

    known = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT {column} FROM token_price WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    near = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    hint = (
        f"did you mean {', '.join(near)}?"
        if near
        else f'list them with: infernomics sql "SELECT DISTINCT {column} FROM token_price ORDER BY 1"'
    )
    raise UserError(f"no stored price has {flag} {value!r}; {hint}")


def _providers(con, args) -> list[str] | None:
    """--provider as a case-insensitive substring of provider ids; says on stderr which matched."""
    if not args.provider:
        return None
    from infernomics._names import match_names
    from infernomics.errors import Error

    try:
        matched = match_names(con, "token_price", "provider_id", args.provider, "--provider")
    except Error as err:
        raise UserError(str(err)) from None
    print(f"--provider {args.provider!r} matched: {', '.join(matched)}", file=sys.stderr)
    return matched


def _on(con, args) -> Rows | pl.DataFrame:
    _known(con, "model_key", args.model_key, "--model-key")
    where, params = ["TRUE"], [_date(args)]
    providers = _providers(con, args)
    if not args.all_conditions:
        where.append("is_standard")
    if args.model_key:
        where.append("model_key = ?")
        params.append(args.model_key)
    if providers:
        where.append("list_contains(?, provider_id)")
        params.append(providers)
    return query_rows(
        con,
        f"SELECT {PRICE_COLUMNS} FROM price_on(?) WHERE {' AND '.join(where)} "
        "ORDER BY model_key, provider_id, source_id",
        params,
    )


def _cheapest(con, args) -> Rows | pl.DataFrame:
    day = _date(args)
    providers = _providers(con, args)
    if args.by == "provider":
        return query_rows(
            con,
            f"SELECT {PRICE_COLUMNS} FROM cheapest_by_provider(?) "
            "WHERE ? IS NULL OR list_contains(?, provider_id) ORDER BY blended_3to1",
            [day, providers, providers],
        )
    from warehouse import query_frame

    tiers = _tiers(con)
    con.register("_model_tier", tiers.to_arrow())
    try:
        return query_frame(
            con,
            f"""
            SELECT t.tier, t.mmlu, {PRICE_COLUMNS} FROM price_on(?) p JOIN _model_tier t USING (model_key)
            WHERE p.is_standard AND p.blended_usd_per_mtok IS NOT NULL
              AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], p.provider_id))
            QUALIFY row_number() OVER (PARTITION BY t.tier ORDER BY p.blended_usd_per_mtok, p.model_key) = 1
            ORDER BY t.tier""",
            [day, providers, providers],
        )
    finally:
        con.unregister("_model_tier")


def _tiers(con) -> pl.DataFrame:
    """model_key -> tier from the best MMLU score the trends family stored for that key."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [CAPABILITY_TABLE]
    ).fetchall()[0][0]
    if not exists:
        raise UserError(
            f"tiering needs capability scores: table {CAPABILITY_TABLE} (trends family, Epoch AI data) "
            "is not in this warehouse; refresh the trends assets first, or use --by provider"
        )
    import polars as pl

    from sources.token_prices.models import canonical_model_key
    from warehouse import query_frame

    scores = query_frame(
        con, f"SELECT model, max(mmlu) AS mmlu FROM {CAPABILITY_TABLE} WHERE mmlu IS NOT NULL GROUP BY model"
    )
    if scores.is_empty():
        raise UserError(
            f"tiering needs capability scores: table {CAPABILITY_TABLE} (trends family, Epoch AI data) "
            "has no MMLU scores in this warehouse; refresh the trends assets first, or use --by provider"
        )
    keyed = scores.with_columns(
        pl.col("model").map_elements(canonical_model_key, return_dtype=pl.String).alias("model_key")
    )
    keyed = keyed.drop_nulls("model_key").group_by("model_key").agg(pl.col("mmlu").max())
    tier = pl.lit(MMLU_TIERS[-1][1])
    for floor, name in reversed(MMLU_TIERS[:-1]):
        tier = pl.when(pl.col("mmlu") >= floor).then(pl.lit(name)).otherwise(tier)
    return keyed.with_columns(tier.alias("tier"))


def _history(con, args) -> Rows | pl.DataFrame:
    if not args.model_key:
        raise UserError("`prices history` needs --model-key KEY (e.g. gpt-4o)")
    _known(con, "model_key", args.model_key, "--model-key")
    return query_rows(
        con,
        """
        SELECT provider_id, model, condition, effective_from, effective_to, date_basis, end_basis,
               input_usd_per_mtok AS input, output_usd_per_mtok AS output, blended_usd_per_mtok AS blended_3to1,
               source_id, source_class, price_id
        FROM token_price WHERE model_key = ? AND (is_standard OR ?)
        ORDER BY effective_from NULLS FIRST, provider_id, source_id""",
        [args.model_key, args.all_conditions],
    )


def _conflicts(con, args) -> Rows | pl.DataFrame:
    _known(con, "model_key", args.model_key, "--model-key")
    where = "WHERE model_key = ?" if args.model_key else ""
    return query_rows(
        con,
        f"""
        SELECT provider_id, model_variant, overlap_from, overlap_to, source_a, class_a, source_b, class_b,
               input_a, input_b, round(input_rel_diff, 4) AS input_rel_diff,
               output_a, output_b, round(output_rel_diff, 4) AS output_rel_diff
        FROM price_conflict {where}
        ORDER BY greatest(coalesce(input_rel_diff, 0), coalesce(output_rel_diff, 0)) DESC""",
        [args.model_key] if args.model_key else [],
    )


def _stale(con, args) -> pl.DataFrame:
    from pipeline.steps.token_prices.load import freshness

    return freshness(con, args.max_age_hours).select(
        "source_id", "freshness", "last_success_at", "last_attempt_at", "last_status", "last_message"
    )


def _unmapped(con, args) -> Rows | pl.DataFrame:
    return query_rows(con, "SELECT source_id, provider_id, model, rule FROM model_alias_unmapped")


ACTION_FUNCS = {
    "on": _on,
    "cheapest": _cheapest,
    "history": _history,
    "conflicts": _conflicts,
    "stale": _stale,
    "unmapped": _unmapped,
}


def register(subparsers) -> None:
    parser = add_command(subparsers, "prices", prices, tabular=True)
    parser.add_argument("action", choices=ACTIONS, help="what to show (see above)")
    parser.add_argument("day", nargs="?", metavar="DATE", help="YYYY-MM-DD for on and cheapest (or --date)")
    parser.add_argument("--date", help="YYYY-MM-DD (for on, cheapest): the same as the positional DATE")
    parser.add_argument(
        "--by", choices=("provider", "tier"), default="provider", help="cheapest per provider or per tier"
    )
    parser.add_argument("--model-key", help="canonical model key, e.g. gpt-4o, claude-3.5-sonnet")
    parser.add_argument(
        "--provider", help="providers whose id contains this, case-insensitive (open: openai, openrouter)"
    )
    parser.add_argument(
        "--all-conditions",
        action="store_true",
        help="include tiered, time-window and service-tier prices, not only the standard list price",
    )
    parser.add_argument(
        "--max-age-hours", type=float, default=36.0, help="a live feed older than this is stale (stale)"
    )
