"""Measure the machine we run on: dense matmul throughput and memory bandwidth.

Pure measurement, no warehouse: each function returns a `ProbeResult` with every raw
sample, so the caller can store the samples as measured figures and summarise them.

Decisions:
* Throughput is FLOP/s of a dense n x n @ n x n product, counted as 2 n^3 (multiply and
  add), the convention of spec sheets' dense TFLOPS. The first call warms up (BLAS
  threads, CUDA context, cuBLAS heuristics) and is not a sample.
* Memory bandwidth is a large array copy, counted as 2 x bytes (one read, one write), the
  STREAM "copy" convention; arrays are sized well past the last-level cache (CPU) or
  L2 (GPU) so the figure is DRAM/HBM bandwidth.
* The summary figure is the best sample (max), as spec peaks are; the median is reported
  beside it. Achieved fraction = best / spec peak, only when the spec is known.
* GPU timing uses CUDA events around the kernels with a synchronize, not wall time.
* torch is optional: absent, or present without a CUDA device, the GPU probes are skipped
  with a reason, never failed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class ProbeResult:
    device: str  # "cpu" or "cuda:0"
    device_name: str
    test: str  # matmul_fp32, matmul_fp64, matmul_bf16, mem_copy
    unit: str  # FLOP/s or byte/s
    samples: list[float]
    params: dict = field(default_factory=dict)

    @property
    def best(self) -> float:
        return max(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class ProbeEnvironment:
    timestamp: dt.datetime
    hostname: str
    cpu: str
    cpu_count: int
    versions: dict
    gpu: dict | None = None
    skipped: list[str] = field(default_factory=list)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> ProbeEnvironment:
    config: Mapping[str, Any] = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = (config.get("Build Dependencies", {}).get("blas", {}) if isinstance(config, dict) else {}) or {}
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
        "os": platform.platform(),
    }
    return ProbeEnvironment(
        dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        platform.node(),
        cpu_name(),
        os.cpu_count() or 1,
        versions,
    )


def cpu_matmul(n: int = 1024, samples: int = 5, dtype=np.float32) -> ProbeResult:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    a @ b  # warm-up
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        a @ b
        out.append(2 * n**3 / (time.perf_counter() - t))
    name = {np.float32: "matmul_fp32", np.float64: "matmul_fp64"}[dtype]
    return ProbeResult("cpu", cpu_name(), name, "FLOP/s", out, {"n": n})


def cpu_bandwidth(mbytes: int = 256, samples: int = 5) -> ProbeResult:
    n = mbytes * (1 << 20) // 8
    src = np.ones(n, dtype=np.float64)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # warm-up, pages touched
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        np.copyto(dst, src)
        out.append(2 * src.nbytes / (time.perf_counter() - t))
    return ProbeResult("cpu", cpu_name(), "mem_copy", "byte/s", out, {"bytes": src.nbytes})


def torch_cuda_status() -> tuple[bool, str]:
    """(usable, reason): torch importable and a CUDA device present."""
    if importlib.util.find_spec("torch") is None:
        return False, "torch is not installed: GPU probes skipped (pip install torch on a CUDA machine)"
    import torch

    if not torch.cuda.is_available():
        return False, f"torch {torch.__version__} sees no CUDA device: GPU probes skipped"
    return True, ""


def gpu_info() -> dict:
    import torch

    props = torch.cuda.get_device_properties(0)
    info = {
        "name": torch.cuda.get_device_name(0),
        "memory_bytes": props.total_memory,
        "sm_count": props.multi_processor_count,
        "capability": f"{props.major}.{props.minor}",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": str(torch.backends.cudnn.version()),
    }
    try:
        info["driver"] = (
            subprocess.run(
                ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=20,
            )
            .stdout.strip()
            .splitlines()[0]
        )
    except (OSError, IndexError, subprocess.SubprocessError):
        info["driver"] = None
    return info


def _cuda_time(fn, repeats: int) -> float:
    import torch

    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / 1000 / repeats


def gpu_matmul(dtype_name: str, n: int = 8192, samples: int = 5, repeats: int = 10) -> ProbeResult:
    import torch

    dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dtype_name]
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32, not TF32
    a = torch.randn(n, n, device="cuda", dtype=dtype)
    b = torch.randn(n, n, device="cuda", dtype=dtype)
    _cuda_time(lambda: a @ b, 3)  # warm-up
    out = [2 * n**3 / _cuda_time(lambda: a @ b, repeats) for _ in range(samples)]
    return ProbeResult(
        "cuda:0",
        torch.cuda.get_device_name(0),
        f"matmul_{dtype_name}",
        "FLOP/s",
        out,
        {"n": n, "repeats": repeats, "tf32": False},
    )


def gpu_bandwidth(mbytes: int = 2048, samples: int = 5, repeats: int = 10) -> ProbeResult:
    import torch

    src = torch.empty(mbytes * (1 << 20), dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    _cuda_time(lambda: dst.copy_(src), 3)
    out = [2 * src.numel() / _cuda_time(lambda: dst.copy_(src), repeats) for _ in range(samples)]
    return ProbeResult(
        "cuda:0", torch.cuda.get_device_name(0), "mem_copy", "byte/s", out, {"bytes": src.numel(), "repeats": repeats}
    )


def run_probe(quick: bool = False) -> tuple[ProbeEnvironment, list[ProbeResult]]:
    """Every probe this machine supports. `quick` shrinks sizes (for tests)."""
    env = environment()
    n, mb, k = (256, 32, 3) if quick else (2048, 512, 5)
    results = [cpu_matmul(n, k, np.float32), cpu_matmul(n, k, np.float64), cpu_bandwidth(mb, k)]
    usable, reason = torch_cuda_status()
    if usable:
        env.gpu = gpu_info()
        env.versions.update({k: env.gpu[k] for k in ("torch", "cuda", "cudnn", "driver")})
        gn, gmb = (1024, 64) if quick else (8192, 2048)
        results += [gpu_matmul("bf16", gn, k), gpu_matmul("fp32", gn, k), gpu_bandwidth(gmb, k)]
    else:
        env.skipped.append(reason)
    return env, results


def to_json(env: ProbeEnvironment, results: list[ProbeResult]) -> dict:
    """A measurement set as plain JSON, so a probe run on another machine (a lent GPU
    without the warehouse's dependencies) can be stored later with `probe --from`."""
    return {
        "format": "infernomics-probe/1",
        "environment": {**env.__dict__, "timestamp": env.timestamp.isoformat()},
        "results": [r.__dict__ for r in results],
    }


def from_json(data: dict) -> tuple[ProbeEnvironment, list[ProbeResult]]:
    """Inverse of `to_json`; refuses anything that is not a probe measurement set."""
    if data.get("format") != "infernomics-probe/1":
        raise ValueError(f"not an infernomics probe file (format {data.get('format')!r})")
    env = dict(data["environment"])
    env["timestamp"] = dt.datetime.fromisoformat(env["timestamp"])
    results = [ProbeResult(**r) for r in data["results"]]
    if any(not r.samples for r in results):
        raise ValueError("a probe result has no samples")
    return ProbeEnvironment(**env), results


# Which spec-sheet attribute (hardware family's `gpu_spec` attribute names; dense, no
# sparsity) each GPU probe is compared with, and the factor from the spec's unit (TFLOPS,
# TB/s) to the probe's (FLOP/s, byte/s). FP32 and FP64 have no spec attribute there.
SPEC_FOR_TEST = {
    "matmul_bf16": ("bf16_dense_tflops", 1e12),
    "mem_copy": ("mem_bandwidth_tbps", 1e12),
}


def achieved_fraction(result: ProbeResult, spec_value: float | None, spec_scale: float) -> float | None:
    """best sample / spec peak (spec in its own unit times `spec_scale`), or None."""
    if spec_value is None or spec_value <= 0:
        return None
    return result.best / (spec_value * spec_scale)
