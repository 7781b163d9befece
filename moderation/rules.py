"""Content rules: what a single message says and who it claims to be from, whatever its
author did before (flood and repetition live in moderation.history)."""

from __future__ import annotations

from moderation.contact import has_contact
from moderation.lexicon import load_lexicon
from moderation.links import has_link
from moderation.names import impersonates
from moderation.normalize import fold, words
from moderation.policy import ModerationPolicy
from moderation.shape import is_symbols
from moderation.speech import speech_hits

# The longest message Telegram or Discord delivers; anything longer is removed for its length
# and only its start is read, so no message can make the rules slow.
MAX_SCANNED_CHARS = 4096


def name_categories(author_name: str, policy: ModerationPolicy) -> tuple[str, ...]:
    """What the author's name alone says (someone posing as the host or the brand)."""
    if impersonates(author_name, policy.protected_names, load_lexicon()):
        return ("impersonation",)
    return ()


def text_categories(text: str, policy: ModerationPolicy) -> tuple[str, ...]:
    """What the message's text says, whoever wrote it."""
    lexicon = load_lexicon()
    categories: list[str] = []
    if is_symbols(text, policy.symbol_run, policy.max_chars):
        categories.append("symbols")
    text = text[:MAX_SCANNED_CHARS]
    tokens = words(text)
    folded = fold(text)
    link = has_link(text if text.isascii() else folded, policy.allowed_domains, lexicon)
    contact = has_contact(text, tokens, lexicon)
    hits = speech_hits(
        text, folded, tokens, lexicon, policy.protected_names, policy.blocked_words, link, contact
    )
    if "*" in text:
        # "f*ck you", "t'es une p*te": what the starred words can be, read too
        for reading in lexicon.unmaskings(text):
            hits = hits | speech_hits(
                reading,
                fold(reading),
                words(reading),
                lexicon,
                policy.protected_names,
                policy.blocked_words,
                link,
                contact,
            )
    for category, found in (
        ("scam", hits.scam),
        ("hate", hits.hate),
        ("link", link),
        ("contact", contact),
        ("sexual", hits.sexual),
        ("insult", hits.insult),
        ("blocked_word", hits.blocked),
    ):
        if found:
            categories.append(category)
    return tuple(categories)


def strong_insult(text: str) -> bool:
    """Whether the text holds an insult that removes wherever it is said ("connard")."""
    return bool(load_lexicon().phrases["insult_strong"].find(words(text[:MAX_SCANNED_CHARS])))
