"""Orchestration: Dagster definitions (assets, checks, schedules, sensors, resources) and the CLI."""
