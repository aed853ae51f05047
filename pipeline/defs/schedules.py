"""The full refresh job and its daily schedule.

Decisions:
- The schedules start STOPPED. They rewrite the warehouse every day and the live-feed
  steps reach the internet; a laptop running `dg dev` should do neither until someone
  chooses to. A deployment turns them on once (`dagster schedule start daily_full_refresh`
  or the UI toggle); the choice is kept in the instance's storage, so it survives
  restarts and redeploys (see docs/deploy.md).
- The drop-folder sensor starts RUNNING (pipeline/defs/benchmarks/sensors.py): it only acts
  on files a user put in the drop folder, which is the request itself.
"""

import dagster as dg

full_refresh = dg.define_asset_job(
    "full_refresh", selection=dg.AssetSelection.all(), description="Every asset: ingest, validate, derive, fit."
)

daily_full_refresh = dg.ScheduleDefinition(
    name="daily_full_refresh",
    job=full_refresh,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="06:00 UTC daily: rebuild every asset (sources, prices, specs, benchmarks, fits, claim checks), "
    "after the 05:30 live-feed refresh. Stopped until you start it: "
    "`dagster schedule start daily_full_refresh` or the UI toggle.",
)
