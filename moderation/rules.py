"""Content rules: what a single message says, whatever its author did before.

Each rule is a small function of the message (and the policy's lists) that returns whether
its category applies. The rules about an author's history (flood, repetition) live in
moderation.engine, which holds that history.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from moderation.lexicon import ModerationLexicon, load_lexicon
from moderation.normalize import fold, name_variants, squeeze_name, words
from moderation.policy import ModerationPolicy

# -- links ----------------------------------------------------------------------------------

_SCHEME = re.compile(r"\b(?:h[tx]{2}ps?|ftp)\s*:\s*/\s*/\s*([^\s/]+)", re.I)
_WWW = re.compile(r"\bwww\s*\.\s*([^\s/]+)", re.I)
_OBFUSCATED_DOT = re.compile(
    r"\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}"
    r"|\s\.\s|\s+dot\s+|\s+point\s+|\s+punto\s+|\s+punkt\s+)\s*",
    re.I,
)
_DOMAIN = re.compile(
    r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))"
    r"(?![\w-])",
    re.I,
)
_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\[at\]|\(at\)|\s+at\s+)\s*[\w-]+\s*(?:\.|\[dot\]|\(dot\)|\s+dot\s+)"
    r"\s*[a-z]{2,10}\b",
    re.I,
)
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\s.\-/()]*\d){8,14}(?!\w)")
_HANDLE = re.compile(r"(?<![\w.])@[\w.]{3,30}")
_PERCENT_OFF = re.compile(r"-\s?\d{1,2}\s?%")


def _domains(text: str) -> list[str]:
    """Domains a message points to, written plainly or in disguise."""
    found: list[str] = []
    lowered = text.casefold()
    for pattern in (_SCHEME, _WWW):
        for match in pattern.finditer(lowered):
            host = _OBFUSCATED_DOT.sub(".", match.group(1)).strip(".,;:!?)(")
            found.append(host)
    deobfuscated = _OBFUSCATED_DOT.sub(".", lowered)
    for match in _DOMAIN.finditer(deobfuscated):
        found.append(match.group(1).strip("."))
    return found


def _allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    domain = domain.lower().removeprefix("www.")
    return any(domain == a or domain.endswith("." + a) for a in allowed)


def has_link(text: str, policy: ModerationPolicy, lexicon: ModerationLexicon) -> bool:
    """A URL or a domain outside the allowed ones (and their subdomains), shorteners included."""
    if "." not in text and "[" not in text and "(" not in text and "dot" not in text.lower():
        return False
    for domain in _domains(text):
        domain = domain.lower()
        if "@" in domain:
            continue
        if _allowed(domain, policy.allowed_domains):
            continue
        tld = domain.rsplit(".", 1)[-1]
        if domain in lexicon.shorteners or tld in lexicon.tlds:
            if re.fullmatch(r"[\d.]+", domain):
                continue  # "59.90", "1.5": numbers, not places
            return True
    return False


# -- contact details ------------------------------------------------------------------------


def _looks_like_phone(candidate: str) -> bool:
    """European phone shapes: +33 6 12 34 56 78, 0033..., 06 12 34 56 78, 0612345678,
    +44 7700 900123 - not "36 38 40 42 44" (a list of sizes) or an order number."""
    digits = re.sub(r"\D", "", candidate)
    if not 9 <= len(digits) <= 15 or len(set(digits)) <= 2:
        return False
    stripped = candidate.lstrip("( ")
    if stripped.startswith(("+", "00")):
        return True
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return True
    return (
        bool(re.search(r"\d{9,}", candidate)) and digits[0] in "0123456789" and " " not in candidate
    )


def has_contact(text: str, tokens: tuple[str, ...], lexicon: ModerationLexicon) -> bool:
    """Phone numbers, e-mail addresses, messaging handles ("WhatsApp me", "telegram @x")."""
    if _EMAIL.search(text):
        return True
    for match in _PHONE.finditer(text):
        if _looks_like_phone(match.group(0)):
            return True
    mentions_app = any(t in lexicon.messaging_apps for t in tokens)
    if mentions_app and (_HANDLE.search(text) or lexicon.phrases["contact_cues"].find(tokens)):
        return True
    return mentions_app and any(t.isdigit() and len(t) >= 6 for t in tokens)


# -- words ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordHits:
    """What the lexicons found in a message."""

    insult: bool
    hate: bool
    sexual: bool
    scam: bool
    blocked: bool


_SECOND_PERSON = {
    "tu",
    "t",
    "te",
    "toi",
    "you",
    "u",
    "your",
    "ur",
    "du",
    "dich",
    "dein",
    "eres",
    "sei",
    "ti",
    "vous",
}


def word_hits(
    text: str,
    tokens: tuple[str, ...],
    policy: ModerationPolicy,
    lexicon: ModerationLexicon,
    link: bool,
    contact: bool,
) -> WordHits:
    phrases = lexicon.phrases
    strong = phrases["insult_strong"].find(tokens)
    body = phrases["body_shaming"].find(tokens)
    insult = bool(strong or body)
    if not insult:
        weak = phrases["insult_weak"].find(tokens)
        if weak:
            # "nulle", "ugly": an insult when aimed at someone, not "je suis nulle en taille".
            aimed = phrases["address"].find(tokens) or any(t in _SECOND_PERSON for t in tokens)
            names = {squeeze_name(n) for n in policy.protected_names}
            insult = bool(aimed) or any(t in names for t in tokens) or "@" in text
            if insult and any(
                t in ("je", "suis", "i", "am", "me", "moi", "yo", "soy", "ich", "bin", "io", "sono")
                for t in tokens[:3]
            ):
                insult = bool(aimed and any(t in _SECOND_PERSON for t in tokens))
    concepts = lexicon.concepts

    def has(name: str) -> bool:
        return bool(concepts[name].find(tokens))

    hate = bool(phrases["hate"].find(tokens)) or (has("groups") and has("attack"))
    targeted = (
        has("target")
        or any(t in _SECOND_PERSON for t in tokens)
        or any(t in _protected_words(policy.protected_names) for t in tokens)
    )
    sexual = bool(phrases["sexual"].find(tokens)) or (has("sexual_cues") and targeted)
    scam = bool(phrases["scam"].find(tokens)) or _scam_pattern(text, has, link, contact)
    if not scam:
        cues = {p for _, p in phrases["scam_cues"].find(tokens)}
        money_bait = bool(_PERCENT_OFF.search(text))
        scam = len(cues) >= 2 or (len(cues) >= 1 and (link or contact or money_bait))
    blocked = bool(policy.blocked_words) and bool(_blocked_set(policy.blocked_words) & set(tokens))
    return WordHits(insult, hate, sexual, scam, blocked)


_AMOUNT = re.compile(
    r"\d+(?:[.,]\d+)?\s?(?:€|eur\b|euros?\b|\$|£|usd\b|dollars?\b)|[€$£]\s?\d+", re.I
)


def _scam_pattern(text: str, has: object, link: bool, contact: bool) -> bool:
    """Scams are said in many ways but built from few parts: a bait (a prize, money to earn,
    a cheaper copy, a payment or delivery "problem") and a way out of the official checkout
    (private messages, a link, a payment to the sender)."""
    assert callable(has)
    amount = bool(_AMOUNT.search(text))
    way_out = has("private") or link or contact or has("pay_outside") or has("pay_to_me")
    if (has("payment_problem") or has("delivery_problem")) and (
        has("pay_outside") or has("pay_to_me") or link or amount
    ):
        return True
    if has("pay_to_me") and (has("pay_outside") or amount):
        return True
    if has("prize") and way_out:
        return True
    if has("earn") and (amount or way_out):
        return True
    return has("elsewhere") and (has("private") or link or has("pay_outside"))


@lru_cache(maxsize=64)
def _protected_words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for n in names for w in words(n))


@lru_cache(maxsize=64)
def _blocked_set(blocked: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for b in blocked for w in words(b))


# -- names ----------------------------------------------------------------------------------


def impersonates(author_name: str, policy: ModerationPolicy, lexicon: ModerationLexicon) -> bool:
    """A display name that imitates a protected name: after folding, homoglyphs, digits for
    letters and separators, it is the name, the name with a decoration ("officiel",
    "support"), or one letter away from a long name."""
    if not author_name or not policy.protected_names:
        return False
    candidates: set[str] = set()
    for parts in name_variants(author_name):
        squeezed = "".join(parts)
        undecorated = "".join(p for p in parts if p not in lexicon.decorations)
        candidates |= {
            squeezed,
            undecorated,
            squeezed.rstrip("0123456789"),
            undecorated.rstrip("0123456789"),
        }
    candidates.discard("")
    for protected in policy.protected_names:
        target = squeeze_name(protected)
        if not target:
            continue
        for candidate in candidates:
            # "I" and "l" look alike in most chat fonts: "lris" imitates "Iris".
            if candidate == target or candidate.replace("l", "i") == target.replace("l", "i"):
                return True
            if len(target) >= 6 and Levenshtein.distance(candidate, target) <= 1:
                return True
    return False


# -- shape ----------------------------------------------------------------------------------


def symbols(text: str, max_run: int, max_chars: int) -> bool:
    """A character repeated more than `max_run` times, zalgo text, or an oversized message."""
    if len(text) > max_chars:
        return True
    marks = sum(1 for ch in text if unicodedata.category(ch) == "Mn")
    if marks > 12 and marks > len(text) // 3:
        return True
    if len(text) <= max_run:
        return False
    counts: dict[str, int] = {}
    previous, run = "", 0
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Mn"):
            continue  # "😍 😍 😍" and emoji joiners count as the same run
        run = run + 1 if ch == previous else 1
        previous = ch
        if run > max_run:
            return True
        if not ch.isalnum():
            counts[ch] = counts.get(ch, 0) + 1
            if counts[ch] > max_run:
                return True
    return False


def content_categories(text: str, author_name: str, policy: ModerationPolicy) -> list[str]:
    """Every content category that applies to one message, in a stable order."""
    lexicon = load_lexicon()
    categories: list[str] = []
    if impersonates(author_name, policy, lexicon):
        categories.append("impersonation")
    if symbols(text, policy.symbol_run, policy.max_chars):
        categories.append("symbols")
    tokens = words(text)
    link = has_link(fold(text) if not text.isascii() else text, policy, lexicon)
    contact = has_contact(text, tokens, lexicon)
    hits = word_hits(text, tokens, policy, lexicon, link, contact)
    if hits.scam:
        categories.append("scam")
    if hits.hate:
        categories.append("hate")
    if link:
        categories.append("link")
    if contact:
        categories.append("contact")
    if hits.sexual:
        categories.append("sexual")
    if hits.insult:
        categories.append("insult")
    if hits.blocked:
        categories.append("blocked_word")
    return categories
