"""Contact details: phone numbers, e-mail addresses and messaging handles posted in the chat.

A number is a phone when it is shaped like a European one (international prefix, a national
trunk "0", Spanish and Italian mobiles), not when it is a price, a size list, a time, a date
or an order number that the message calls so.
"""

from __future__ import annotations

import re

from moderation.lexicon import ModerationLexicon

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:@|[(\[{]\s*(?:at|arroba|arobase|chiocciola)\s*[)\]}]"
    r"|\s+(?:at|arobase|arroba|chiocciola)\s+)\s*"
    r"[\w-]+(?:\s*(?:\.|[(\[]\s*(?:dot|punto|point|ponto|punkt)\s*[)\]]"
    r"|\s+(?:dot|point|punto|punkt)\s+)\s*[\w-]+)*"
    r"\s*(?:\.|[(\[]\s*(?:dot|punto|point|ponto|punkt)\s*[)\]]|\s+(?:dot|point|punto|punkt)\s+)\s*"
    r"(?:com|net|org|fr|de|es|it|be|ch|uk|co|eu|io|me|info|nl|at|pt|pl|lu|ie|ru)\b",
    re.I,
)
_PHONE = re.compile(r"(?<![\w+.,/-])(?:\+|00)?\s?\(?\d(?:[\s.\-/()]{0,3}\d){7,15}(?![\w%€$£])")
_HANDLE = re.compile(r"(?<![\w.])@[a-z0-9_.]{3,30}", re.I)
_SPANISH_MOBILE = re.compile(
    r"^[67]\d{2}(?:[\s.]?\d{3}[\s.]?\d{3}|[\s.]\d{2}[\s.]\d{2}[\s.]\d{2})$"
)
_ITALIAN_MOBILE = re.compile(r"^3\d{2}[\s.]?\d{3}[\s.]?\d{3,4}$|^3\d{2}[\s.]?\d{6,7}$")
_PAIRED_PHONE = re.compile(r"^0[1-9](?:[\s.-]\d{2}){4}$")
_SIZE_LIST = re.compile(r"^\d{2}(?:[\s/-]+\d{2})+$")
# Letters written for digits inside a group of digits ("O6 l2 34 56 78"): a group of
# digits and look-alike letters, with at least one real digit, standing on its own.
_LOOKALIKE_GROUP = re.compile(r"(?<![A-Za-z])[0-9OoIl|SZB]*[0-9][0-9OoIl|SZB]*(?![A-Za-z])")
_TO_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "Z": "2", "B": "8"}
)
# "one two three ... ten" is counting, not a phone number
_COUNTING = "".join(str(n) for n in range(21)) + "".join(str(n) for n in range(20, -1, -1))
_SPLIT_PHONE_DIGITS = 8  # digits, in pieces, beside "my number", that make a phone
_SPELLED_MIN_WORDS = 2  # number words in a run of digits before it reads as spelled out


def _digitized(text: str) -> str:
    return _LOOKALIKE_GROUP.sub(lambda m: m.group(0).translate(_TO_DIGITS), text)


def _phone_shape(candidate: str) -> bool:
    """European phone shapes, from the digits and how they are grouped."""
    candidate = candidate.strip()
    digits = re.sub(r"\D", "", candidate)
    if not 9 <= len(digits) <= 15 or len(set(digits)) <= 2:
        return False
    if _SIZE_LIST.match(candidate) and not digits.startswith("0"):
        return False  # "36 38 40 42 44"
    if candidate.startswith(("+", "00", "(+", "(00")):
        return len(digits) >= 10
    if digits.startswith("0") and 10 <= len(digits) <= 13 and not digits.startswith("00"):
        return True
    # "612 345 678", "3 3 8 . 9 1 2 . 4 5 6 7": the mobile's digits, however they are spaced
    return any(p.match(c) for p in (_SPANISH_MOBILE, _ITALIAN_MOBILE) for c in (candidate, digits))


def _order_context(tokens: tuple[str, ...], lexicon: ModerationLexicon) -> bool:
    return bool(lexicon.order_words.find(tokens))


def has_phone(text: str, tokens: tuple[str, ...], lexicon: ModerationLexicon) -> bool:
    """A phone number, unless the message says it is an order, a parcel or a reference
    (and names no messaging app: "mon whatsapp 06…, pour échanger des tailles" is contact).
    Look-alike letters in digit groups count as the digits they stand for."""
    text = _digitized(text)
    if sum(c.isdigit() for c in text) < 9:
        return False
    # a messaging app beside the number says what it is for, whatever else is said
    cue = bool(lexicon.phrases["contact_cues"].find(tokens)) or any(
        t in lexicon.messaging_apps for t in tokens
    )
    for match in _PHONE.finditer(text):
        candidate = match.group(0)
        if not _phone_shape(candidate):
            continue
        international = candidate.lstrip(" (").startswith(("+", "00"))
        # "06 12 34 56 78": written in pairs after a trunk 0, the way phones are, never an
        # order number, whatever the message is about
        paired = _PAIRED_PHONE.match(candidate.strip()) is not None
        if international or cue or paired or not _order_context(tokens, lexicon):
            return True
    return False


def _spelled_digits(tokens: tuple[str, ...], number_words: dict[str, int]) -> list[str]:
    """The digit strings that runs of number words and digits spell ("zero six, douze,
    trente-quatre", "seis uno dos", "0 one 7 six"): tens and units said apart are joined
    ("soixante dix huit" is 78, "twenty one" is 21, "quatre vingt" is 80)."""
    runs: list[str] = []
    digits: list[str] = []
    spoken = 0
    pending: int | None = None  # a number word waiting for what may complete it

    def flush_word() -> None:
        nonlocal pending
        if pending is not None:
            digits.append(str(pending))
            pending = None

    def end_run() -> None:
        nonlocal spoken
        flush_word()
        if spoken >= _SPELLED_MIN_WORDS:
            runs.append("".join(digits))
        digits.clear()
        spoken = 0

    for token in tokens:
        value = number_words.get(token)
        if value is not None:
            spoken += 1
            if pending is not None and pending >= 20 and pending % 10 == 0 and value < 20:
                pending += value  # "twenty one", "soixante dix" (then "huit")
                if pending % 10 != 0:
                    flush_word()
            elif pending is not None and pending < 10 and value == 20:
                pending *= value  # "quatre vingt"
            else:
                flush_word()
                pending = value
        elif token.isdigit():
            flush_word()
            digits.append(token)
        else:
            end_run()
    end_run()
    return runs


# a user name: three letters or more, then a digit, an underscore or a dot inside
# ("anna.b92", "anna_b", "annab92"); not a product code ("M2", "A12")
_HANDLE_WORD = re.compile(
    r"(?<![\w@.])[a-z]{3,}[a-z0-9]*(?:[._][a-z0-9]+|\d[a-z0-9]*)+(?![\w@])"
    r"|(?<![\w@.])[a-z][\w.]{1,31}#\d{4}\b",  # a Discord tag: "name#4821"
    re.I,
)
# "plus 33 6…", "più 39 347…": the international prefix said in words
_PLUS_WORD = re.compile(r"\b(?:plus|più|piu|más|mas)\s+(?=\d)", re.I)


def _named_account(text: str, tokens: tuple[str, ...], names: frozenset[str]) -> bool:
    """A messaging app or a mailbox named, and a user name written with it ("telegram:
    anna92", "my gmail is anna.b92")."""
    return any(t in names for t in tokens) and bool(_HANDLE_WORD.search(text))


def has_contact(text: str, tokens: tuple[str, ...], lexicon: ModerationLexicon) -> bool:
    """Phone numbers, e-mail addresses, messaging handles ("WhatsApp me", "telegram @x")."""
    if _PLUS_WORD.search(text):
        text = _PLUS_WORD.sub("+", text)
    if _EMAIL.search(text) or has_phone(text, tokens, lexicon):
        return True
    if _named_account(text, tokens, lexicon.email_providers | lexicon.messaging_apps):
        return True
    if lexicon.concepts["number_request"].find(tokens):
        return True  # "pásame tu número": a phone number asked for, to go off the chat
    if (
        sum(c.isdigit() for c in text) >= _SPLIT_PHONE_DIGITS
        and lexicon.concepts["own_number"].find(tokens)
        and not _order_context(tokens, lexicon)
    ):
        # "mi número acaba en 45 67 y empieza por 699 12": a phone given in pieces
        return True
    if any(
        9 <= len(run) <= 15 and len(set(run)) > 2 and run not in _COUNTING
        for run in _spelled_digits(tokens, lexicon.number_words)
    ):
        return True
    if not any(t in lexicon.messaging_apps for t in tokens):
        return False
    if _HANDLE.search(text) or lexicon.phrases["contact_cues"].find(tokens):
        return True
    # "whatsapp 6123456": a number beside the app, unless the message calls it an order's
    number = any(t.isdigit() and len(t) >= 6 for t in tokens) and not _order_context(
        tokens, lexicon
    )
    return number or bool(lexicon.concepts["private"].find(tokens))
