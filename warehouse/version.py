"""Which code wrote a row: the package version and, when known, the git commit.

Decisions:
- One function, `code_version()`, feeds both `infernomics --version` and the
  `code_version` column of every `ingest_run`, so the two can never disagree.
- The commit is read with `git describe --always --dirty --abbrev=12` run in the folder
  that holds this package (an editable install or a clone). An installed wheel has no
  git folder: the commit is then unknown and the version is the package version alone,
  never a guess. A working tree with uncommitted changes says `.dirty`, because a row
  written by modified code is not reproducible from the commit alone.
- The result is cached per process: a refresh writes hundreds of runs and must not spawn
  git for each.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGE = "infernomics"
_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def package_version() -> str:
    """The installed package's version (cached like the commit: the metadata lookup cost
    ~1 ms, once per ingest run)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "0+unknown"


@functools.cache
def git_commit() -> str | None:
    """The commit of the checkout this code runs from (`-dirty` when modified), or None."""
    if not (_ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(_ROOT), "describe", "--always", "--dirty", "--abbrev=12", "--exclude=*"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip().replace("-dirty", ".dirty")  # PEP 440 local version: dots, not dashes
    return commit if done.returncode == 0 and commit else None


def code_version() -> str:
    """`0.1.0+g<commit>` when the commit is known, else the package version alone."""
    commit = git_commit()
    return f"{package_version()}+g{commit}" if commit else package_version()
