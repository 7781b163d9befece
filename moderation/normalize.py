"""Normalisation that evasion does not pass, keeping word boundaries.

`words()` gives the comparable words of a message: NFKC (full-width and mathematical letters),
format characters (zero-width) removed, homoglyphs mapped by a TR39-style skeleton (Cyrillic
"а" -> "a"), case and accents folded, leetspeak decoded in words that mix letters and digits,
letters spaced or dotted apart joined ("c o n n a r d", "c.o.n"), and repeated letters squeezed
("arnaaaque"). Lexicon entries go through the same function, so both sides compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_CHARS = 2000

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "€": "e",
        "8": "b",
        "¥": "y",  # "cr¥pto"
    }
)
# Letters (or a leet digit among them: "i d i 0 t") spaced or dotted apart, three or more.
_SPACED = re.compile(r"(?<![\w])(?:[^\W_][\s.\-_*·•]+){2,}[^\W_](?![\w])")
_SEPARATOR = re.compile(r"[\s.\-_*·•]+")
_MARKED_SEPARATOR = re.compile(r"\s*[.\-_*·•][\s.\-_*·•]*")
_WORD = re.compile(r"[a-z0-9@$€!¥]+")
_SQUEEZE = re.compile(r"(.)\1+")
_HAS_LETTER = re.compile(r"[a-z]")
_HAS_DIGIT_OR_SIGN = re.compile(r"[0-9@$€!¥]")


def _build_skeleton() -> dict[int, str]:
    """Non-ASCII characters that look like an ASCII letter or digit, from the Unicode
    confusables data (TR39), mapped to that character."""
    from confusable_homoglyphs import confusables

    table: dict[int, str] = {}
    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or ord(char) < 128:
            continue
        for entry in entries:
            target = entry["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[ord(char)] = target.lower()
                break
    # Letters the confusables data leaves out that read as Latin ones in a name: Cyrillic
    # "к", "м", "т", "н", "в", "г", "п", "и"; "ł", "đ", "ø", dotless "ı".
    for char, letter in zip("кмтнвгпиłđøıĸ", "kmthbrnuldoik", strict=True):
        table.setdefault(ord(char), letter)
    # Small capitals read as letters in names ("ᴊᴜʟɪᴇ"); the confusables data lists few.
    for char, letter in zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True):
        table.setdefault(ord(char), letter)
    # Letters in black circles and squares ("c🅾gli🅾ne"), which NFKC leaves as symbols.
    for first in (0x1F150, 0x1F170):
        for k in range(26):
            table.setdefault(first + k, chr(ord("a") + k))
    return table


_SKELETON = _build_skeleton()


_VS = frozenset(chr(c) for c in range(0xFE00, 0xFE10))
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def is_format_char(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC, no format characters, homoglyphs to ASCII, casefold, no accents."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    # format characters, and the variation selectors that follow an emoji letter ("🅾️")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ch not in _VS)
    text = text.translate(_SKELETON).casefold().translate(_LIGATURES)  # "sœur": two letters
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_spelled(run: str) -> bool:
    """Whether a run of single characters spells words: mostly letters, digits only as leet
    among them ("i d i 0 t"), never a spaced-out number ("0 6 1 2") or a list of sizes."""
    chars = _SEPARATOR.sub("", run)
    letters = sum(ch.isalpha() for ch in chars)
    return letters >= 3 and 2 * (len(chars) - letters) < letters


_EDGE_DIGITS = re.compile(r"^(?:\d[\s.\-_*·•]+)+|(?:[\s.\-_*·•]+\d)+$")


def _join_run(match: re.Match[str]) -> str:
    """One run joined: "c o n n a r d" -> "connard"; when the letters are dotted within words
    and the words spaced apart ("q.u.e r.i.c.a"), each word is joined on its own. Digits at
    either end are numbers beside the word ("t e m u à 2€"), not leet in it."""
    whole = match.group(0)
    edges = list(_EDGE_DIGITS.finditer(whole))
    head = next((m.group(0) for m in edges if m.start() == 0), "")
    tail = next((m.group(0) for m in edges if m.end() == len(whole) and m.start() > 0), "")
    run = whole[len(head) : len(whole) - len(tail)]
    if not _is_spelled(run):
        return whole
    return head + _joined(run) + tail


def _joined(run: str) -> str:
    if _MARKED_SEPARATOR.search(run) and re.search(r"[^\W_]\s+[^\W_]", run):
        return " ".join(_SEPARATOR.sub("", word) for word in run.split())
    if re.search(r"[^\W_] [^\W_]", run) and re.search(r"\s{2,}", run):
        # "f r e e  i P h o n e": letters one space apart, words two apart
        return " ".join(_SEPARATOR.sub("", word) for word in re.split(r"\s{2,}", run))
    return _SEPARATOR.sub("", run)


def _join_spaced(text: str) -> str:
    return _SPACED.sub(_join_run, text)


@lru_cache(maxsize=65536)
def spaced_runs(text: str) -> tuple[str, ...]:
    """The runs of letters spaced or dotted apart in a text, each joined and squeezed like
    words are ("t e m u" -> "temu"), with whatever one-letter words stood beside them."""
    runs = (_EDGE_DIGITS.sub("", m.group(0)) for m in _SPACED.finditer(fold(text)))
    return tuple(_decode(_SEPARATOR.sub("", run)) for run in runs if _is_spelled(run))


_SUPERLATIVE = re.compile(r"(?<=\w{3})isim([oa]s?|[ie])$")  # after doubled letters squeezed


def _decode(word: str, superlatives: bool = True) -> str:
    word = word.strip("!")  # "gewonnen!": an exclamation, not an "i" ("b!tch" keeps its own)
    if _HAS_LETTER.search(word) and _HAS_DIGIT_OR_SIGN.search(word):
        word = word.translate(_LEET)
    word = _SQUEEZE.sub(r"\1", word)
    if superlatives:
        word = _SUPERLATIVE.sub(r"\1", word)  # "gordísima" -> "gorda", "bellissima" -> "bella"
    return word


@lru_cache(maxsize=65536)
def words(text: str, superlatives: bool = True) -> tuple[str, ...]:
    """The comparable words of a text (see the module docstring); without `superlatives`,
    a superlative stays itself (a brand called "Ondissima" is not "onda")."""
    folded = _join_spaced(fold(text))
    return tuple(_decode(w, superlatives) for w in _WORD.findall(folded) if w.strip("@$€!"))


@lru_cache(maxsize=65536)
def squeeze_name(name: str) -> str:
    """A display name reduced to its letters: 'At3lier_Solène 2' -> 'ateliersolene'."""
    return "".join(words(name)).translate(str.maketrans("", "", "0123456789"))


_NAME_LEET = (str.maketrans({"1": "l", "|": "l"}), str.maketrans({"1": "i", "|": "i"}))


@lru_cache(maxsize=65536)
def name_variants(name: str) -> tuple[tuple[str, ...], ...]:
    """A display name's words, read with "1" as "l" and as "i" ("Mar1on" is "Marion"), and
    with a capital "I" as an "l" ("CIara" is "Clara", "JuIie" is "Julie")."""
    variants = set()
    for spelling in {name, name.replace("I", "l")}:
        folded = fold(spelling)
        variants |= {words(folded.translate(table)) for table in _NAME_LEET}
    return tuple(v for v in variants if v)
