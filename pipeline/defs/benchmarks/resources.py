"""Where dropped benchmark files are and how large a file `import` will read."""

import os
from pathlib import Path

import dagster as dg

from pipeline.defs.resources import env_setting
from pipeline.steps.benchmarks.ingest import MAX_BYTES_ENV, max_bytes_default

DROP_ENV = "INFERNOMICS_BENCH_DROP"


class BenchmarkFiles(dg.ConfigurableResource):
    """`drop_folder` empty: $INFERNOMICS_BENCH_DROP, else `benchmark_drop/` beside the warehouse;
    `max_bytes` 0: $INFERNOMICS_IMPORT_MAX_BYTES, else 256 MiB (Parquet is streamed, not capped)."""

    drop_folder: str = ""
    max_bytes: int = 0

    def folder(self, warehouse_path: Path | None) -> Path:
        if self.drop_folder:
            return Path(self.drop_folder)
        return default_drop_folder(warehouse_path)

    def byte_cap(self) -> int:
        return self.max_bytes if self.max_bytes > 0 else max_bytes_default()


def default_drop_folder(warehouse_path: Path | None) -> Path:
    """$INFERNOMICS_BENCH_DROP, else `benchmark_drop/` beside the warehouse file."""
    if os.environ.get(DROP_ENV):
        return Path(os.environ[DROP_ENV])
    base = warehouse_path.parent if warehouse_path else Path("data")
    return base / "benchmark_drop"


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "benchmark_files": BenchmarkFiles(
                drop_folder=env_setting(DROP_ENV, ""), max_bytes=env_setting(MAX_BYTES_ENV, 0, as_int=True)
            )
        }
    )
