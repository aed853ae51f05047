"""Every rule name `quarantine.rule` may record, each with its one-line meaning.

A rejected row names the rule it broke. The names come from four places: the cell parsers
of `sources/cells.py` (one fixed name per kind of cell: a bad date is `date_parses` in every
adapter), the checks an adapter makes across a row or a file, the contracts'
`@pa.dataframe_check`s, and the store itself. A contract's *column* check is recorded as
`<column>:<check>` (`bound:isin([...])`, `value:greater_than_or_equal_to(0)`) and a check
across columns as `<Contract>:<check>` (`Figure:value_finite`): `is_known_rule` matches both
forms (`CONTRACT_COLUMN_RULE`, `CONTRACT_CHECK_RULE`). docs/quarantine-rules.md is
this list for people; `tests/test_rule_names.py` keeps the two equal and checks that every
rule a full refresh records is here.

Decisions:
* The list lives in `warehouse/` (the quarantine table's allowed values, like any other
  vocabulary) so `sources/` imports the names from here and the arrow runs one way.
* Cell rules name the *kind* of failure, never the column (`number_parses`, not
  `price_numeric`): the reason says which column and what it held. Rules that carry domain
  meaning (`token_price_present`: an entry states no token price at all) keep their names.
"""

from __future__ import annotations

import re

# --- cell parsers (sources/cells.py): one rule per kind of cell -----------------------------
VALUE_PRESENT = "value_present"
NUMBER_PARSES = "number_parses"
NUMBER_FINITE = "number_finite"
NUMBER_NON_NEGATIVE = "number_non_negative"
NUMBER_POSITIVE = "number_positive"
DATE_PARSES = "date_parses"
URL_VALID = "url_valid"

CELL_RULES: dict[str, str] = {
    VALUE_PRESENT: "a required cell is empty",
    NUMBER_PARSES: "a cell that must hold a number holds something else",
    NUMBER_FINITE: "a number is NaN or infinite where a measured or cited value must be finite",
    NUMBER_NON_NEGATIVE: "a magnitude (price, count, latency, stderr) is negative",
    NUMBER_POSITIVE: "a quantity that must be above zero (a spec, a rental price) is zero or negative",
    DATE_PARSES: "a date cell is not a date in the format its file uses (ISO YYYY-MM-DD unless stated)",
    URL_VALID: "a URL cell is not an absolute URL with an allowed scheme (https for cited pages)",
}

# --- rules an adapter checks across a row or a file ---------------------------------------
ADAPTER_RULES: dict[str, str] = {
    # registry and citations
    "unknown_field": "a registry record has a field the source table does not have",
    "snapshot_exists": "a registry record names a snapshot file the package does not hold",
    "snapshot_sha256": "a registered snapshot file no longer hashes to its recorded sha256",
    # demand, Epoch LLM prices
    "bound_known": "a bound is not one of = > < ~",
    "figure_unique": "the same page, series and date appear twice",
    "share_in_range": "a market share is outside 0..1",
    "author_week_unique": "an author appears twice in one week label",
    "overlapping_week": "a weekly label overlaps the previous kept week",
    "partial_week": "a week's total is too small to be a complete week",
    "share_mismatch": "shares of a week do not sum to one within tolerance",
    "obs_unique": "the same model and date appear twice in one file",
    "score_in_range": "a benchmark score is outside 0..100",
    # hardware
    "attribute_known": "a gpu_spec attribute is not one of the catalogued attributes",
    "attribute_shape": "a spec row's unit, precision, sparsity or compute unit disagree with its attribute",
    "unique_name": "a chip name appears twice in Epoch's file; the later row is not used",
    "bound": "a rental price bound is not one of the allowed bounds",
    "pricing_kind": "a rental price kind is not one of the catalogued kinds",
    # token prices
    "token_price_present": "a price entry states no token price at all",
    "price_present": "a rental row states none of the prices it could (on-demand, 1-year, 3-year, purchase)",
    "price_known": "a feed states a variable price (-1), which is not a price",
    "price_unit_plausible": "a per-token price is implausibly large for its unit (likely per-million already)",
    "model_object": "a feed entry is not a JSON object",
    "spec_object": "a LiteLLM entry is not a JSON object",
    "pricing_present": "a feed entry has no pricing object",
    "text_field": "a feed field that must be text is another JSON type",
    "created_timestamp": "a feed's created time is not a unix time",
    "date_basis_known": "a cited price's date basis is not one of the known bases",
    "date_basis_consistent": "a cited price's date and date basis contradict each other",
    "effective_to_after_from": "a price's end date is not after its start date",
    "source_class_known": "a source class is not primary, copy or secondary",
    "event_known": "a models.dev change-log event is not one of the known events",
    "model_named": "a row names no model (or a model the mapping does not know)",
    # scores
    "model_unique": "a model name is mapped twice",
    "key_format": "a model key has spaces",
    "reasoning_flag": "is_reasoning is not true/false",
    "score_range": "a score is outside its scale",
    "run_succeeded": "a benchmark-stitching run did not succeed",
    # benchmarks
    "out_of_range": "a stated number is beyond 2**53: no real measure",
    "count_out_of_range": "a count is beyond any real run",
    "wrong_type": "a value has the wrong JSON type for its column",
    "all_requests_failed": "no request of a run succeeded",
    "unit_unknown": "a metric's unit is not ms, ns or s",
    "error_codes_parse": "llmperf's error-code counts are not a dict literal",
    "scenario_mismatch": "an MLPerf result's location and scenario column disagree",
    "json_parse": "a line of a JSON-lines file is not JSON",
    "request_arrays": "per-request arrays of a result differ in length",
    "not_the_format": "a file is not the format its parser reads",
    "nesting_too_deep": "JSON or literals nested thousands of levels deep",
    "malformed_value": "a list, text or object where a parser needs a number",
    "parse": "a whole file could not be parsed (the reason names the parser's error)",
    "unreadable": "a file was refused before reading (not a regular file, over the size cap)",
    "file_failed": "an unexpected error while importing a file; its partial writes were undone",
    "negative_latency": "a per-request latency is negative",
    "non_finite_latency": "a per-request latency is NaN or infinite",
    "ttft_after_e2el": "a request's time to first token is after its end-to-end latency",
    "latency_placeholder": "a successful request has an end-to-end latency of 0 (a placeholder)",
    "missing_latency": "a successful request states no latency",
    "negative_tokens": "a request's token count is negative",
    "missing_run_id": "a per-request row names no run",
}

# --- checks on a whole row in the contracts (warehouse/contracts*.py) ------------------------
CONTRACT_RULES: dict[str, str] = {
    "value_present_unless_range": "a figure has no value and is not a range",
    "value_finite": "a figure's value is NaN or infinite",
    "value_non_negative": "a benchmark statistic is negative",
    "value_positive": "a value that must be above zero is not",
    "range_has_low_and_high": "a range figure lacks its low or high, or low > high",
    "period_start_before_end": "a period starts after it ends",
    "link_not_self": "a corroboration link points a figure at itself",
    "agrees_iff_no_differences": "a link says it agrees yet names differences, or the reverse",
    "some_token_price": "a token price row states no price",
    "blend_matches_rule": "a blended price is not the 3:1 blend of its input and output prices",
    "effective_to_not_before_from": "a price ends before it starts",
    "unknown_start_only_without_date": "a price with a start date says its start is unknown",
    "source_end_after_start": "a source-stated end date is not after the start",
    "dates_ordered": "dates of a row are out of order",
    "window_ordered": "a window's start is after its end",
    "sku_catalogued": "a GPU SKU is not in the catalogue",
    "sku_has_specs": "a GPU SKU has no spec rows",
    "unit_matches_attribute": "a spec's unit is not its attribute's unit",
    "flops_flags_explicit": "a FLOPS spec does not state precision, sparsity and compute unit",
    "derived_only_for_dense_tensor": "a spec is derived from sparse figures but is not dense tensor",
    "shader_never_sparse_or_derived": "a shader FLOPS spec is sparse or derived",
    "release_date_has_date": "a release-date spec has no date",
    "counts_add_up": "a run's completed, failed and rejected counts do not add up to requests sent",
    "counts_within_file_totals": "a run's counts exceed the file's totals",
    "percentiles_ordered": "a run's latency percentiles are not in order",
    "measures_finite": "a measure is NaN or infinite",
    "non_negative_measures": "a measure is negative",
    "rate_mode_has_rate": "a fixed-rate run states no target rate",
    "interval_contains_estimate": "a confidence interval does not contain its estimate",
    "fit_interval_contains_estimate": "a fit's interval does not contain its estimate",
    "bands_nest": "prediction bands do not contain confidence bands",
    "a_slope_or_a_reason": "a fit has neither a slope nor a reason for having none",
    "fit_ok_iff_unflagged": "a fit's status disagrees with its flags",
    "every_point_cites_a_price": "a fit point names no price figure",
    "testable_has_evidence": "a testable claim check has no evidence",
    "untestable_says_what_would_test_it": "an untestable claim check does not say what would test it",
}

# --- the store and the citation store's writers ----------------------------------------------
STORE_RULES: dict[str, str] = {
    "schema": "the frame does not match the contract's columns or types (every row of the write)",
    "source_registered": "a row names a source_id the source registry does not hold",
    "figure_exists": "a citation names a figure that is not stored",
    "figure_stored": "a row's figure was itself quarantined",
    "lineage_resolves": "a lineage row names a figure that is not stored",
    "link_figures_exist": "a corroboration link names a figure that is not stored",
    "link_unique": "the same link appears twice",
    "relation_known": "a link's relation is not one of the known relations",
    "declared_is_readable": "a link's declared outcome is not `agrees` or `differs: ...`",
    "declared_agreement_holds": "the agreement check does not find what the link file declares",
    "flag_known": "a flag is not one of the known flags",
    "flag_figure_exists": "a flag names a figure that is not stored",
    "cited_source_registered": "a statement cites a source the registry does not hold",
}

RULES: dict[str, str] = CELL_RULES | ADAPTER_RULES | CONTRACT_RULES | STORE_RULES

#: A contract's column check, recorded by the store as `<column>:<pandera check>`.
CONTRACT_COLUMN_RULE = re.compile(r"^[a-z][a-z0-9_]*:[a-z_]+(\(.*\))?$", re.DOTALL)
#: A contract's check across columns, recorded as `<Contract>:<check name>` (`Figure:value_finite`).
CONTRACT_CHECK_RULE = re.compile(r"^[A-Z][A-Za-z0-9]*:([a-z0-9_]+)$")


def is_known_rule(rule: str) -> bool:
    """Whether `rule` is a listed name, a contract's `<column>:<check>`, or a listed
    contract check as the store records it (`<Contract>:<check>`)."""
    if rule in RULES or CONTRACT_COLUMN_RULE.match(rule):
        return True
    check = CONTRACT_CHECK_RULE.match(rule)
    return check is not None and check.group(1) in CONTRACT_RULES
