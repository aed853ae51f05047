"""Canonical model keys: the naming styles the issue names meet on one key; descriptions stay unmapped."""

import pytest

from sources.token_prices.models import canonical_model_key, canonical_provider, resolve


@pytest.mark.parametrize(
    "name", ["gpt-4o-2024-08-06", "openai/gpt-4o", "GPT-4o-2024-08", "azure/gpt-4o", "gpt-4o:extended"]
)
def test_gpt4o_styles_share_one_key(name):
    assert canonical_model_key(name) == "gpt-4o"


@pytest.mark.parametrize(
    "name,key",
    [
        ("claude-3-5-sonnet-20240620", "claude-3.5-sonnet"),
        ("anthropic/claude-3.5-sonnet", "claude-3.5-sonnet"),
        ("claude-3-5-sonnet@20240620", "claude-3.5-sonnet"),
        ("claude-opus-4-0", "claude-opus-4"),
        ("claude-4-opus", "claude-opus-4"),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4.5"),
        ("claude-haiku-4-5", "claude-haiku-4.5"),
    ],
)
def test_anthropic_naming_orders_meet(name, key):
    assert canonical_model_key(name) == key


@pytest.mark.parametrize(
    "name,key",
    [
        ("gemini-2.5-pro-preview-03-25", "gemini-2.5-pro"),
        ("gemini-1.5-pro-002", "gemini-1.5-pro"),
        ("llama3-70b-8192", "llama-3-70b"),
        ("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", "llama-3.1-405b"),
        ("gpt-4-1106-preview", "gpt-4-turbo"),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
        ("mistral-large-2402", "mistral-large"),
        ("o1-preview-2024-09-12", "o1-preview"),
        ("us.deepseek.r1-v1:0", "deepseek-r1"),
    ],
)
def test_rules_for_other_families(name, key):
    assert canonical_model_key(name) == key


def test_context_length_suffix_is_not_read_as_a_date():
    assert canonical_model_key("mixtral-8x7b-32768") == "mixtral-8x7b-32768"
    assert canonical_model_key("o1-preview") == "o1-preview"


@pytest.mark.parametrize("name", ["", None, "ft:gpt-4o", "GPT-3 Davinci (base, pay-as-you-go)"])
def test_descriptions_and_fine_tunes_are_unmapped_not_guessed(name):
    alias = resolve(name)
    assert alias.model_key is None and alias.rule.startswith("unmapped:")


def test_rule_names_are_recorded():
    assert resolve("openrouter/anthropic/claude-3.7-sonnet:thinking").rule == "route_prefix+serving_suffix"
    assert resolve("gpt-4o").rule == "identity"


def test_provider_names_map_to_ids():
    assert canonical_provider("Together AI (host)") == "together"
    assert canonical_provider("vertex_ai-language-models") == "google-vertex"
    assert canonical_provider("bedrock_converse") == "aws-bedrock"
    assert canonical_provider("Some New Cloud") == "some-new-cloud"
