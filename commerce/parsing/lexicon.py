"""The lexicons: one JSON file per language under commerce/lexicons, merged into one matcher.

A comment is parsed with every language at once (viewers mix them), and the language that
matched most is reported as a hint for replies. Adding a language is adding a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from commerce.parsing.text import phrase_tokens

PHRASE_CATEGORIES = (
    "claim",
    "cancel",
    "negation",
    "conditional",
    "past",
    "third_party",
    "question",
    "compliment",
    "both",
    "hedge",
    "contrast_blockers",
)
WORD_CATEGORIES = ("size_markers", "product_articles", "joiners", "units")


@dataclass
class Lexicon:
    """Every phrase, keyed by its token tuple, with what it means and in which language."""

    phrases: dict[tuple[str, ...], set[tuple[str, str]]] = field(default_factory=dict)
    quantities: dict[tuple[str, ...], int] = field(default_factory=dict)
    sizes: dict[tuple[str, ...], str] = field(default_factory=dict)
    colors: dict[tuple[str, ...], str] = field(default_factory=dict)
    words: dict[str, set[str]] = field(default_factory=dict)
    weak_claims: set[tuple[str, ...]] = field(default_factory=set)
    fillers: set[str] = field(default_factory=set)
    negators: set[str] = field(default_factory=set)
    ordinal_markers: set[str] = field(default_factory=set)
    languages: tuple[str, ...] = ()
    max_len: int = 1

    def add_phrase(self, phrase: str, category: str, language: str) -> None:
        tokens = phrase_tokens(phrase)
        if not tokens:
            return
        self.phrases.setdefault(tokens, set()).add((category, language))
        self.max_len = max(self.max_len, len(tokens))

    def concept_of_value(self, value: str) -> set[str]:
        """The color concepts a catalog value names in any language ("noir" -> {"black"})."""
        concept = self.colors.get(phrase_tokens(value))
        return {concept} if concept else set()


def _read(name: str) -> dict:
    text = resources.files("commerce").joinpath("lexicons").joinpath(name).read_text("utf-8")
    return json.loads(text)


@cache
def load_lexicon() -> Lexicon:
    """Merge every language file of commerce/lexicons with the shared one."""
    lexicon = Lexicon()
    folder = resources.files("commerce").joinpath("lexicons")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    languages = []
    for name in names:
        if name == "common.json":
            continue
        data = _read(name)
        language = data["language"]
        languages.append(language)
        for category in PHRASE_CATEGORIES:
            for phrase in data.get(category, []):
                lexicon.add_phrase(phrase, category, language)
        for word_category in WORD_CATEGORIES:
            for word in data.get(word_category, []):
                lexicon.words.setdefault(word_category, set()).update(phrase_tokens(word))
        for word, number in data.get("quantities", {}).items():
            lexicon.quantities[phrase_tokens(word)] = int(number)
        for word, size in data.get("sizes", {}).items():
            lexicon.sizes[phrase_tokens(word)] = size
        for concept, words in data.get("colors", {}).items():
            for word in words:
                tokens = phrase_tokens(word)
                lexicon.colors.setdefault(tokens, concept)
                lexicon.max_len = max(lexicon.max_len, len(tokens))
                if len(tokens) == 1 and tokens[0].isalpha() and not tokens[0].endswith("s"):
                    lexicon.colors.setdefault((tokens[0] + "s",), concept)  # "two blacks"
    common = _read("common.json")
    lexicon.weak_claims = {phrase_tokens(p) for p in common["weak_claims"]}
    # Only one-word fillers: splitting "s'il vous plaît" would make "s" a filler, and "S" a size.
    lexicon.fillers = {tokens[0] for p in common["fillers"] if len(tokens := phrase_tokens(p)) == 1}
    lexicon.negators = {t for p in common["negators"] for t in phrase_tokens(p)}
    lexicon.ordinal_markers = {t for p in common["ordinal_markers"] for t in phrase_tokens(p)}
    lexicon.ordinal_markers.add("#")
    lexicon.languages = tuple(languages)
    return lexicon
