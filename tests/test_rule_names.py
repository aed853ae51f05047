"""One list of quarantine rule names (`warehouse.rules.RULES`, docs/quarantine-rules.md).

Every rule a full refresh records is in it; every rule an adapter writes into a row's
`_errors` is in it; the page for people lists exactly the same names and meanings.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import duckdb
import pandera.polars as pa
import pytest
import yaml

from warehouse.contracts_benchmarks import REQUEST_RULES
from warehouse.rules import RULES, is_known_rule

ROOT = Path(__file__).resolve().parents[1]
RULE_PREFIX = re.compile(r"^([a-z][a-z0-9_]*): ")


def test_every_rule_a_full_refresh_records_is_listed(refreshed_warehouse):
    with duckdb.connect(str(refreshed_warehouse), read_only=True) as con:
        recorded = {r[0] for r in con.execute("SELECT DISTINCT rule FROM quarantine").fetchall()}
        old_names = con.execute(
            "SELECT count(*) FROM quarantine WHERE rule IN ('date_format', 'date_parse', 'numeric', 'price_numeric')"
        ).fetchone()[0]
    assert recorded, "a full refresh quarantines real rows (undated rental prices, unnamed scores)"
    assert sorted(r for r in recorded if not is_known_rule(r)) == []
    assert {"value_present", "number_non_negative"} <= recorded
    assert old_names == 0


def _docs_table() -> dict[str, str]:
    text = (ROOT / "docs" / "quarantine-rules.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([a-z0-9_]+)` \| (.+) \|$", text, flags=re.M))


def test_the_docs_list_the_same_rules_with_the_same_meanings():
    assert _docs_table() == RULES


def _strings_written_as_row_errors(path: Path) -> list[tuple[int, str]]:
    """The leading text of every string an adapter appends to an `errors` list, puts in an
    `_errors` list, or formats with `pl.format` (the vectorised parsers' errors)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def head(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            return str(node.values[0].value)
        return None

    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        candidates: list[ast.AST] = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            target = node.func.value
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if node.func.attr == "append" and "errors" in name:
                candidates.append(node.args[0])
            if node.func.attr == "format" and name == "pl":
                candidates.append(node.args[0])
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "_errors" and isinstance(value, ast.List):
                    candidates.extend(value.elts)
        for candidate in candidates:
            text = head(candidate)
            if text and (m := RULE_PREFIX.match(text)):
                found.append((node.lineno, m.group(1)))
    return found


def test_every_rule_an_adapter_writes_is_listed():
    unlisted = [
        f"{path.relative_to(ROOT)}:{line}: {rule}"
        for path in sorted(
            [
                *ROOT.glob("sources/**/*.py"),
                *ROOT.glob("warehouse/*.py"),
                *ROOT.glob("pipeline/defs/**/*.py"),
                *ROOT.glob("pipeline/steps/**/*.py"),
            ]
        )
        for line, rule in _strings_written_as_row_errors(path)
        if rule not in RULES
    ]
    assert unlisted == []


def test_the_scan_finds_the_adapters_rules():
    """The scan above is not vacuous: it sees the domain rules the adapters write."""
    seen = {rule for path in ROOT.glob("sources/**/*.py") for _, rule in _strings_written_as_row_errors(path)}
    assert {"bound_known", "share_in_range", "token_price_present", "price_known", "attribute_known"} <= seen


def test_contract_checks_and_bulk_request_rules_are_listed():
    """Also: a check's method is named as the check, or pandera names it after the method in
    whichever subclass builds its schema second (`period_ordered` for `period_start_before_end`)."""
    names = set(REQUEST_RULES)
    for module in (
        "contracts",
        "contracts_benchmarks",
        "contracts_hardware",
        "contracts_scores",
        "contracts_token_prices",
        "contracts_trends",
    ):
        mod = importlib.import_module(f"warehouse.{module}")
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, pa.DataFrameModel) and obj is not pa.DataFrameModel:
                names |= {check.name for check in obj.to_schema().checks}
    assert sorted(names - set(RULES)) == []


@pytest.mark.parametrize(
    "rule",
    ["bound:isin(['=', '>', '<', '~', 'range'])", "value:greater_than_or_equal_to(0)", "Figure:value_finite"],
)
def test_a_contract_check_as_the_store_records_it_is_a_known_rule(rule):
    assert is_known_rule(rule)


@pytest.mark.parametrize("rule", ["as_of_is_date", "date_format", "Figure:period_ordered"])
def test_an_old_or_unlisted_name_is_not_a_known_rule(rule):
    assert not is_known_rule(rule)


def test_the_hostile_benchmark_files_break_listed_rules():
    expected = yaml.safe_load((ROOT / "tests/fixtures/benchmarks/malformed/expected.yaml").read_text())
    named = {rule for rules in expected.values() for rule in rules.split("|")}
    assert sorted(named - set(RULES)) == []
