"""The one file hash of the project (stdlib only, so any layer may import it)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 4 MiB blocks so a multi-GB benchmark Parquet
    never sits in memory whole. The one hash behind registry snapshots, benchmark file ids,
    the drop-folder sensor's run keys and the integrity re-hash, so all of them agree on
    the same bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()
