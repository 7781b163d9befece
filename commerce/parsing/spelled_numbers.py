"""Numbers from eleven to ninety-nine spelled in words, read as digits.

Viewers say sizes and counts in words ("talla cuarenta y dos", "achtundzwanzig",
"cinquantacinque", "vingt-huit", "forty two"); the parser reads digits, so `normalize` turns
these into "42", "28", "55", "28", "42". One to ten stay words: they are also articles and
pronouns ("une", "one", "uno"), which the lexicons tell apart. Spellings are folded (no
accents, lower case), as `normalize` leaves them. Words that are more often something else
are left out: English "once" (Spanish 11), "quince" (a fruit), German "elf" (an elf).
"""

from __future__ import annotations

import re

_UNITS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
           "sept": 7, "huit": 8, "neuf": 9},
    "es": {"uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
           "seis": 6, "siete": 7, "ocho": 8, "nueve": 9},
    "de": {"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5,
           "sechs": 6, "sieben": 7, "acht": 8, "neun": 9},
    "it": {"uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7,
           "otto": 8, "nove": 9},
}  # fmt: skip

_TEENS = {
    "en": {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19},
    "fr": {"onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
           "dix-sept": 17, "dix sept": 17, "dix-huit": 18, "dix huit": 18, "dix-neuf": 19,
           "dix neuf": 19},
    "es": {"doce": 12, "trece": 13, "catorce": 14, "dieciseis": 16, "diecisiete": 17,
           "dieciocho": 18, "diecinueve": 19},
    "de": {"zwolf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "funfzehn": 15,
           "fuenfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19},
    "it": {"undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15,
           "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19},
}  # fmt: skip

_TENS = {
    "en": {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
           "seventy": 70, "eighty": 80, "ninety": 90},
    "fr": {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
           "septante": 70, "huitante": 80, "octante": 80, "quatre-vingt": 80,
           "quatre vingt": 80, "quatre-vingts": 80, "nonante": 90},
    "es": {"veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
           "setenta": 70, "ochenta": 80, "noventa": 90},
    "de": {"zwanzig": 20, "dreissig": 30, "dreisig": 30, "vierzig": 40, "funfzig": 50,
           "fuenfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90},
    "it": {"venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60,
           "settanta": 70, "ottanta": 80, "novanta": 90},
}  # fmt: skip


def _spellings() -> dict[str, int]:
    """Every spelling of 11..99 these tables make, in each language's way of joining."""
    out: dict[str, int] = {}
    for language, tens in _TENS.items():
        units = _UNITS[language]
        out.update(_TEENS[language])
        for ten_word, ten in tens.items():
            out[ten_word] = ten
            for unit_word, unit in units.items():
                value = ten + unit
                if language == "en":
                    joins = [f"{ten_word}-{unit_word}", f"{ten_word} {unit_word}"]
                elif language == "fr":
                    link = " et " if unit == 1 and ten not in (80,) else "-"
                    joins = [f"{ten_word}{link}{unit_word}", f"{ten_word} {unit_word}"]
                    if unit == 1:
                        joins.append(f"{ten_word}-et-{unit_word}")
                elif language == "es":
                    joins = [f"{ten_word} y {unit_word}"]
                    if ten == 20:
                        joins.append("veinti" + unit_word)
                elif language == "de":
                    joins = [f"{'ein' if unit == 1 else unit_word}und{ten_word}"]
                else:  # it: "ventuno", "trentotto" drop the vowel before uno/otto
                    stem = ten_word[:-1] if unit in (1, 8) else ten_word
                    joins = [stem + unit_word]
                for join in joins:
                    out.setdefault(join, value)
        if language == "fr":
            # "soixante-dix", "quatre-vingt-dix": the tens of France said with the teens
            for base, base_value in (("soixante", 60), ("quatre-vingt", 80), ("quatre vingt", 80)):
                for teen_word, teen in {"dix": 10, **_TEENS["fr"]}.items():
                    for link in ("-", " "):
                        out.setdefault(f"{base}{link}{teen_word}", base_value + teen)
                out.setdefault(f"{base} et onze", base_value + 11)
    out["veintiun"] = 21
    return out


SPELLED = _spellings()
_PATTERN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(s) for s in sorted(SPELLED, key=len, reverse=True))
    + r")(?![\w-])"
)


# every spelling holds a teen or a ten, maybe short of its last letter: most comments have
# none, and are left at once
_HINT = re.compile(
    "|".join(
        re.escape(word[:-1])  # "quarant" of "quarantotto"
        for table in (*_TEENS.values(), *_TENS.values())
        for word in table
        if " " not in word and "-" not in word
    )
    + "|veinti|dix"
)


def digits_for_spelled(text: str) -> str:
    """The folded text with each spelled number from 11 to 99 written in digits."""
    if _HINT.search(text) is None:
        return text
    return _PATTERN.sub(lambda m: str(SPELLED[m.group(1)]), text)
