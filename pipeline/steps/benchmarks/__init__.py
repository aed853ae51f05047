"""Benchmark write steps: import result files, cost each run, re-verify stored percentiles."""
