"""Moderation lexicons: one JSON file per language under moderation/lexicons, merged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from moderation.normalize import words

CATEGORIES = (
    "insult_strong",
    "insult_weak",
    "address",
    "body_shaming",
    "hate",
    "sexual",
    "scam",
    "scam_cues",
    "contact_cues",
    "exclamations",
)


@dataclass
class PhraseSet:
    """Phrases as word tuples, looked up by their first word."""

    by_first: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    def add(self, phrase: str) -> None:
        tokens = words(phrase)
        if not tokens:
            return
        *head, last = tokens
        forms = {tokens}
        if last.isalpha() and len(last) > 2:  # plurals: "bougnoules", "voleurs" -> one entry
            forms |= {
                (*head, last + "s"),
                (*head, last + "x"),
                (*head, last + "es"),
            }
        for form in forms:
            self.by_first.setdefault(form[0], []).append(form)

    def find(self, tokens: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
        """Every (position, phrase) of the set found in `tokens`, whole words only."""
        found = []
        by_first = self.by_first
        for i, token in enumerate(tokens):
            candidates = by_first.get(token)
            if candidates:
                for phrase in candidates:
                    if tuple(tokens[i : i + len(phrase)]) == phrase:
                        found.append((i, phrase))
        return found


CONCEPTS = (
    "prize",
    "private",
    "elsewhere",
    "payment_problem",
    "delivery_problem",
    "pay_outside",
    "pay_to_me",
    "earn",
    "groups",
    "attack",
    "target",
    "sexual_cues",
)


@dataclass
class ModerationLexicon:
    phrases: dict[str, PhraseSet]
    concepts: dict[str, PhraseSet]
    messaging_apps: frozenset[str]
    shorteners: frozenset[str]
    tlds: frozenset[str]
    decorations: frozenset[str]


def _read(name: str) -> dict:
    folder = resources.files("moderation").joinpath("lexicons")
    return json.loads(folder.joinpath(name).read_text("utf-8"))


@cache
def load_lexicon() -> ModerationLexicon:
    """Merge every language file with the shared one."""
    phrases = {category: PhraseSet() for category in CATEGORIES}
    concepts = {concept: PhraseSet() for concept in CONCEPTS}
    folder = resources.files("moderation").joinpath("lexicons")
    for entry in sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")):
        if entry == "common.json":
            continue
        data = _read(entry)
        for category in CATEGORIES:
            for phrase in data.get(category, []):
                phrases[category].add(phrase)
        for concept, entries in data.get("concepts", {}).items():
            for phrase in entries:
                concepts[concept].add(phrase)
    common = _read("common.json")
    return ModerationLexicon(
        phrases=phrases,
        concepts=concepts,
        messaging_apps=frozenset(
            "".join(words(app)) for app in common["messaging_apps"] if "." not in app
        ),
        shorteners=frozenset(common["shorteners"]),
        tlds=frozenset(common["tlds"]),
        decorations=frozenset("".join(words(d)) for d in common["impersonation_decorations"]),
    )
