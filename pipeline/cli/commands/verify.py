"""`infernomics verify`: re-hash every registered snapshot and part; alarm on a mismatch."""

from __future__ import annotations

import argparse

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from


def verify(args: argparse.Namespace) -> int:
    """Re-hash every stored snapshot and Parquet part against the sha256 it was registered
    with (the chapter, the cited CSVs, the bundled Epoch and benchmark files, genai-prices
    and feed payloads, benchmark parts), store the status (`snapshot_integrity`, read by
    `audit` and the `figure_integrity` view) and print one summary line, then the files
    that changed. Exit status 1 when any file changed or is missing.

    --all also re-reads every benchmark figure from its hashed file at its locator (it
    stays `verified` only when the value read again is the value stored) and re-computes
    every percentile derived from a Parquet part from that part.

    --rehash-curated re-writes the manifest of the cited CSVs (sources/data/citations/
    SHA256SUMS.txt) after a deliberate edit; nothing else accepts a changed file.

    example:
      infernomics verify
      infernomics verify --all --format json
    """
    if args.rehash_curated:
        from sources.paths import package_path
        from warehouse.integrity import write_manifest

        print(f"re-wrote {write_manifest(package_path())}")
        return 0
    from sources.registry import bundled_files
    from warehouse.integrity import record, rehash, summary

    wh = warehouse_from(args)
    if not wh.exists():
        raise UserError(f"no warehouse at {wh.path}; run `infernomics refresh` first")
    with wh.ingest("cli/verify") as (con, run):
        checked = rehash(con, wh.parts_dir, bundled_files())
        record(con, checked, "verify")
        run.rows_in = len(checked)
        run.rows_accepted = sum(c.status == "ok" for c in checked)
        run.rows_quarantined = run.rows_in - run.rows_accepted
        line = summary(checked)
        run.messages.append(line)
        reread = None
        if args.all:
            from pipeline.steps.benchmarks.reverify import recheck_percentiles, reread_figures

            reread = reread_figures(con)
            recheck_percentiles(con, wh.parts_dir, reread)
            run.messages.append(_reread_line(reread))
    bad = [c for c in checked if c.status != "ok"]
    print(line)
    if reread is not None:
        print(_reread_line(reread))
    if bad:
        print_rows(
            ["file", "family", "kind", "status", "registered_sha256", "sha256_now"],
            [[c.path, c.family, c.kind, c.status, c.expected_sha256, c.actual_sha256] for c in bad],
            args.format,
        )
    if reread is not None and reread.examples:
        for example in reread.examples[:10]:
            print(f"  {example}")
    failed = bool(bad) or (
        reread is not None and (reread.mismatched or reread.no_snapshot or reread.percentiles_mismatched)
    )
    return 1 if failed else 0


def _reread_line(r) -> str:
    return (
        f"benchmark figures re-read from their files: {r.verified} of {r.figures} verified, "
        f"{r.mismatched} value_mismatch, {r.no_snapshot} no_snapshot; derived percentiles re-checked "
        f"against their parts: {r.percentiles - r.percentiles_mismatched} of {r.percentiles} agree"
    )


def register(subparsers) -> None:
    parser = add_command(subparsers, "verify", verify)
    parser.add_argument(
        "--all",
        action="store_true",
        help="also re-read benchmark figures from their files and re-check percentiles against parts",
    )
    parser.add_argument(
        "--rehash-curated",
        action="store_true",
        dest="rehash_curated",
        help="re-write the cited-CSV manifest after a deliberate edit",
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json", "markdown"),
        default="table",
        help="format of the list of changed files",
    )
