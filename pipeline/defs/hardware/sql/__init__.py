"""SQL the hardware assets and checks run, kept in .sql files beside them."""

from importlib import resources


def read(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")
