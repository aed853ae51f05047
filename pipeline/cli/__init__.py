"""`infernomics`: refresh the warehouse, query it, audit any number back to its source.

Every subcommand lives in its own module under `pipeline/cli/commands/` and is found
automatically. Commands that only read never import Dagster, so they start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

import duckdb

from pipeline.cli import commands
from pipeline.cli.common import UserError
from warehouse import WarehouseError

EPILOG = """examples:
  infernomics refresh                       # full refresh into ./data/warehouse.duckdb
  infernomics sql "SELECT metric, value, unit FROM figure LIMIT 5"
  infernomics audit ark-big-ideas-2026/p34/sw-dev-cost-dec-2025
  infernomics figures --source ark-big-ideas-2026
--warehouse PATH (before or after the command; or $INFERNOMICS_WAREHOUSE) picks the DuckDB file."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="infernomics",
        description="Refresh the warehouse, query it, and audit any number back to its source.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--warehouse", metavar="PATH", default=None,
                        help="DuckDB file (default: $INFERNOMICS_WAREHOUSE or ./data/warehouse.duckdb)")
    parser.add_argument("--version", action="version", version=version_line(),
                        help="print the package version and git commit, then exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def version_line() -> str:
    """`infernomics 0.1.0 (git commit 804a6062b4a3)`; the code_version every ingest_run records follows."""
    from warehouse.version import code_version, git_commit, package_version

    commit = git_commit()
    where = f"git commit {commit}" if commit else "git commit unknown (not run from a git checkout)"
    return f"infernomics {package_version()} ({where}); ingest_run.code_version = {code_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (UserError, WarehouseError) as err:
        print(f"infernomics {args.command}: error: {err}", file=sys.stderr)
        return 1
    except duckdb.Error as err:
        first = str(err).strip().splitlines()[0]
        print(f"infernomics {args.command}: error: {first}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"infernomics {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
