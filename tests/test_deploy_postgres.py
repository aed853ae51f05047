"""The team deployment, end to end: a Dagster instance on PostgreSQL with `dagster-daemon`
running, `full_refresh` submitted the way a schedule or the UI submits it (to the instance's
queued run coordinator, then launched by the daemon), the warehouse built, and the run's
records read back from PostgreSQL.

What it starts: a PostgreSQL server (Debian's `postgresql` package) in a temporary data
directory, owned by the `postgres` user when the test runs as root (PostgreSQL refuses to run
as root), on a free 127.0.0.1 port with password authentication; `dagster-daemon run` with
pipeline/deploy/dagster.yaml and workspace.yaml (the files docs/deploy.md tells a team to
use), which starts the code location's gRPC server and launches each run as a subprocess.

Decisions:
- Skipped only when the PostgreSQL server binaries are absent (`.ci/run` installs them);
  any other problem is a failure.
- Submitted with `dagster job launch`, which goes through the instance's run coordinator
  exactly as a schedule tick does; the tick itself waits for 06:00, so the test starts the
  schedule (stored in PostgreSQL) and checks that state instead of waiting for it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.scheduler.instigation import InstigatorStatus, InstigatorType

from pipeline.definitions import defs

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "pipeline" / "deploy"
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
BIN = Path(sys.executable).parent
RUN_TIMEOUT_S = 420

pytestmark = pytest.mark.skipif(
    not PG_BIN,
    reason="PostgreSQL server binaries absent (/usr/lib/postgresql/*/bin/initdb): "
    "`apt-get install -y postgresql` (.ci/run does this)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user."""
    if os.geteuid() != 0:
        return args
    pwd.getpwnam("postgres")  # created by Debian's postgresql package; KeyError names what is missing
    return ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server in a temporary data directory; yields its connection settings."""
    bindir = Path(PG_BIN[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="infernomics-pg-"))
    data, password = base / "data", "infernomics-test-only"
    (base / "pwfile").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(base / "pwfile", "postgres")
    port = _free_port()
    settings = {
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(port),
        "DAGSTER_PG_DB": "dagster",
        "DAGSTER_PG_USER": "dagster",
        "DAGSTER_PG_PASSWORD": password,
    }
    subprocess.run(
        _as_server_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "dagster",
                "--auth=scram-sha-256",
                f"--pwfile={base / 'pwfile'}",
                "--encoding=UTF8",
                "--locale=C",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base}"
    subprocess.run(
        _as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=90,
    )
    try:
        subprocess.run(
            [
                str(bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "dagster",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                "CREATE DATABASE dagster",
            ],
            env={**os.environ, "PGPASSWORD": password},
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield {**settings, "psql": str(bindir / "psql")}
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


def _psql(postgres: dict, sql: str) -> list[list[str]]:
    out = subprocess.run(
        [
            postgres["psql"],
            "-h",
            postgres["DAGSTER_PG_HOST"],
            "-p",
            postgres["DAGSTER_PG_PORT"],
            "-U",
            postgres["DAGSTER_PG_USER"],
            "-d",
            postgres["DAGSTER_PG_DB"],
            "-At",
            "-F",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        env={**os.environ, "PGPASSWORD": postgres["DAGSTER_PG_PASSWORD"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, f"psql: {sql}: {out.stderr}"
    return [line.split("\t") for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def deployment(postgres, tmp_path_factory):
    """DAGSTER_HOME with the team dagster.yaml, a warehouse path, and `dagster-daemon run` started."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    warehouse = tmp_path_factory.mktemp("team_warehouse") / "warehouse.duckdb"
    env = {
        **os.environ,
        **{k: v for k, v in postgres.items() if k.startswith("DAGSTER_PG_")},
        "DAGSTER_HOME": str(home),
        "INFERNOMICS_WAREHOUSE": str(warehouse),
        "INFERNOMICS_OFFLINE": "1",
    }
    log = open(home / "daemon.log", "w")
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", str(DEPLOY / "workspace.yaml")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        yield {"home": home, "warehouse": warehouse, "env": env, "daemon": daemon, "started": started}
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=30)
        log.close()


def _dagster(deployment, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "dagster"), *args, "-w", str(DEPLOY / "workspace.yaml")],
        cwd=ROOT,
        env=deployment["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _wait_for_run(instance: dg.DagsterInstance, run_id: str, deployment) -> dg.DagsterRun:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if run.is_finished:
            return run
        assert deployment["daemon"].poll() is None, (deployment["home"] / "daemon.log").read_text()[-4000:]
        time.sleep(2)
    raise AssertionError(
        f"run {run_id} not finished after {RUN_TIMEOUT_S} s: {run.status}; daemon log:\n"
        + (deployment["home"] / "daemon.log").read_text()[-4000:]
    )


def test_full_refresh_through_the_daemon_on_postgres(deployment, postgres, monkeypatch):
    for name, value in postgres.items():  # this process reads the same instance: the same settings
        if name.startswith("DAGSTER_PG_"):
            monkeypatch.setenv(name, value)
    instance = dg.DagsterInstance.from_config(str(deployment["home"]))
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"

    _dagster(deployment, "job", "launch", "-j", "full_refresh", "-l", "infernomics")
    [record] = instance.get_run_records(filters=dg.RunsFilter(job_name="full_refresh"))
    run = _wait_for_run(instance, record.dagster_run.run_id, deployment)
    seconds = time.monotonic() - deployment["started"]
    assert run.status == dg.DagsterRunStatus.SUCCESS, (deployment["home"] / "daemon.log").read_text()[-4000:]
    print(f"\nfull_refresh through dagster-daemon on PostgreSQL: SUCCESS {seconds:.1f} s after the daemon started")

    # the run went through the queue and the daemon launched it (ENQUEUED, then STARTING)
    events = [
        r.event_log_entry.dagster_event.event_type_value
        for r in instance.get_records_for_run(
            run.run_id,
            of_type={
                dg.DagsterEventType.RUN_ENQUEUED,
                dg.DagsterEventType.RUN_STARTING,
                dg.DagsterEventType.RUN_SUCCESS,
            },
        ).records
    ]
    assert events == ["PIPELINE_ENQUEUED", "PIPELINE_STARTING", "PIPELINE_SUCCESS"]

    # the warehouse: every write step belongs to this Dagster run, and the data are there
    con = duckdb.connect(str(deployment["warehouse"]), read_only=True)
    try:
        steps = dict(
            con.execute(
                "SELECT step, count(*) FROM ingest_run WHERE dagster_run_id = ? GROUP BY step", [run.run_id]
            ).fetchall()
        )
        figures = con.execute("SELECT count(*) FROM figure").fetchone()[0]
        specs = con.execute("SELECT count(*) FROM gpu_spec").fetchone()[0]
    finally:
        con.close()
    assets = {k.to_user_string() for k in instance.get_asset_keys()}
    # every asset but the report writes the warehouse; the report (it only reads) is the site beside it
    assert set(steps) == assets - {"report/site"} and len(assets) >= 25
    assert (deployment["warehouse"].parent / "report" / "index.html").exists()
    assert figures > 1000 and specs > 100

    # the run records, read from PostgreSQL itself
    assert _psql(postgres, f"SELECT status FROM runs WHERE run_id = '{run.run_id}'") == [["SUCCESS"]]
    [[materializations]] = _psql(
        postgres,
        "SELECT count(*) FROM event_logs WHERE run_id = "
        f"'{run.run_id}' AND dagster_event_type = 'ASSET_MATERIALIZATION'",
    )
    assert int(materializations) == len(assets)
    checks = _psql(
        postgres,
        "SELECT execution_status, count(*) FROM asset_check_executions WHERE run_id = "
        f"'{run.run_id}' GROUP BY 1 ORDER BY 1",
    )
    assert checks == [["FAILED", "2"], ["SUCCEEDED", str(len(defs.resolve_asset_graph().asset_check_keys) - 2)]]
    not_passed = _psql(
        postgres,
        "SELECT check_name, asset_key FROM asset_check_executions WHERE run_id = "
        f"'{run.run_id}' AND execution_status = 'FAILED' ORDER BY asset_key",
    )
    # offline, the two live feeds' freshness checks warn (severity WARN, non-blocking); nothing else fails
    assert [(name, "litellm" in key or "openrouter" in key) for name, key in not_passed] == [
        ("feed_is_fresh", True)
    ] * 2

    # standard metadata survives the trip through PostgreSQL
    spec = instance.get_latest_materialization_event(
        dg.AssetKey(["clean", "hardware", "gpu_spec"])
    ).asset_materialization
    assert spec.metadata["dagster/row_count"].value == specs
    assert spec.metadata["dagster/table_name"].value == "warehouse.main.gpu_spec"

    # a schedule turned on once is stored in PostgreSQL, for the daemon to tick at 06:00 UTC
    _dagster(deployment, "schedule", "start", "daily_full_refresh", "-l", "infernomics")
    running = [
        s.instigator_name
        for s in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
        if s.status == InstigatorStatus.RUNNING
    ]
    assert running == ["daily_full_refresh"]
    assert _psql(postgres, "SELECT status FROM jobs WHERE job_type = 'SCHEDULE'") == [["RUNNING"]]
