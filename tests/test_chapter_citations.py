"""The chapter fully cited: every work it names is a registered source, its numbers are figures
cited by the chapter's own sentence, and its attributions without a number are stored too."""

import duckdb

from sources.registry import load_registry

CHAPTER = "book-ch1-ai-inference-macro"
CITED_WORKS = {
    "ark-big-ideas-2026": "Big Ideas 2026",
    "aschenbrenner-situational-awareness-2024": "Situational Awareness: The Decade Ahead",
    "columbia-college-today-2021-valedictorian": "’21 Valedictorian Remembers Special Times at the College",
    "fortune-2025-aschenbrenner-profile": "Fortune profile of Leopold Aschenbrenner (2025; title and address not found)",
    "wired-2024-aschenbrenner-openai": "WIRED article cited by the chapter (2024; not identified)",
}


def test_the_five_works_the_chapter_names_are_registered_primary_sources():
    registry = {r["source_id"]: r for r in load_registry().to_dicts()}
    for source_id, title in CITED_WORKS.items():
        assert registry[source_id]["title"] == title and registry[source_id]["source_class"] == "primary"
    # a work whose address the search tools could not find has none, and says why
    for source_id in ("fortune-2025-aschenbrenner-profile", "wired-2024-aschenbrenner-openai"):
        assert registry[source_id]["url"] is None and "search tools hold no" in registry[source_id]["notes"]
    assert (
        registry["bulletpoint-situational-awareness-2024"]["cites_source_id"]
        == "aschenbrenner-situational-awareness-2024"
    )


def test_the_chapter_cites_every_work_it_names_with_quotes_found_in_its_snapshot(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    rows = con.execute(
        "SELECT cited_source_id, what, verification FROM document_citation WHERE citing_source_id = ?", [CHAPTER]
    ).fetchall()
    assert {r[0] for r in rows} == set(CITED_WORKS)
    assert {r[2] for r in rows} == {"verified"}
    assert {r[0] for r in rows if r[1] == "statement"} == set(CITED_WORKS)


def test_the_ages_and_the_year_are_figures_cited_by_the_chapter(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    rows = con.execute(
        "SELECT f.source_id, f.metric, f.value, f.verification, c.quote, c.verification FROM figure f "
        "JOIN figure_citation c USING (figure_id) WHERE c.source_id = ? AND f.source_id <> 'ark-big-ideas-2026' "
        "ORDER BY f.value",
        [CHAPTER],
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("columbia-college-today-2021-valedictorian", "age_on_entering_college", 15),
        ("fortune-2025-aschenbrenner-profile", "age_on_graduating_college", 19),
        ("wired-2024-aschenbrenner-openai", "year_left_openai", 2024),
    ]
    assert all(r[3] == "unverified" and r[5] == "verified" for r in rows)
    assert "15岁入学、19岁毕业" in rows[0][4] and "2024年离开" in rows[2][4]


def test_the_columbia_figure_quotes_the_interview_and_fortunes_age_is_corroborated(refreshed_warehouse, cli):
    code, out, _ = cli(
        "audit",
        "fortune-2025-aschenbrenner-profile/aschenbrenner-age-graduating-columbia",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0 and "graduated from Columbia at 19" in out and "restates: agrees" in out
    code, out, _ = cli(
        "audit",
        "columbia-college-today-2021-valedictorian/aschenbrenner-age-entering-columbia",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0 and '"I was just 15, and I was coming from Germany, an ocean away."' in out
