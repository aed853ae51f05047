"""Canonical model keys and provider ids: every alias rule of the token-price family, in one place.

Why a key at all: the same model is named `gpt-4o-2024-08-06` by OpenAI, `openai/gpt-4o` by
OpenRouter, `GPT-4o-2024-08` in a blog post and `azure/gpt-4o` by LiteLLM. Prices can only be
compared (conflicts, cheapest per tier, trends) once these names meet on one key.

What the key means: the model *family as sold under one name*, with routing prefixes, dated
snapshot suffixes and serving suffixes removed. So `gpt-4o-2024-05-13` and `gpt-4o-2024-08-06`
share the key `gpt-4o` even though they were priced differently; the `model` column of
`token_price` keeps the exact name, and the history (effective dates) tells the prices apart.

Rules, applied in order by :func:`canonical_model_key` (each one recorded by name in
`model_alias.rule` so a reader can see why two names met):
1. `explicit`: a short table of names no rule can derive (`gpt-4-1106-preview` is GPT-4 Turbo).
2. `lowercase` and whitespace to `-` (`Claude 3.5 Sonnet` -> `claude-3.5-sonnet`).
3. `route_prefix`: everything up to the last `/` (`openrouter/openai/gpt-4o` -> `gpt-4o`),
   Bedrock region and vendor prefixes (`us.anthropic.`), fine-tune prefixes are *not* removed
   (a `ft:` name is a different product and stays unmapped).
4. `serving_suffix`: `:free`, `:beta`, `:extended`, `:thinking`, `:nitro`, `:floor`, `:online`,
   `:batch`, Bedrock `-v1:0`, `@001`; these are the same weights sold on different terms.
5. `date_suffix`: dated snapshot segments (`-2024-08-06`, `-20240806`, `-2024-08`, `@20240620`,
   `-0125`/`-1106` when they read as MMDD, `-2402` when it reads as YYMM), `-latest`.
6. `claude_order`: Anthropic's two naming orders meet on the API's: version first up to 3.x
   (`claude-3.5-sonnet`), tier first from 4 on (`claude-opus-4.1`); `4-0` reads as `4`.
7. `gemini_suffix`: `-001`-style revisions and `-preview-03-25`/`-exp-0827` dates.
8. `llama_suffix`: `meta-` prefix, `llama3` -> `llama-3`, `-instruct`/`-chat` anywhere
   (`Llama-3.1-Instruct-405B`), serving suffixes (`-turbo`, `-versatile`, `-hf`, `-fp8`) and
   context-length suffixes (`-8192`).
A name is *unmapped* (key null, listed in `model_alias_unmapped`) when it is empty, a
fine-tune template (`ft:`), or still contains characters a key never has after the rules
(parentheses, commas): those are descriptions, not names, and guessing would merge wrong rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Names no rule derives. Keys are already lowercased and prefix-stripped.
EXPLICIT: dict[str, str] = {
    "gpt-4-1106-preview": "gpt-4-turbo",
    "gpt-4-0125-preview": "gpt-4-turbo",
    "gpt-4-turbo-preview": "gpt-4-turbo",
    "gpt-4-1106-vision-preview": "gpt-4-turbo",
    "gpt-4-vision-preview": "gpt-4-turbo",
    "gpt-4-turbo-2024-04-09": "gpt-4-turbo",
    "gpt-3.5-turbo-0301": "gpt-3.5-turbo",
    "gpt-3.5-0301": "gpt-3.5-turbo",
    "chatgpt-4o-latest": "chatgpt-4o",
    "claude-4-opus": "claude-opus-4",
    "claude-4-sonnet": "claude-sonnet-4",
}

#: Provider names as sources spell them -> canonical provider id.
PROVIDERS: dict[str, str] = {
    "openai": "openai",
    "azure": "azure",
    "azure_ai": "azure",
    "microsoft azure": "azure",
    "anthropic": "anthropic",
    "google": "google",
    "gemini": "google",
    "vertex_ai": "google-vertex",
    "vertex_ai-language-models": "google-vertex",
    "vertex_ai-anthropic_models": "google-vertex",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "codestral": "mistral",
    "together ai (host)": "together",
    "together ai": "together",
    "together": "together",
    "together_ai": "together",
    "groq (host)": "groq",
    "groq": "groq",
    "aws": "aws-bedrock",
    "aws bedrock": "aws-bedrock",
    "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock",
    "openrouter": "openrouter",
    "fireworks": "fireworks",
    "fireworks_ai": "fireworks",
    "x-ai": "xai",
    "xai": "xai",
    "x ai": "xai",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "perplexity": "perplexity",
    "deepinfra": "deepinfra",
    "cerebras": "cerebras",
    "novita": "novita",
    "moonshotai": "moonshot",
    "moonshot": "moonshot",
}

_ROUTE_VENDOR = re.compile(
    r"^(?:(?:us|eu|apac|global|jp|au|ca)\.)?(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|moonshotai|qwen|zai|writer|twelvelabs)\."
)
_SERVING = re.compile(r"(?::(?:free|beta|extended|thinking|nitro|floor|online|batch|exacto)|-v\d+:\d+|:\d+|@\d{3})$")
_DATE_SEGMENTS = [
    re.compile(r"[-@]20\d\d-[01]\d-[0-3]\d(?=$|[-:])"),
    re.compile(r"[-@]20\d\d[01]\d[0-3]\d(?=$|[-:])"),
    re.compile(r"-20\d\d-[01]\d(?=$|[-:])"),
    re.compile(r"-latest$"),
]
_FOUR_DIGITS = re.compile(r"-(\d{4})(?=$|-)")
_CLAUDE = re.compile(
    r"^claude-(?:(?P<v1>\d+(?:[.-]\d)?)-(?P<t1>opus|sonnet|haiku|instant)|(?P<t2>opus|sonnet|haiku|instant)-(?P<v2>\d+(?:[.-]\d)?))(?P<rest>(?:-.*)?)$"
)
_LLAMA_SUFFIX = re.compile(r"-(?:instruct|chat|turbo|versatile|hf|fp8|reference|lite|\d{4,6})$")
_KEY_OK = re.compile(r"^[a-z0-9][a-z0-9._+-]*$")


@dataclass(frozen=True)
class Alias:
    """One name mapped to a key; `rule` lists the rules that changed it (`+`-joined)."""

    name: str
    model_key: str | None
    rule: str


def canonical_provider(name: str | None) -> str | None:
    """Canonical provider id: the table above, else the name slugified (`Foo AI` -> `foo-ai`).
    A text name is memoised like `resolve` (pure, and a price file names a few hundred
    providers in 10,000 entries); anything else a hostile feed put there is read uncached."""
    return _canonical_text(name) if isinstance(name, str) else _canonical(name)


@lru_cache(maxsize=4096)
def _canonical_text(name: str) -> str | None:
    return _canonical(name)


def _canonical(name: object) -> str | None:
    if name is None or not str(name).strip():
        return None
    low = str(name).strip().lower()
    if low in PROVIDERS:
        return PROVIDERS[low]
    if low.startswith("vertex_ai"):
        return "google-vertex"
    if low.startswith("bedrock"):
        return "aws-bedrock"
    if low.startswith("huggingface_"):
        return "huggingface-" + re.sub(r"[^a-z0-9]+", "-", low.removeprefix("huggingface_")).strip("-")
    return re.sub(r"[^a-z0-9]+", "-", low).strip("-")


def _mmdd_or_yymm(digits: str) -> bool:
    a, b = int(digits[:2]), int(digits[2:])
    mmdd = 1 <= a <= 12 and 1 <= b <= 31
    yymm = 20 <= a <= 29 and 1 <= b <= 12
    return mmdd or yymm


def _claude(key: str) -> str:
    m = _CLAUDE.match(key)
    if not m:
        return key
    tier = m["t1"] or m["t2"]
    version = (m["v1"] or m["v2"]).replace("-", ".")
    if version.endswith(".0"):
        version = version[:-2]
    major = int(version.split(".")[0])
    head = f"claude-{version}-{tier}" if major < 4 else f"claude-{tier}-{version}"
    return head + (m["rest"] or "")


@lru_cache(maxsize=65536)
def resolve(name: str | None) -> Alias:
    """Map one model name to its canonical key, recording which rules applied (memoised: pure, and
    the same names recur in every snapshot)."""
    if name is None or not str(name).strip():
        return Alias("" if name is None else str(name), None, "unmapped:empty")
    raw = str(name)
    rules: list[str] = []
    key = raw.strip()
    low = re.sub(r"\s+", "-", key.lower())
    if low != key:
        rules.append("lowercase")
    key = low
    if key.startswith("ft:"):
        return Alias(raw, None, "unmapped:fine_tune")
    if "/" in key:
        key = key.rsplit("/", 1)[1]
        rules.append("route_prefix")
    stripped = _ROUTE_VENDOR.sub(lambda m: "deepseek-" if m[0].endswith("deepseek.") else "", key)
    if stripped != key:
        key, _ = stripped, rules.append("route_prefix")
    if key in EXPLICIT:
        return Alias(raw, EXPLICIT[key], "+".join([*rules, "explicit"]))
    before = key
    while True:
        new = _SERVING.sub("", key)
        if new == key:
            break
        key = new
    if key != before:
        rules.append("serving_suffix")
    before = key
    for pattern in _DATE_SEGMENTS:
        key = pattern.sub("", key)
    key = _FOUR_DIGITS.sub(lambda m: "" if _mmdd_or_yymm(m[1]) else m[0], key)
    if key != before:
        rules.append("date_suffix")
    if key in EXPLICIT:
        return Alias(raw, EXPLICIT[key], "+".join([*rules, "explicit"]))
    if key.startswith("claude-"):
        new = _claude(key)
        if new != key:
            key, _ = new, rules.append("claude_order")
    if key.startswith("gemini-"):
        new = re.sub(r"-(?:preview|exp)(?:-\d\d-\d\d|-\d{4})?$", "", key)
        new = re.sub(r"-\d{3}$", "", new)
        if new != key:
            key, _ = new, rules.append("gemini_suffix")
    if "llama" in key:
        new = re.sub(r"^meta-", "", key)
        new = re.sub(r"^llama(\d)", r"llama-\1", new)
        new = re.sub(r"-(?:instruct|chat)(?=-)", "", new)
        while True:
            nxt = _LLAMA_SUFFIX.sub("", new)
            if nxt == new:
                break
            new = nxt
        if new != key:
            key, _ = new, rules.append("llama_suffix")
    if not _KEY_OK.match(key):
        return Alias(raw, None, "unmapped:not_a_model_name")
    return Alias(raw, key, "+".join(rules) or "identity")


def model_variant(name: str | None) -> str | None:
    """The exact model a name prices, for conflict checks: lowercased, routing prefix and serving
    suffix removed, dates *kept* (`openai/gpt-4o-2024-08-06` -> `gpt-4o-2024-08-06`). Two sources
    only conflict when they price the same variant, never `gpt-4o-2024-05-13` against `gpt-4o`."""
    if name is None or not str(name).strip():
        return None
    key = re.sub(r"\s+", "-", str(name).strip().lower()).rsplit("/", 1)[-1]
    key = _ROUTE_VENDOR.sub(lambda m: "deepseek-" if m[0].endswith("deepseek.") else "", key)
    while True:
        new = _SERVING.sub("", key)
        if new == key:
            return key.replace("@", "-")
        key = new


def canonical_model_key(name: str | None) -> str | None:
    """The canonical key for a model name, or None when the name is unmapped (see module doc)."""
    return resolve(name).model_key
