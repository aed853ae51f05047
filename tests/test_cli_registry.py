"""`infernomics --help` lists commands from a registry (so it imports no command module):
the registry must say exactly what each command module registers, and a read command
must start without the heavy libraries it does not use."""

import argparse
import importlib
import pkgutil
import subprocess
import sys

from pipeline.cli import COMMANDS, build_parser, commands


def _registered_by_modules() -> dict[str, tuple[str, str]]:
    """What every module under pipeline/cli/commands/ registers (a new module is found too)."""
    found = {}
    for module_name in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"pipeline.cli.commands.{module_name}").register(subparsers)
        for action in subparsers._choices_actions:
            found[action.dest] = (module_name, action.help)
    return found


def test_the_registry_matches_what_each_command_module_registers():
    assert _registered_by_modules() == COMMANDS


def test_the_top_level_help_lists_every_command_without_importing_one():
    code = (
        "import sys; from pipeline.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('pipeline.cli.commands.') or "
        "m.split('.')[0] in ('duckdb', 'polars', 'pyarrow', 'pandera', 'dagster', 'warehouse'))\n"
        "print('LOADED', loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for name in COMMANDS:
        assert f"    {name} " in out, name
    assert "LOADED []" in out


def test_a_command_parses_the_same_with_only_its_module_loaded(refreshed_warehouse):
    whole = build_parser().parse_args(["figures", "--source", "x", "--warehouse", str(refreshed_warehouse)])
    alone = build_parser("figures").parse_args(["figures", "--source", "x", "--warehouse", str(refreshed_warehouse)])
    assert vars(whole) == vars(alone)


def test_read_commands_import_neither_polars_nor_pyarrow_nor_pandera(refreshed_warehouse):
    for argv in (
        ["sql", "SELECT figure_id FROM figure LIMIT 3"],
        ["figures", "--source", "ark-big-ideas-2026"],
        ["sources"],
        ["audit", "ark-big-ideas-2026/p34/sw-dev-cost-dec-2025"],
        ["prices", "on", "2024-06-01", "--model-key", "gpt-4o"],
    ):
        code = (
            f"import sys; from pipeline.cli import main; rc = main({argv + ['--warehouse', str(refreshed_warehouse)]!r}); "
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'pyarrow', 'pandera', 'dagster'}); "
            "print('HEAVY', heavy, rc)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert "HEAVY [] 0" in out, (argv, out[-300:])
