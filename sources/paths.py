"""Locate files bundled with the package (works from any directory once installed)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# defined in the warehouse (which never imports sources), re-exported for the adapters
from warehouse.hashing import sha256_file as sha256_file


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
