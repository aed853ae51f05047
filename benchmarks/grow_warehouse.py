"""Grow a copy of a refreshed warehouse to about 1 GB with synthetic but valid rows.

    python benchmarks/grow_warehouse.py --from data/warehouse.duckdb --out /tmp/grown/w.duckdb [--size-mb 1000]

Issue 12 (target 5) asks whether a refresh costs the same on a warehouse grown to 1 GB as
on today's (~75 MB after a refresh). The rows go where real growth lands in the DuckDB file:
the daily live price feeds. Every day the schedule folds a LiteLLM and an OpenRouter
snapshot into `token_price`, and every changed price is a new closed row with its input and
output figures and a derived 3:1 blended figure with lineage (`figure`, `figure_input`):
the only tables a refresh appends to for ever. (Per-request benchmark rows, the other
growth, live in Parquet parts beside the file and are never copied by a write window; the
benchmark import's own scale is `benchmarks/ingest_scale.py`.)

How: `benchmarks/sql/grow_price_history.sql` takes the stored `litellm-releases` price rows
(about 5,900 real models and conditions) as a template and writes week after week of
price rows for the `litellm-model-prices` feed source, each effective for 7 days from
2019-01-07 on, prices scaled by a deterministic 1.00-1.22 factor, every id new and every
row saying "synthetic growth row". Each batch of weeks is one recorded write window
(`ingest_run` step `benchmarks/grow_warehouse`), and batches go on until the file reaches
`--size-mb`. The rows pass the same contracts and checks a refresh runs on them (the
refresh that `benchmarks/write_scale.py` times runs them all): closed intervals, so one
open price per identity still holds; every figure id a price row names exists.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQL = (Path(__file__).parent / "sql" / "grow_price_history.sql").read_text(encoding="utf-8")
FIRST_DAY = "2019-01-07"


def copy_warehouse(source: Path, out: Path) -> None:
    """The file and its parts folder, as a user would copy a warehouse folder."""
    from warehouse import parts_dir_for

    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, out)
    if parts_dir_for(source).exists():
        shutil.rmtree(parts_dir_for(out), ignore_errors=True)
        shutil.copytree(parts_dir_for(source), parts_dir_for(out))


def grow(path: Path, size_mb: float, stream=sys.stderr) -> dict:
    """Add synthetic weeks of feed price history until the file holds `size_mb` MB."""
    from warehouse import Warehouse

    target = size_mb * 1024 * 1024
    week, batch, started = 0, 20, time.monotonic()
    added = 0
    while path.stat().st_size < target:
        before = path.stat().st_size
        with Warehouse(path).ingest("benchmarks/grow_warehouse", source_id="litellm-model-prices") as (con, run):
            con.execute(SQL.format(first_day=FIRST_DAY, week_start=week, week_stop=week + batch, run_id=run.run_id))
            rows = con.execute("SELECT count(*) FROM _grow").fetchall()[0][0]
            if not rows:
                raise SystemExit(f"{path}: no litellm-releases price rows to grow from; refresh it first")
            run.rows_in += rows
            run.rows_accepted += rows
        added += rows
        week += batch
        size = path.stat().st_size
        print(
            f"  weeks {week:4d}: {size / 2**20:7.0f} MB, +{rows} price rows ({time.monotonic() - started:.0f}s)",
            file=stream,
            flush=True,
        )
        per_week = max((size - before) / batch, 1.0)
        batch = max(1, min(60, int((target - size) / per_week) + 1))
    return {"weeks": week, "price_rows": added, "bytes": path.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, required=True, help="a refreshed warehouse file")
    parser.add_argument("--out", type=Path, required=True, help="where the grown copy goes (replaced)")
    parser.add_argument("--size-mb", type=float, default=1000.0, help="grow the file to this size (default 1000)")
    args = parser.parse_args(argv)
    if args.out.resolve() == args.source.resolve():
        parser.error("--out must differ from --from: this grows a copy")
    copy_warehouse(args.source, args.out)
    done = grow(args.out, args.size_mb)
    print(
        f"grown {args.out}: {done['bytes'] / 2**20:.0f} MB after {done['weeks']} synthetic weeks, "
        f"{done['price_rows']} price rows"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
