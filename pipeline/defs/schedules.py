"""The full refresh job and its daily schedule."""

import dagster as dg

full_refresh = dg.define_asset_job("full_refresh", selection=dg.AssetSelection.all(),
                                   description="Every asset: ingest, validate, derive, fit.")

daily_full_refresh = dg.ScheduleDefinition(
    name="daily_full_refresh", job=full_refresh, cron_schedule="0 6 * * *",
    execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
)
