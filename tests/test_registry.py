"""The source registry is data; every record must meet the Source contract."""

import polars as pl

from sources.registry import load_registry, registry_files, snapshot_records
from warehouse.contracts import Source


def test_every_registry_file_meets_the_source_contract():
    frame = load_registry()
    assert registry_files(), "no registry files found"
    problems = frame.filter(pl.col("_errors").list.len() > 0)
    assert problems.is_empty(), problems.select("_locator", "_errors").to_dicts()
    Source.validate(frame.drop("_errors", "_locator"), lazy=True)


def test_source_ids_are_unique_across_registry_files():
    ids = load_registry()["source_id"]
    assert ids.is_duplicated().sum() == 0, ids.filter(ids.is_duplicated()).to_list()


def test_cited_sources_exist():
    frame = load_registry()
    known = set(frame["source_id"])
    cited = set(frame["cites_source_id"].drop_nulls())
    assert cited <= known, cited - known


def test_the_book_chapter_is_stored_with_a_matching_sha256():
    snapshots = snapshot_records(load_registry())
    chapter = snapshots.filter(pl.col("source_id") == "book-ch1-ai-inference-macro").to_dicts()
    assert chapter and chapter[0]["sha256"] == "03d8256ff0f9cc0e521029227bb0da685e35eee3c613aaea67cc4219861ea352"
    assert chapter[0]["bytes"] == 8001


def test_a_tampered_snapshot_hash_is_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- source_id: x\n  kind: book\n  title: t\n  publisher: p\n  citation_full: c\n  source_class: primary\n"
        "  snapshot_path: snapshots/book-ch1-ai-inference-macro.md\n  snapshot_sha256: '00'\n"
        "  date_published: '2025-13-40'\n"
    )
    errors = load_registry([bad])["_errors"][0].to_list()
    assert any(e.startswith("snapshot_sha256:") for e in errors)
    assert any(e.startswith("date_parses:") for e in errors)
