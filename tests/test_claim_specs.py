"""The claim-check specs are data (analysis/trends/claim_specs.yaml): keyword fields, closed
vocabularies for kind, direction and bound, and an error that names the claim and the field
for anything the loader does not know. (After a refresh, tests/test_claim_specs_match_figures.py
holds every restated multiple to its stored claim figure.)"""

from importlib import resources

import pytest
import yaml

from analysis.trends.claim_checks import SPEC_FILE, SPECS, Bound, ClaimSpecError, Direction, Kind, load_specs

SHIPPED = resources.files("analysis.trends").joinpath(SPEC_FILE).read_text(encoding="utf-8")


def _edited(claim_id: str, **changes) -> str:
    """The shipped file with one claim's fields changed (None removes a field)."""
    doc = yaml.safe_load(SHIPPED)
    claim = next(c for c in doc["claims"] if c["check_id"] == claim_id)
    for name, value in changes.items():
        if value is None:
            claim.pop(name, None)
        else:
            claim[name] = value
    return yaml.safe_dump(doc, sort_keys=False)


def test_the_shipped_specs_load_with_every_kind_and_their_stated_numbers():
    assert [s.check_id for s in SPECS] == [s.check_id for s in load_specs()]
    assert len(SPECS) == len(yaml.safe_load(SHIPPED)["claims"]) == 17
    assert {s.kind for s in SPECS} == {k.value for k in Kind}
    by_id = {s.check_id: s for s in SPECS}
    p34 = by_id["ark-p34-sw-dev-cost-apr-dec-2025"]
    assert p34.claimed == 3.50 / 0.32  # {from: 3.50, to: 0.32}, a decline
    assert p34.claimed_band == (1 / (1 - 0.905), 1 / (1 - 0.915))  # {decline_pct: [90.5, 91.5]}
    assert p34.benchmarks == ("SWE-bench Verified", "Artificial Analysis Coding Index")
    assert p34.series_definition.startswith("capability-adjusted LLM price, data through 2026: ")
    assert "every SWE-bench Verified threshold" in p34.series_definition
    assert by_id["business-insider-openrouter-6.4t-to-13t"].claimed == 13.0 / 6.4  # a growth: to / from
    assert by_id["compux-aws-h100-44pct-cut-jun-2025"].claimed == 1 / 0.56  # {remaining: 0.56}
    downing = by_id["ark-downing-fixed-intelligence-decline-1y"]
    assert downing.claimed_band == (1 / 0.015, 1 / 0.005)
    assert downing.benchmarks == ("GPQA Diamond", "SWE-bench Verified", "MATH Level 5", "ECI")  # the named set
    assert by_id["epoch-9-to-900x-per-year"].claimed_range == (9.0, 900.0)
    assert "{" not in "".join(s.series_definition + s.testable_with for s in SPECS)  # every {name} filled


@pytest.mark.parametrize(
    "changes, says",
    [
        (dict(kind="multiple_per_decade"), "kind 'multiple_per_decade' is not one of rate_per_year"),
        (dict(direction="down"), "direction 'down' is not one of decline | growth"),
        (dict(bound=">="), "bound '>=' is not one of = | ~ | > | < | range"),
        (dict(evidence="@capability_max"), "evidence '@capability_max' is not one of named_fits"),
        (dict(claimed_multiple=100.0), "unknown field(s) ['claimed_multiple']"),
        (dict(claim=None), "missing claim"),
        (dict(window=None), "kind multiple_over_window needs window"),
        (dict(stated_pct=99.0), "field stated_pct is only read for kind observed_ratio"),
        (dict(bound="range"), "bound range goes with kind rate_range"),
        (dict(claimed={"from": 60.0}), "claimed is a number, {from, to} or {remaining}"),
        (dict(claimed=-3.0), "claimed must be a positive number"),
        (dict(window=["2024-11-12", "2021-11-20"]), "window must be two date values"),
        (dict(series_definition="{capabilty}; threshold MMLU >= 42"), "{capabilty} is not a name of texts"),
    ],
)
def test_a_spec_the_loader_does_not_know_fails_naming_claim_and_field(changes, says):
    with pytest.raises(ClaimSpecError) as err:
        load_specs(_edited("a16z-llmflation-1000x-3y", **changes))
    assert str(err.value).startswith(f"{SPEC_FILE}: claim a16z-llmflation-1000x-3y: ")
    assert says in str(err.value)


def test_a_window_that_ends_before_it_starts_and_a_repeated_check_id_fail():
    import datetime as dt

    with pytest.raises(ClaimSpecError, match="window starts after it ends"):
        load_specs(_edited("a16z-llmflation-1000x-3y", window=[dt.date(2024, 11, 12), dt.date(2021, 11, 20)]))
    with pytest.raises(ClaimSpecError, match="check_id is used twice"):
        load_specs(_edited("a16z-llmflation-1000x-3y", check_id="a16z-llmflation-10x-per-year"))
    with pytest.raises(ClaimSpecError, match="benchmarks 'coding' is not a benchmark_sets name"):
        load_specs(_edited("ark-p20-inference-cost-decline-1y", benchmarks="coding"))
    with pytest.raises(ClaimSpecError, match=r"unknown top-level key\(s\) \['claim'\]"):
        load_specs(SHIPPED.replace("\nclaims:\n", "\nclaim:\n"))


def test_the_fastest_capability_fit_reading_is_a_named_evidence_not_a_sentinel_fit_id():
    from analysis.trends.claim_checks import Evidence, _pick

    (spec,) = [
        s
        for s in load_specs(_edited("a16z-llmflation-10x-per-year", fit_ids=None, evidence="fastest_capability_fit"))
        if s.check_id == "a16z-llmflation-10x-per-year"
    ]
    assert spec.evidence == Evidence.FASTEST_CAPABILITY_FIT and spec.fit_ids == []
    slow, fast = {"fit_id": "slow", "factor_per_year": 0.5}, {"fit_id": "fast", "factor_per_year": 0.01}
    assert _pick(spec, {}, [slow, fast]) is fast
    assert _pick(spec, {}, []) is None
    assert {b.value for b in Bound} == {"=", "~", ">", "<", "range"}
    assert {d.value for d in Direction} == {"decline", "growth"}
