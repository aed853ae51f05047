"""Measured benchmarks: the vendored result files, a drop folder watched by a sensor, checks."""
