"""`infernomics trends` / `fit` refuse unknown filter values; CLI command modules start without heavy imports."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "matplotlib", "dagster", "analysis.trend", "analysis.plots")


def test_unknown_family_is_refused_listing_the_valid_ones(cli, refreshed_warehouse):
    code, out, err = cli("trends", "--family", "nosuch", "--warehouse", refreshed_warehouse)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "no stored fit has --family 'nosuch'" in err and "capability_price" in err and "demand" in err


def test_unknown_method_is_refused_with_a_suggestion(cli, refreshed_warehouse):
    code, out, err = cli("trends", "--method", "nosuch", "--warehouse", refreshed_warehouse)
    assert code == 1 and out == "" and "no stored fit has --method 'nosuch'" in err and "ols" in err
    code, _, err = cli("trends", "--method", "theil_sen", "--warehouse", refreshed_warehouse)
    assert code == 1 and "did you mean theil-sen?" in err


def test_a_valid_filter_still_lists_fits(cli, refreshed_warehouse):
    code, out, err = cli("trends", "--family", "demand", "--format", "json", "--warehouse", refreshed_warehouse)
    assert code == 0, err
    assert json.loads(out) and all(r["series"].startswith("demand/") for r in json.loads(out))


def test_fit_choices_match_the_trend_module():
    from analysis import trend
    from pipeline.cli.commands import fit

    assert fit.METHODS == trend.METHODS and fit.DEFAULT_RESAMPLES == trend.DEFAULT_RESAMPLES


def test_these_command_modules_import_nothing_heavy():
    modules = [f"pipeline.cli.commands.{m}" for m in ("cost", "prices", "import_cmd", "fit", "trends")]
    code = (
        f"import sys, importlib\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
        f"print(sorted(h for h in {HEAVY!r} if h in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
