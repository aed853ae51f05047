"""`infernomics`: refresh the warehouse, query it, audit any number back to its source.

Every subcommand lives in its own module under `pipeline/cli/commands/`.

Decisions:
- Start-up is what a user waits for on every read, so `main` imports only the module of
  the command that runs. `COMMANDS` names each command, its module and its one-line help
  (what `infernomics --help` lists); `tests/test_cli_registry.py` checks it against
  every module's own `register`, so the list cannot drift from the commands. A
  command's own `--help` comes from its module, as before.
- Nothing heavy is imported here: not duckdb, not the warehouse package (both are
  imported by the command that needs them; the error handler looks them up in
  `sys.modules`). `infernomics --help` so costs about what `import argparse` does.
- `build_parser()` without a command still registers every command fully (tests and
  tools that walk the whole parser use it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from pipeline.cli.common import UserError

#: command -> (module under pipeline.cli.commands, one-line help); in `--help` order.
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": (
        "audit",
        "Show where a number comes from: value, source, page, quote, snapshot, run, the other "
        "stored pages that report the same claim (with whether they agree), and for a derived "
        "figure its formula and every input, recursively, down to their sources.",
    ),
    "cost": (
        "cost",
        "Cost per million tokens = gpus * USD per GPU-hour / (tokens/s * 3600) * 1e6, from a stored "
        "rental price and a throughput you give (or a stored throughput figure), with every "
        "input's source.",
    ),
    "export": ("export", "Export a query or a table to a Parquet, CSV or JSON file, with each row's sources."),
    "fit": ("fit", "Fit an exponential trend to a stored series: rate per year, interval, halving/doubling time."),
    "import": ("import_cmd", "Import benchmark results (vLLM, SGLang, llmperf, genai-perf, AIPerf, MLPerf)."),
    "sources": ("listing", "List the sources in the warehouse, with their licence and how many figures each backs."),
    "figures": ("listing", "List stored figures (id, value, unit, source, page, verification), with filters."),
    "prices": ("prices", "Token prices: what a model cost on a date, and where each number comes from."),
    "probe": ("probe_cmd", "Measure this machine's matmul throughput and memory bandwidth against its spec sheet."),
    "refresh": ("refresh", "Refresh the warehouse: ingest every source, validate, quarantine bad rows, derive, fit."),
    "report": ("report", "Write the report: a small static website (index.html, one page per family, charts)."),
    "scores": (
        "scores",
        "Benchmark model names without a price key (`unmapped`) and the share that have a price (`coverage`).",
    ),
    "sql": ("sql", "Run a read-only SQL query against the warehouse and print the result."),
    "trends": ("trends", "List the fitted trends: rate per year with its interval, n, dates, R^2, flags, figure id."),
    "verify": (
        "verify",
        "Re-hash every stored snapshot and Parquet part against the sha256 it was registered with "
        "(the chapter, the cited CSVs, the bundled Epoch and benchmark files, genai-prices and "
        "feed payloads, benchmark parts), store the status (`snapshot_integrity`, read by `audit` "
        "and the `figure_integrity` view) and print one summary line, then the files that changed.",
    ),
}

EPILOG = """examples:
  infernomics refresh                       # full refresh into ./data/warehouse.duckdb
  infernomics sql "SELECT metric, value, unit FROM figure LIMIT 5"
  infernomics audit ark-big-ideas-2026/p34/sw-dev-cost-dec-2025
  infernomics figures --source ark-big-ideas-2026
--warehouse PATH (before or after the command; or $INFERNOMICS_WAREHOUSE) picks the DuckDB file."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command`, only that command's module is imported (the
    others are listed by name and help, enough for `infernomics --help` and for argparse
    to refuse an unknown command)."""
    parser = argparse.ArgumentParser(
        prog="infernomics",
        description="Refresh the warehouse, query it, and audit any number back to its source.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--warehouse",
        metavar="PATH",
        default=None,
        help="DuckDB file (default: $INFERNOMICS_WAREHOUSE or ./data/warehouse.duckdb)",
    )
    parser.add_argument(
        "--version", action=_VersionAction, nargs=0, help="print the package version and git commit, then exit"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = COMMANDS[command][0] if command in COMMANDS else None
    loaded: set[str] = set()
    for name, (module_name, help_line) in COMMANDS.items():
        if command is None or module_name == wanted:
            if module_name not in loaded:  # one module may register several commands (listing)
                importlib.import_module(f"pipeline.cli.commands.{module_name}").register(subparsers)
                loaded.add(module_name)
        else:
            subparsers.add_parser(name, help=help_line, add_help=False)
    return parser


def command_in(argv: list[str]) -> str | None:
    """The command word of `argv` (`--warehouse PATH` may come before it), if it is one."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--warehouse":
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return word if word in COMMANDS else None
    return None


class _VersionAction(argparse.Action):
    """`--version`, computed only when asked (it runs `git describe`, which every other
    invocation would pay for otherwise)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()


def version_line() -> str:
    """`infernomics 0.1.0 (git commit 804a6062b4a3)`; the code_version every ingest_run records follows."""
    from warehouse.version import code_version, git_commit, package_version

    commit = git_commit()
    where = f"git commit {commit}" if commit else "git commit unknown (not run from a git checkout)"
    return f"infernomics {package_version()} ({where}); ingest_run.code_version = {code_version()}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    command = command_in(argv)
    parser = build_parser(command) if command else build_parser("")
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as err:
        print(f"infernomics {args.command}: error: {err}", file=sys.stderr)
        return 1
    except Exception as err:
        if _is_a(err, "warehouse.connection", "WarehouseError"):
            print(f"infernomics {args.command}: error: {err}", file=sys.stderr)
            return 1
        if _is_a(err, "duckdb", "Error"):
            first = str(err).strip().splitlines()[0]
            print(f"infernomics {args.command}: error: {first}", file=sys.stderr)
            return 1
        if isinstance(err, BrokenPipeError):  # output piped into `head` and the like: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
        raise
    except KeyboardInterrupt:
        print(f"infernomics {args.command}: interrupted", file=sys.stderr)
        return 130


def _is_a(err: BaseException, module: str, name: str) -> bool:
    """isinstance(err, module.name) without importing `module`: a command that raised one imported it."""
    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None) if loaded else None
    return cls is not None and isinstance(err, cls)


if __name__ == "__main__":
    sys.exit(main())
