"""Moderation lexicons: one JSON file per language under moderation/lexicons, merged.

An entry is a phrase of whole words, normalised like messages are. A word ending in "*"
matches any word starting so ("nichon*" matches "nichons"), which keeps the files short
across plurals, genders and conjugations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from moderation.normalize import words

CATEGORIES = (
    "insult_strong",
    "insult_weak",
    "address",
    "body_shaming",
    "hate",
    "sexual",
    "scam",
    "contact_cues",
    "self",
    "products",
)
WORD_LISTS = ("second_person", "third_person")

# Words that offend are matched as whole words: a trailing '*' on one stands for its
# inflections only (plural, gender, a verb's endings), never for any longer word, so that
# "salope*" finds "salopes" and not "salopette" (the Scunthorpe problem). Endings are of
# normalised words (doubled letters already squeezed).
OFFENSIVE = frozenset({"insult_strong", "insult_weak", "body_shaming", "hate", "sexual"})
INFLECTIONS = frozenset(
    {
        "",
        "s",
        "e",
        "es",
        "x",
        "a",
        "as",
        "o",
        "os",
        "i",
        "n",
        "en",
        "er",
        "ern",
        "in",
        "inen",
        "ne",
        "nes",
        "ed",
        "ing",
        "ings",
        "ers",
        "y",
        "ies",
        "z",
    }
)

CONCEPTS = (
    "prize",
    "claim",
    "private",
    "elsewhere",
    "cheaper",
    "discount",
    "payment_problem",
    "delivery_problem",
    "pay_demand",
    "pay_outside",
    "pay_to_me",
    "own",
    "earn",
    "promise",
    "groups",
    "attack",
    "traits",  # what a generalisation pins on a group: "dangerous", "voleurs", "faul"
    "generalizers",  # "all", "sont", "immer": a statement about the whole group
    "harm",  # what an attack on a group says it does or deserves: "volent nos emplois"
    "sexual_cues",
    "undress",  # taking clothes off, seeing someone without them: "sans rien", "nackt"
    "private_media",  # photos, videos or calls asked for in private
    "body_sexual",  # the body parts a sexual comment names: breasts, buttocks
    "warning",
    "received",  # "someone DMed me", "me escribieron": bait the speaker reports receiving
    "possessive",  # "my": "my gay friends" are people the speaker knows, not a group
    "missing_out",  # "ne devraient pas rater": a modal that urges, not one that excludes
    "innuendo",  # what a suggestive comment to a person talks of: my place, lips, slowly
    "number_request",  # "give me your number", "pásame tu número": contact asked for
    "own_number",  # "mi número", "my number": the speaker's phone, given in pieces or not
    "credentials",  # what only a thief asks for: card numbers, bank details, codes
    "time_words",  # "ce soir", "this evening": a demonstrative that names no product
    "softeners",  # "even", "vraiment", "sogar": adverbs inside a predicate, read past
    "comparison",  # "you look like", "t'as une tête de": a person likened to something
    "ridicule",  # what a person is likened to in mockery: a potato, a thumb, a toad
    "likening",  # "tiene cara de", "sembri un", "voix de": comparisons that liken a person
    "flattering",  # "angel", "princesse", "modelo": what a person is likened to in praise
    "pets",  # "il tuo cane sembra …": a pet likened to a thing is no person mocked
    "pictures",  # photos, videos: asked for with undressing, they are not product shots
    "stereotypes",  # "c'est culturel chez eux", "in their blood": a group's nature, anywhere
    "body_parts",  # "hips", "piernas", "Hüften": a body part likened to a thing is body shaming
    # sexual requests composed of two words rather than listed whole (see speech._sexual)
    "undress_verbs",  # "enlève", "take off", "quítate", "togli": a garment right after
    "undress_split",  # "take", "zieh": the garment, then the particle ("take it off")
    "undress_particles",  # "off", "aus": what closes an undress_split verb
    "garments",  # what is worn and taken off: "veste", "shirt", "Jacke" (not a lid, a tag)
    "mouth_verbs",  # "lécher", "suck", "chupar": with a body target after them, sexual
    "mouth_verbs_after",  # "lecken", "lutschen": after the body target ("deine Füße lecken")
    "body_targets",  # "doigts", "feet", "cuello", "Zehen": what a mouth verb is aimed at
    "sexual_requests",  # "show more", "turn around", "baisse la caméra": with a pet name
    "pet_names",  # "babe", "ma belle", "guapa", "Süße", "tesoro": a come-on's vocative
    "only_words",  # "wearing only", "avec juste", "solo con": beside a picture word
)
# the concepts of the sexual requests composed in speech._come_on, also read joined
JOINED_CONCEPTS = (
    "sexual_requests",
    "pet_names",
    "mouth_verbs",
    "mouth_verbs_after",
    "body_targets",
    "pictures",
    "only_words",
)
# What is said of a group is often a verb: its entries also match their English endings
# ("ruin" finds "ruined", "ruins", "ruining"); other languages list their forms.
VERB_ENDINGS = ("s", "es", "ed", "d", "ing")
_INFLECTED_CONCEPTS = frozenset({"attack", "harm", "traits"})
# Words that leetspeak writes with a "1" for an "l" ("mu5l1ms"): also listed with an "i".
_LEET_CONCEPTS = frozenset(
    {
        "groups",
        "traits",
        "ridicule",
        "sexual_cues",
        "body_sexual",
        "undress_verbs",
        "undress_split",
        "garments",
        "mouth_verbs",
        "mouth_verbs_after",
        "body_targets",
        "sexual_requests",
        "pet_names",
        "only_words",
        "pictures",
    }
)

Pattern = tuple[str, ...]
_JOINED_MIN = 5  # shorter phrases are too often inside innocent letters spaced apart
_MASKED_WORDS = 2  # starred words read in one message (each may have a few readings)
_MASKED = re.compile(
    r"(?<![\w*])[^\W\d_]+(?:\*+[^\W\d_]*)+(?![\w*])|(?<![\w*])\*+[^\W\d_]+(?![\w*])"
)  # "f*ck", "c*l*zo", "*ss"
_DOUBLED = re.compile(r"([^*])\1+")
# words of these concepts are offensive enough to read behind stars too ("c*l*zo")
_MASKABLE_CONCEPTS = ("sexual_cues", "body_sexual")


def _compile(phrase: str) -> Pattern | None:
    """An entry as a tuple of words; a trailing '*' on a word keeps it as a prefix."""
    out: list[str] = []
    for raw in phrase.split():
        if raw == "*":
            out.append("*")
            continue
        prefix = raw.endswith("*")
        tokens = words(raw.rstrip("*"))
        if not tokens:
            continue
        out.extend(tokens[:-1])
        out.append(tokens[-1] + ("*" if prefix else ""))
    return tuple(out) or None


def _token_matches(token: str, pattern: str, inflections: frozenset[str] | None = None) -> bool:
    if pattern == "*":
        return True  # "pris * kilos": any one word
    if pattern[-1] == "*":
        stem = pattern[:-1]
        if not token.startswith(stem):
            return False
        return inflections is None or token[len(stem) :] in inflections
    return token == pattern


_END = ""  # the key, in a node of the word tree, of the phrases that end there


@dataclass
class PhraseSet:
    """Phrases as word patterns. Whole-word phrases sit in a tree of words, so looking one
    up costs the words it has, however many phrases share its first words; phrases with a
    wildcard or a prefix ("crypto*", "pris * kilos") are looked up by their first word."""

    tree: dict[str, Any] = field(default_factory=dict)
    by_first: dict[str, list[Pattern]] = field(default_factory=dict)
    by_prefix: dict[str, list[Pattern]] = field(default_factory=dict)
    prefix_lengths: tuple[int, ...] = ()
    # None: a trailing '*' is any continuation (scam cues: "crypto*"); else the endings it
    # may stand for (offensive words)
    inflections: frozenset[str] | None = None
    endings: tuple[str, ...] = ()  # added to a phrase's last word (see VERB_ENDINGS)

    def add(self, phrase: str, inflect: bool = True) -> None:
        """Add an entry; with `inflect`, its plurals and verb endings too."""
        pattern = _compile(phrase)
        if pattern is None:
            return
        first = pattern[0]
        forms = {pattern}
        last = pattern[-1]
        if inflect and not last.endswith("*") and last.isalpha() and len(last) > 2:
            # plurals: "voleur" -> "voleurs", "bijou" -> "bijoux"
            forms |= {(*pattern[:-1], last + "s"), (*pattern[:-1], last + "x")}
            if self.endings and len(last) > 3:
                stem = last[:-1] if last.endswith("e") else last
                forms |= {(*pattern[:-1], stem + e) for e in self.endings if e != "d"}
                if last.endswith("e"):
                    forms.add((*pattern[:-1], last + "d"))
        for form in forms:
            if first.endswith("*"):
                self.by_prefix.setdefault(first[:-1], []).append(form)
            elif any(word.endswith("*") for word in form[1:]):
                self.by_first.setdefault(first, []).append(form)
            else:
                node = self.tree
                for word in form:
                    node = node.setdefault(word, {})
                ending = node.setdefault(_END, [])
                if form not in ending:
                    ending.append(form)
        self.prefix_lengths = tuple(sorted({len(p) for p in self.by_prefix}))

    def find(self, tokens: tuple[str, ...]) -> list[tuple[int, Pattern]]:
        """Every (position, phrase) of the set found in `tokens`, whole words only."""
        found: list[tuple[int, Pattern]] = []
        tree, by_first, by_prefix = self.tree, self.by_first, self.by_prefix
        lengths = self.prefix_lengths
        count = len(tokens)
        for i, token in enumerate(tokens):
            node = tree.get(token)
            j = i + 1
            while node is not None:
                ending = node.get(_END)
                if ending:
                    found.extend((i, pattern) for pattern in ending)
                if j >= count:
                    break
                node = node.get(tokens[j])
                j += 1
            candidates = by_first.get(token)
            if lengths:
                for size in lengths:
                    if size > len(token):
                        break
                    more = by_prefix.get(token[:size])
                    if more:
                        candidates = [*(candidates or ()), *more]
            if not candidates:
                continue
            for pattern in candidates:
                size = len(pattern)
                if i + size > count:
                    continue
                if all(
                    _token_matches(tokens[i + k], pattern[k], self.inflections) for k in range(size)
                ):
                    found.append((i, pattern))
        return found

    def __contains__(self, tokens: object) -> bool:
        return isinstance(tokens, tuple) and bool(self.find(tokens))


@dataclass
class ModerationLexicon:
    """Everything the content rules look words up in."""

    phrases: dict[str, PhraseSet]
    concepts: dict[str, PhraseSet]
    messaging_apps: frozenset[str]
    shorteners: frozenset[str]
    tlds: frozenset[str]
    wordlike_tlds: frozenset[str]
    chat_words: frozenset[str]
    code_articles: frozenset[str]
    decorations: frozenset[str]
    second_person: frozenset[str]
    third_person: frozenset[str]
    order_words: PhraseSet
    hate_patterns: re.Pattern[str] | None = None
    email_providers: frozenset[str] = frozenset()  # "gmail", "hotmail": a mailbox named
    number_words: dict[str, int] = field(default_factory=dict)  # "six", "douze", "sechzig"
    strong_emoji: frozenset[str] = frozenset()  # suggestive on their own ("🍑", "🥵")
    weak_emoji: frozenset[str] = frozenset()  # suggestive beside a word that is ("😏")
    mocking_emoji: frozenset[str] = frozenset()  # "🤡" said of a person
    laughter: frozenset[str] = frozenset()  # "jajaja", "mdr": with affection, banter
    laughter_emoji: frozenset[str] = frozenset()  # "😂": laughter too
    calling_out: frozenset[str] = frozenset()  # "troll", "signalé": defending the chat
    affection: frozenset[str] = frozenset()  # "😘", "❤️"

    # offensive words by length, to read one written with a letter starred out ("f*ck")
    maskable: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # phrases that remove on their own, written as one word ("sendnudes"), by category: to
    # find in letters spaced apart ("s e n d n u d e s")
    joined_offensive: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the words of the composed sexual requests, written as one word ("showmore", "babe"):
    # to find the composition in letters spaced apart ("s h o w m o r e b a b e")
    joined_concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __hash__(self) -> int:  # one per process; lets rule functions cache on it
        return id(self)

    def unmaskings(self, text: str) -> list[str]:
        """Readings of a text whose words have letters starred out ("f*ck", "p*te", "c*l"):
        each starred word replaced by an offensive word it can be (a few readings when it
        can be several, "f*ck" being "fuck" or "fick"); none when no word fits."""
        readings = [text]
        for match in list(_MASKED.finditer(text))[:_MASKED_WORDS]:
            word = match.group(0)
            # the lexicon's words are squeezed ("vacca" is "vaca"): so is the starred one
            key = _DOUBLED.sub(r"\1", word.lower())
            pattern = re.compile("".join("." if c == "*" else re.escape(c) for c in key))
            fits = [w for w in self.maskable.get(len(key), ()) if pattern.fullmatch(w)]
            if fits:
                readings = [r.replace(word, fit, 1) for r in readings for fit in fits[:3]]
        return [r for r in readings if r != text]


def _read(name: str) -> dict[str, Any]:
    folder = resources.files("moderation").joinpath("lexicons")
    data: dict[str, Any] = json.loads(folder.joinpath(name).read_text("utf-8"))
    return data


def _word_set(entries: list[str]) -> frozenset[str]:
    return frozenset("".join(words(e)) for e in entries)


@cache
def load_lexicon() -> ModerationLexicon:
    """Merge every language file with the shared one."""
    phrases = {
        category: PhraseSet(inflections=INFLECTIONS if category in OFFENSIVE else None)
        for category in CATEGORIES
    }
    concepts = {
        concept: PhraseSet(endings=VERB_ENDINGS if concept in _INFLECTED_CONCEPTS else ())
        for concept in CONCEPTS
    }
    word_lists: dict[str, set[str]] = {name: set() for name in WORD_LISTS}
    order_words = PhraseSet()
    hate_patterns: list[str] = []
    # words that may stand behind stars ("f*ck", "c*l*zo"), and phrases written as one word
    offensive_entries: list[str] = []
    joined_sets: dict[str, set[str]] = {c: set() for c in ("insult_strong", "sexual", "hate")}
    joined_concepts: dict[str, set[str]] = {c: set() for c in JOINED_CONCEPTS}
    folder = resources.files("moderation").joinpath("lexicons")
    for entry in sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")):
        if entry == "common.json":
            continue
        data = _read(entry)
        offensive_entries += [p.rstrip("*") for c in OFFENSIVE for p in data.get(c, [])]
        offensive_entries += [
            p.rstrip("*")
            for c in _MASKABLE_CONCEPTS
            for p in data.get("concepts", {}).get(c, [])
            if " " not in p
        ]
        for category, found_joined in joined_sets.items():
            found_joined |= {
                squeezed
                for p in data.get(category, [])
                if len(squeezed := "".join(words(p.rstrip("*")))) >= _JOINED_MIN
            }
        for category in CATEGORIES:
            for phrase in data.get(category, []):
                phrases[category].add(phrase)
                if category in OFFENSIVE and "l" in phrase:
                    # "ug1y": a "1" is read as "i", and may have stood for an "l"
                    # as written only: "troll" read "troi" must not grow a plural "trois"
                    phrases[category].add(phrase.replace("l", "i"), inflect=False)
        for concept, entries in data.get("concepts", {}).items():
            if concept not in concepts:
                raise ValueError(f"{entry}: unknown concept {concept!r}")
            if concept in joined_concepts:
                joined_concepts[concept] |= {"".join(words(p)) for p in entries}
            for phrase in entries:
                concepts[concept].add(phrase)
                if concept in _LEET_CONCEPTS and "l" in phrase:
                    concepts[concept].add(phrase.replace("l", "i"), inflect=False)
        for name, found in word_lists.items():
            found |= {w for e in data.get(name, []) for w in words(e)}
        hate_patterns.extend(data.get("hate_patterns", []))
        for phrase in data.get("order_words", []):
            order_words.add(phrase)
    common = _read("common.json")
    maskable: dict[int, set[str]] = {}
    for phrase in offensive_entries:
        for token in words(phrase):  # "fuck" of "fuck you", "cul" of "ton cul"
            if len(token) >= 3 and token.isalpha():
                maskable.setdefault(len(token), set()).add(token)
    joined = {category: tuple(sorted(found)) for category, found in joined_sets.items()}
    return ModerationLexicon(
        phrases=phrases,
        concepts=concepts,
        messaging_apps=_word_set([a for a in common["messaging_apps"] if "." not in a]),
        shorteners=frozenset(common["shorteners"]),
        tlds=frozenset(common["tlds"]),
        wordlike_tlds=frozenset(common["wordlike_tlds"]),
        chat_words=frozenset(common["chat_words"]),
        code_articles=frozenset(common["code_articles"]),
        decorations=_word_set(common["impersonation_decorations"]),
        second_person=frozenset(word_lists["second_person"]),
        third_person=frozenset(word_lists["third_person"]),
        order_words=order_words,
        hate_patterns=re.compile("|".join(hate_patterns), re.I) if hate_patterns else None,
        email_providers=frozenset(
            p for p in common["email_providers"] if "." not in p and p != "live"
        ),
        number_words={
            "".join(words(word)): int(value) for word, value in common["number_words"].items()
        },
        maskable={size: tuple(sorted(found)) for size, found in maskable.items()},
        joined_offensive=joined,
        joined_concepts={c: tuple(sorted(found)) for c, found in joined_concepts.items()},
        strong_emoji=frozenset(common["suggestive_emoji"]["strong"]),
        weak_emoji=frozenset(common["suggestive_emoji"]["weak"]),
        mocking_emoji=frozenset(common["mocking_emoji"]),
        laughter=frozenset(common["banter"]["laughter"]),
        laughter_emoji=frozenset(common["banter"]["laughter_emoji"]),
        # one word each: "report her" would make "her" a call-out in every message
        calling_out=frozenset(
            w[0]
            for words_ in common["calling_out"].values()
            for t in words_
            if len(w := words(t)) == 1
        ),
        affection=frozenset(common["banter"]["affection"]),
    )
