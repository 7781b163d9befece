"""Links: URLs and domains a message points to, plain or disguised, outside the allowed ones.

Real top-level domains come from tldextract's bundled public-suffix snapshot (offline). A
domain written bare ("lea.boutique", "merci.de") is only a link when it looks like one: a
common web suffix, or a word-like suffix with a path, a scheme or a label no sentence has.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import tldextract

from moderation.lexicon import ModerationLexicon

# "site . com", "site[.]com", "site(dot)com", "site dot com", "site point fr", full stops
# from NFKC already folded; applied only to text that has a dot-word or a bracket.
_DISGUISED_DOT = re.compile(
    r"\s*[\[({]\s*(?:\.|dot|point|punto|punkt)\s*[\])}]\s*"
    r"|(?<=[a-z0-9])\s+\.\s*(?=[a-z]{2,}\b)"
    # "site. com"; a suffix that is also a word ("it", "es", "de") only at the end or before
    # a path: "la chaqueta. es preciosa" and "my postage. it's 5€" are two sentences
    r"|(?<=[a-z0-9])\.\s+(?=(?:com|net|org|shop|store|online|xyz|fr|ch|io|ru|uk|eu|info)\b(?!['’])"
    r"|(?:de|es|it|be|co)(?:\s*$|/))"
    r"|(?<=[a-z0-9])\s+(?:dot|point|punto|punkt)\s+(?=[a-z]{2,}\b)"
    r"|(?<=[a-z0-9])\s*/\s*\.\s*/?\s*(?=[a-z])",
    re.I,
)
# a dot in brackets is written to get past a filter: whatever it joins is a link
_BRACKETED_DOT = re.compile(r"[\[({]\s*(?:\.|dot|point|punto|punkt)\s*[\])}]", re.I)
_SCHEME = re.compile(r"\b(?:h[tx]{2}ps?|ftp)\s*(?::|\[:\])\s*/\s*/\s*", re.I)
_CANDIDATE = re.compile(
    r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,23})(?![\w-])"
    r"(/[^\s]*)?",
    re.I,
)
_HOST_AFTER_SCHEME = re.compile(r"([a-z0-9.-]+)", re.I)
_NUMBERS = re.compile(r"[\d.]+")
_HINTS = re.compile(r"[.]|\bdot\b|\bpoint\b|\bpunto\b|\bpunkt\b|\[\s*\.|\(\s*\.", re.I)


@cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(host: str) -> tuple[str, str] | None:
    """(registered domain, suffix) of a host name, or None when it has no public suffix."""
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}", parts.suffix


def is_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """The host is an allowed domain or one of its subdomains."""
    host = host.lower().strip(".").removeprefix("www.")
    return any(host == a or host.endswith("." + a) for a in allowed)


def _undisguise(text: str) -> str:
    return _DISGUISED_DOT.sub(".", text)


@lru_cache(maxsize=32768)
def linked_hosts(text: str, lexicon: ModerationLexicon) -> tuple[str, ...]:
    """Hosts a message points to (lower case), whether it spells them plainly or not."""
    if not _HINTS.search(text):
        return ()
    bracketed = bool(_BRACKETED_DOT.search(text))
    lowered = _undisguise(text.casefold())
    found: list[str] = []
    explicit_spans: list[tuple[int, int]] = []
    for match in _SCHEME.finditer(lowered):
        after_scheme = _HOST_AFTER_SCHEME.match(lowered, match.end())
        if after_scheme and "." in after_scheme.group(1):
            found.append(after_scheme.group(1).strip("."))
            explicit_spans.append((after_scheme.start(), after_scheme.end()))
    for match in _CANDIDATE.finditer(lowered):
        host, path = match.group(1), match.group(2)
        if _NUMBERS.fullmatch(host) or any(s <= match.start() < e for s, e in explicit_spans):
            continue
        explicit = bracketed or host.startswith("www.") or bool(path and len(path) > 1)
        if explicit or _looks_like_a_bare_domain(host, lexicon):
            found.append(host)
    return tuple(found)


def _looks_like_a_bare_domain(host: str, lexicon: ModerationLexicon) -> bool:
    """'shop-deals.com' is a link; 'lea.boutique' and 'merci.de' are words around a dot."""
    if host in lexicon.shorteners:
        return True
    parts = registered_domain(host)
    if parts is None:
        return False
    domain, suffix = parts
    label = domain[: -len(suffix) - 1]
    last = suffix.rsplit(".", 1)[-1]
    if last not in lexicon.tlds and len(last) != 2:
        return False  # "lea.boutique", "la.mode": a real suffix, but a word in chat
    if label in lexicon.chat_words:
        return False
    if last in lexicon.wordlike_tlds:
        # "fini.je", "super.it": a word, a dot, a word; a label with a hyphen or a digit, or a
        # longer one, is a domain.
        return "-" in label or any(c.isdigit() for c in label) or len(label) >= 5
    return True


def has_link(text: str, allowed: tuple[str, ...], lexicon: ModerationLexicon) -> bool:
    """A URL or domain outside the allowed ones (and their subdomains); shorteners too."""
    for host in linked_hosts(text, lexicon):
        if host in lexicon.shorteners or host.split(".", 1)[-1] in lexicon.shorteners:
            return True
        if is_allowed(host, allowed):
            continue
        if registered_domain(host) is not None or _NUMBERS.fullmatch(host.replace(".", "")):
            return True
    return False
