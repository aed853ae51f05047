"""The drop-folder sensor: each new file (by content) is imported exactly once."""

import json
from stat import S_ISREG

import dagster as dg

from pipeline.defs.benchmarks.assets import drop_folder, import_dropped_benchmarks
from pipeline.steps.benchmarks.ingest import expand_paths
from sources.benchmarks.bundled import is_context_file
from sources.paths import sha256_file
from warehouse import default_warehouse_path


@dg.sensor(
    job=import_dropped_benchmarks,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every 30 s: import each new benchmark result file in the drop folder ($INFERNOMICS_BENCH_DROP "
    "or benchmark_drop/ beside the warehouse) once, by content. Running by default: it acts only "
    "on files someone dropped there.",
)
def benchmark_drop_folder(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Watch the benchmark drop folder. The cursor remembers (size, mtime) per path so only
    new or changed files are hashed; the run key is the file's sha256, so the same bytes
    (renamed, copied, re-dropped) never start a second run. Context files (sidecars,
    scripts) are not results: a change to one re-queues nothing."""
    folder = drop_folder(default_warehouse_path())
    seen: dict[str, list] = json.loads(context.cursor) if context.cursor else {}
    if not folder.exists():
        return dg.SensorResult(skip_reason=f"drop folder {folder} does not exist")
    requests, current = [], {}
    for path in expand_paths([folder]):
        if path.name.startswith((".", "_")) or is_context_file(path.name):
            continue
        try:
            stat = path.stat()
        except OSError:  # a dangling link: the asset reports it when a run names it
            continue
        if not S_ISREG(stat.st_mode):  # hashing a FIFO or /dev/zero would never end
            continue
        signature = [stat.st_size, stat.st_mtime_ns]
        current[str(path)] = signature
        if seen.get(str(path)) == signature:
            continue
        sha = sha256_file(path)
        requests.append(
            dg.RunRequest(
                run_key=sha,
                run_config={"ops": {"clean__benchmarks__dropped": {"config": {"paths": [str(path)]}}}},
                tags={"benchmark_file": path.name, "sha256": sha},
            )
        )
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(current, sort_keys=True))
