"""Locate files bundled with the package (works from any directory once installed)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path


def package_path(*parts: str) -> Path:
    """Path of a file or folder inside the `sources` package, e.g. ("citations", "claims.csv")."""
    return Path(str(resources.files("sources").joinpath(*parts)))


def data_path(*parts: str) -> Path:
    """Path of a vendored dataset file under `sources/data/`."""
    return package_path("data", *parts)


def relative_locator(path: Path) -> str:
    """`sources/...` style name of a bundled file, for row locators and provenance."""
    root = package_path()
    try:
        return "sources/" + path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 4 MiB blocks so a multi-GB benchmark Parquet
    never sits in memory whole. The one hash behind registry snapshots, benchmark file ids
    and the drop-folder sensor's run keys, so all three agree on the same bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()
