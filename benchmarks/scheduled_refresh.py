"""The refresh the schedule runs against `infernomics refresh`, on the same data, in one run (issue 12, target 1).

Three cold refreshes, each into its own new warehouse file under a temp folder, one
after another (so they share the machine's conditions):

  cli          `infernomics refresh --warehouse W1`: the job run in-process by the CLI
  materialize  `dagster asset materialize --select '*' -m pipeline.definitions` with
               $INFERNOMICS_WAREHOUSE=W2 and a fresh $DAGSTER_HOME (default SQLite
               instance): the path of "Materialize all" in the UI
  launched     `dagster job launch -j full_refresh -m pipeline.definitions` against the
               same instance, $INFERNOMICS_WAREHOUSE=W3, with `dagster-daemon run`
               running: the schedule's path. The default instance queues the run
               (QueuedRunCoordinator); the daemon dequeues it and the default run
               launcher starts it in its own process, exactly as when the daily schedule
               fires. Timed from the launch command until the run is finished in the
               instance's run storage (the daemon is started, and up, before).
  scheduled    the same run, timed from its creation in run storage (queued) to its
               end: the path of a schedule tick, where the daemon creates the run
               itself. `dagster job launch` is only how this script creates it, and it
               is a process of its own that loads the code location first (~3 s); the
               schedule's path then has the dequeue wait (the coordinator's 5 s
               interval), the run worker's start and code location load, and the run.
               The target is judged on this one; `launched` is printed beside it.

Each wall time is measured around the whole command (process start, code location load,
run, exit), as a user or the daemon meets it. Prints the ratio of each Dagster path to
the CLI. Target: <= 1.5x. Then checks that the three warehouses hold the same rows.

usage: python benchmarks/scheduled_refresh.py [--skip-launched] [--dequeue-interval S]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("figure", "source", "token_price", "gpu_spec", "benchmark_run", "fit", "quarantine")


def bin_path(name: str) -> str:
    here = Path(sys.executable).with_name(name)
    return str(here) if here.exists() else name


def run(command: list[str], env: dict[str, str], label: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{label} failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-3000:]}")
    return took


def launched(env: dict[str, str], home: Path) -> tuple[float, float, float, str]:
    """Launch full_refresh with the daemon running; wait until the run ends. Seconds from
    the launch command, seconds from the run's creation in storage, seconds of those
    before the run worker started it (queue, dequeue, worker start), and its status."""
    import signal

    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(home))
    daemon = subprocess.Popen(
        [bin_path("dagster-daemon"), "run", "-m", "pipeline.definitions"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        waited = time.perf_counter()
        while not instance.get_daemon_heartbeats():  # up: it has written a heartbeat
            if daemon.poll() is not None or time.perf_counter() - waited > 300:
                sys.exit("dagster-daemon did not start")
            time.sleep(0.5)
        before = {r.run_id for r in instance.get_runs()}
        start = time.perf_counter()
        run([bin_path("dagster"), "job", "launch", "-j", "full_refresh", "-m", "pipeline.definitions"], env, "launch")
        while True:
            runs = [r for r in instance.get_runs() if r.run_id not in before]
            if runs and runs[0].is_finished:
                took = time.perf_counter() - start
                record = instance.get_run_record_by_id(runs[0].run_id)
                end = record.end_time if record and record.end_time else time.time()
                created = record.create_timestamp.timestamp()
                started = record.start_time or created
                return took, end - created, started - created, runs[0].status.value
            if time.perf_counter() - start > 3600:
                sys.exit("launched run did not finish within an hour")
            time.sleep(0.2)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)  # the daemon and the processes it started, only
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()


def counts(path: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in TABLES:
            try:
                out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            except duckdb.Error:
                out[table] = -1
        return out
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-launched", action="store_true", help="time only the CLI and `asset materialize`")
    parser.add_argument(
        "--dequeue-interval",
        type=int,
        metavar="S",
        help="the run coordinator's dequeue interval (default: Dagster's 5 s; pipeline/deploy/dagster.yaml sets 1)",
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="infernomics-scheduled-"))
    home = root / "dagster_home"
    home.mkdir()
    # the default instance (SQLite storage, QueuedRunCoordinator, DefaultRunLauncher), with
    # the deploy file's dequeue interval when asked
    (home / "dagster.yaml").write_text(
        ""
        if args.dequeue_interval is None
        else "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinator\n"
        f"  config:\n    dequeue_interval_seconds: {args.dequeue_interval}\n"
    )
    base = os.environ | {"DAGSTER_HOME": str(home)}
    times, paths = {}, {}
    try:
        paths["cli"] = root / "cli.duckdb"
        times["cli"] = run([bin_path("infernomics"), "refresh", "--warehouse", str(paths["cli"])], base, "cli")
        print(f"cli          {times['cli']:7.2f}s  infernomics refresh", flush=True)
        paths["materialize"] = root / "materialize.duckdb"
        env = base | {"INFERNOMICS_WAREHOUSE": str(paths["materialize"])}
        times["materialize"] = run(
            [bin_path("dagster"), "asset", "materialize", "--select", "*", "-m", "pipeline.definitions"],
            env,
            "materialize",
        )
        print(f"materialize  {times['materialize']:7.2f}s  dagster asset materialize --select '*'", flush=True)
        if not args.skip_launched:
            paths["launched"] = root / "launched.duckdb"
            env = base | {"INFERNOMICS_WAREHOUSE": str(paths["launched"])}
            times["launched"], times["scheduled"], waited, status = launched(env, home)
            print(
                f"launched     {times['launched']:7.2f}s  dagster job launch -j full_refresh (run {status})", flush=True
            )
            print(
                f"scheduled    {times['scheduled']:7.2f}s  the same run, from queued in run storage to its end "
                f"({waited:.2f}s before the run worker started it)"
            )
        print()
        for label in times:
            if label != "cli":
                ratio = times[label] / times["cli"]
                verdict = "" if label == "launched" else f"  (target <= 1.5x: {'ok' if ratio <= 1.5 else 'MISSED'})"
                print(f"{label:<12} / cli = {ratio:.2f}x{verdict}")
        rows = {label: counts(p) for label, p in paths.items()}
        same = all(r == rows["cli"] for r in rows.values())
        print(f"same rows in every warehouse: {'yes' if same else 'NO'} ({rows['cli']})")
        if not same:
            for label, r in rows.items():
                print(f"  {label}: {r}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
