"""`pipeline/defs/` holds Dagster definitions only (docs/ARCHITECTURE.md, "Pipeline").

Domain logic lives in `pipeline/steps/` (write steps, no Dagster; import-linter holds that
line) and `analysis/` (pure computations). A module under `pipeline/defs/` that defines no
Dagster object is logic in the wrong place: this test names it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import typing
from pathlib import Path

import dagster as dg

import pipeline.defs

DEFS = Path(pipeline.defs.__file__).parent


def _module_name(path: Path) -> str:
    return ".".join(("pipeline", "defs", *path.relative_to(DEFS).with_suffix("").parts))


def _is_dagster(value: object) -> bool:
    return type(value).__module__.split(".")[0] == "dagster" or (
        isinstance(value, type) and any(base.__module__.split(".")[0] == "dagster" for base in value.__mro__[1:])
    )


def _mentions_dagster(function: typing.Callable) -> bool:
    """Whether a function takes or returns a Dagster type (an asset's context, a check's result)."""
    try:
        hints = typing.get_type_hints(function)
    except (NameError, TypeError):
        hints = {}
    if any(str(getattr(h, "__module__", "")).startswith("dagster") for h in hints.values()):
        return True
    return "dg." in str(inspect.signature(function))


def _defined_names(module) -> set[str]:
    """Top-level names a module's own source binds (not what it imports)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def dagster_objects(module) -> list[str]:
    """Names of what a module itself defines that Dagster knows: definitions, keys, policies,
    resources, and functions whose signature is in Dagster's types."""
    found = []
    for name in sorted(_defined_names(module)):
        value = getattr(module, name)
        if inspect.isfunction(value):
            if _mentions_dagster(value):
                found.append(name)
        elif _is_dagster(value):
            found.append(name)
        elif type(value) in (list, tuple, dict):  # a module's list of keys, e.g. LOADED_FROM_FILES
            items = list(value.values() if isinstance(value, dict) else value)
            if items and all(_is_dagster(v) for v in items):
                found.append(name)
    return found


def test_every_module_under_pipeline_defs_defines_dagster_objects():
    modules = sorted(p for p in DEFS.rglob("*.py") if p.name != "__init__.py")
    assert len(modules) >= 20, modules  # the walk found the folder's modules
    without = {}
    for path in modules:
        module = importlib.import_module(_module_name(path))
        imports_dagster = any(
            (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "dagster" for a in node.names))
            or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "dagster")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
        if not imports_dagster or not dagster_objects(module):
            without[str(path.relative_to(DEFS))] = "imports no dagster" if not imports_dagster else "defines none"
    assert not without, (
        f"modules under pipeline/defs without Dagster definitions (move them to pipeline/steps or analysis): {without}"
    )


def test_packages_under_pipeline_defs_hold_only_a_docstring():
    """An `__init__.py` is where logic hides unnoticed: only a docstring, so the folder stays
    what `dg.load_from_defs_folder` loads."""
    inits = sorted(DEFS.rglob("__init__.py"))
    assert len(inits) >= 7, inits
    with_code = []
    for path in inits:
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if any(not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)) for n in body):
            with_code.append(str(path.relative_to(DEFS)))
    assert not with_code, with_code


def test_the_rule_tells_a_dagster_module_from_a_plain_one():
    """The rule above on two modules whose answer is known, so it cannot pass vacuously."""
    from analysis.trends import records
    from pipeline.defs import contract_checks, schedules

    assert dagster_objects(records) == []
    assert "stored_rows_meet_contract" in dagster_objects(contract_checks)
    assert any(isinstance(getattr(schedules, n), dg.ScheduleDefinition) for n in dagster_objects(schedules))


def test_a_key_in_keys_py_is_spelled_nowhere_else():
    """Each cross-module asset key is typed once (pipeline/defs/keys.py); a list of strings
    equal to one of its paths anywhere else under pipeline/defs is a second spelling."""
    from pipeline.defs import keys

    values = [*vars(keys).values(), *keys.TOKEN_PRICE_TABLES.values()]
    paths = {tuple(v.path) for v in values if isinstance(v, dg.AssetKey)}
    assert {("clean", "citations", "source"), ("trend", "claim_checks"), ("clean", "token_prices", "cited")} <= paths
    spelled = []
    for path in sorted(DEFS.rglob("*.py")):
        if path.name == "keys.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.List | ast.Tuple) and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
            ):
                literal = tuple(e.value for e in node.elts)
                if literal in paths:
                    spelled.append(f"{path.relative_to(DEFS)}:{node.lineno} {'/'.join(literal)}")
    assert not spelled, spelled
