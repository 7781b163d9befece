"""What a message says: insults, hate, sexual comments, scams and blocked words, from lexicons.

Words alone decide little. An insult needs a person it is aimed at (not the speaker, not a
product), and so does a likening to something ridiculous; a sexual cue needs a person too,
or an emoji that carries the innuendo; hate is a group and what is said of it in the same
sentence; a scam is a bait (a prize, money to earn, a cheaper copy, a payment or delivery
"problem") joined to a way out of the official checkout (private messages, a link, a
payment to the sender). The lexicons hold the words; this module holds those few compositions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from moderation.lexicon import ModerationLexicon, PhraseSet
from moderation.normalize import spaced_runs, words

_AMOUNT = re.compile(
    r"(?<!\d)\d+(?:[.,]\d+)?\s?(?:€|eur\b|euros?\b|\$|£|usd\b|dollars?\b|k\b|btc\b|usdt\b|chf\b)"
    r"|[€$£]\s?\d+|\bchf\s?\d+",
    re.I,
)
# "39€ au lieu de 79€", "the same coat for 120€": a price cut or the same thing for less,
# the bait of a cheaper copy however it is worded
_PRICE_CUT = re.compile(
    r"\b(?:au lieu de|instead of|rather than|en vez de|en lugar de|statt|anstatt|invece di"
    r"|anzich[eé])\s*(?:\d|[€$£])"
    r"|\b(?:same|m[eê]me|mism[oa]|gleiche[nrs]?|selbe[nrs]?|stess[oa])\b[^.!?\n]{0,40}?"
    r"\b(?:for|[àa]|por|f[üu]r|per|pour)\s*(?:\d|[€$£])",
    re.I,
)
_PERCENT = re.compile(r"\d{1,3}\s?%")
_MENTION = re.compile(r"(?<![\w.])@\w")
# "envoie-moi 49€", "send me $50", "mándame 30 euros": money asked for, whatever the channel.
_SEND_AMOUNT = re.compile(
    r"\b(?:envoie|envoyez|verse|versez|vire|virez|send|transfer|wire|envía|envia|manda|mándame"
    r"|mandame|schick|überweis|mandami|inviami|invia)\w*(?:[\s-]+(?:moi|me|mir|mi|me))?"
    r"\s+(?:\d+(?:[.,]\d+)?\s?(?:€|eur|euros?|\$|£|chf)|[€$£]\s?\d+|chf\s?\d+)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class SpeechHits:
    """The categories a message's words fall in."""

    insult: bool = False
    hate: bool = False
    sexual: bool = False
    scam: bool = False
    blocked: bool = False

    def __or__(self, other: SpeechHits) -> SpeechHits:
        return SpeechHits(
            self.insult or other.insult,
            self.hate or other.hate,
            self.sexual or other.sexual,
            self.scam or other.scam,
            self.blocked or other.blocked,
        )


class _Found:
    """Lazy lookups of one message's tokens in the lexicon (each set searched at most once)."""

    __slots__ = ("_memo", "_spans", "lexicon", "tokens")

    def __init__(self, tokens: tuple[str, ...], lexicon: ModerationLexicon) -> None:
        self.tokens = tokens
        self.lexicon = lexicon
        self._memo: dict[str, int] = {}
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def _count(self, name: str, phrases: PhraseSet) -> int:
        hits = self._memo.get(name)
        if hits is None:
            hits = len({p for _, p in phrases.find(self.tokens)})
            self._memo[name] = hits
        return hits

    def phrase(self, category: str) -> int:
        return self._count("p:" + category, self.lexicon.phrases[category])

    def concept(self, name: str) -> int:
        return self._count("c:" + name, self.lexicon.concepts[name])

    def spans(self, name: str) -> list[tuple[int, int]]:
        """Where a concept's phrases are, (first word, last word), looked up once."""
        found = self._spans.get(name)
        if found is None:
            found = self._spans[name] = _spans(self.lexicon.concepts[name], self.tokens)
        return found

    def words_of(self, name: str) -> frozenset[int]:
        """The positions of the words a concept matched (to tell two cues from one word
        that two concepts share: "doublée" is not money to earn *and* a promise)."""
        return frozenset(
            start + offset
            for start, phrase in self.lexicon.concepts[name].find(self.tokens)
            for offset in range(len(phrase))
        )


_NEAR = 4  # words between an insult and the person it is aimed at


def _positions(
    found: _Found, text: str, protected_words: frozenset[str]
) -> tuple[list[tuple[int, int, bool]], list[int], bool, bool]:
    """Where people are mentioned ((start, end, named or addressed), a pronoun is weak),
    where products are, whether the speaker talks about themselves, and whether they
    address someone directly."""
    tokens, lexicon = found.tokens, found.lexicon
    people: list[tuple[int, int, bool]] = []
    addressed = False
    for i, token in enumerate(tokens):
        if token in lexicon.second_person:
            people.append((i, i, True))
            addressed = True
        elif token in protected_words:
            people.append((i, i, True))
        elif token in lexicon.third_person:
            people.append((i, i, False))
    addressed_words: set[int] = set()
    for start, pattern in lexicon.phrases["address"].find(tokens):
        people.append((start, start + len(pattern) - 1, True))
        addressed_words.update(range(start, start + len(pattern)))
    if _MENTION.search(text):
        people.append((0, 0, True))
    times = {start for start, _ in lexicon.concepts["time_words"].find(tokens)}
    named = {i for i, token in enumerate(tokens) if token in protected_words}
    persons = {i for i, token in enumerate(tokens) if token in lexicon.second_person}
    # "you'd look": the contraction stands between the person and the verb
    persons |= {i + 1 for i in persons if i + 1 < len(tokens) and tokens[i + 1] in ("d", "ll")}
    products = [
        i
        for start, pattern in lexicon.phrases["products"].find(tokens)
        # "ce soir", "cette Clara", "cette présentatrice": a demonstrative before a time or
        # a person names no product; "you look": a word right after a person is what they do
        if not (
            len(pattern) == 1
            and (start + 1 in times or start + 1 in named or start + 1 in addressed_words)
        )
        and start - 1 not in persons
        for i in range(start, start + len(pattern))
        if i not in addressed_words  # "la modelo" is the person, not a product model
    ]
    # "la 14 L elle est énorme": a product called by its code
    products += [
        i
        for i, token in enumerate(tokens)
        if i > 0 and token.isdigit() and len(token) <= 3 and tokens[i - 1] in lexicon.code_articles
    ]
    own = bool(found.phrase("self"))
    return people, products, own, addressed


def _aimed(
    found: _Found,
    text: str,
    protected_words: frozenset[str],
    hits: list[tuple[int, int]],
    bodily: bool = False,
) -> bool:
    """One of the hits (start, end) is about a person: someone named or addressed, or a
    pronoun, is nearer to it than any product, and the speaker is not describing
    themselves ("je suis nulle", "I'm so fat"). Words about a body (`bodily`) are about the
    person named or addressed nearby, even with a garment in between ("too fat for this
    coat")."""
    people, products, own, addressed = _positions(found, text, protected_words)
    if not people or (own and not addressed):
        return False
    if products and not any(strong for _, _, strong in people):
        return False  # "il est moche en vrai le vert ?": "il" is the product
    selves = [end for _, end in _spans(found.lexicon.phrases["self"], found.tokens)]
    if not products and any(strong and ps <= 1 for ps, _, strong in people) and not selves:
        # "Inès eres más sosa que una vela … y encima fea": a message that opens on a
        # person and names no product speaks of them throughout
        return True
    for start, end in hits:
        if any(0 < start - self_end <= 3 for self_end in selves):
            continue  # "je suis pas douée, vous conseillez quoi ?": said of oneself
        gaps = [(max(ps - end, start - pe, 0), strong) for ps, pe, strong in people]
        if bodily and any(strong and gap <= _NEAR for gap, strong in gaps):
            return True
        gap, strong = min(gaps, key=lambda g: (g[0], not g[1]))
        if gap > _NEAR:
            continue
        product_gap = min(
            (max(i - end, start - i, 0) for i in products if not start <= i <= end),
            default=_NEAR + 1,
        )  # a garment inside the words themselves ("without the dress") is not their target
        if product_gap < gap or (product_gap == gap and not strong):
            continue
        return True
    return False


def _likened(found: _Found, text: str, protected: frozenset[str]) -> bool:
    """Mockery by comparison: a person likened to something ridiculous ("you look like a
    potato", "t'as une tête de crapaud"), the comparison aimed like an insult."""
    if found.concept("likening") and _likened_to_anything(found, text, protected):
        return True
    if not found.concept("ridicule") or not found.concept("comparison"):
        return False
    concepts = found.lexicon.concepts
    tokens = found.tokens
    goods = {
        i for s, p in found.lexicon.phrases["products"].find(tokens) for i in range(s, s + len(p))
    }
    likened = [
        (c_start, r_end, goods.issuperset(range(r_start, r_end + 1)))
        for c_start, c_end in _spans(concepts["comparison"], tokens)
        for r_start, r_end in _spans(concepts["ridicule"], tokens)
        if 0 < r_start - c_end <= 4  # "wie ein nasser Sack Kartoffeln"
    ]
    if not likened:
        return False
    # "Hüften wie ein Schrank", "piernas como palillos": a body part likened to a thing is
    # body shaming, aimed at whoever is named nearby, even past a product word
    parts = {end for _, end in _spans(concepts["body_parts"], tokens)}
    bodily = [(s, e) for s, e, _ in likened if any(0 <= s - end <= 2 for end in parts)]
    if bodily and _aimed(found, text, protected, bodily, bodily=True):
        return True
    # "plus grand qu'une assiette ?": a thing the shop sells is what a product is compared to
    return _aimed(found, text, protected, [(s, e) for s, e, sold in likened if not sold])


_LIKENED_REACH = 3  # words from "cara de", "sembri un" to what the person is likened to


def _likened_to_anything(found: _Found, text: str, protected: frozenset[str]) -> bool:
    """A person named or addressed, likened to a thing that is neither sold here nor
    praise: "Marta tiene cara de acelga", "sembri un pappagallo", "t'as une voix de
    crécelle" ("pareces una muñeca", "cara de ángel" and "sembra un vestito da sera" stay)."""
    concepts, tokens = found.lexicon.concepts, found.tokens
    goods = {
        i for s, p in found.lexicon.phrases["products"].find(tokens) for i in range(s, s + len(p))
    }
    praise = {i for s, e in _spans(concepts["flattering"], tokens) for i in range(s, e + 1)}
    pets = {i for s, e in _spans(concepts["pets"], tokens) for i in range(s, e + 1)}
    likened = []
    for start, end in _spans(concepts["likening"], tokens):
        following = [
            i
            for i in range(end + 1, min(len(tokens), end + 1 + _LIKENED_REACH))
            if len(tokens[i]) > 2 and not tokens[i].isdigit()
        ]
        subject_is_a_pet = any(start - 2 <= i < start for i in pets)  # "il tuo cane sembra"
        if (
            following
            and not subject_is_a_pet
            and not any(i in goods or i in praise for i in following)
        ):
            likened.append((start, following[0]))
    if not likened:
        return False
    people = _positions(found, text, protected)[0]
    return any(
        named and (abs(p_start - start) <= _GROUP_REACH or abs(p_end - start) <= _GROUP_REACH)
        for start, _ in likened
        for p_start, p_end, named in people
    )


def _banter(found: _Found, text: str, protected: frozenset[str]) -> bool:
    """A mild insult laughed off with affection between viewers ("jajaja calla tonta 😘"),
    or thrown at a troll or a spammer ("vattene troll"). Never of the hosts or the brand."""
    lexicon, tokens = found.lexicon, found.tokens
    if any(t in protected for t in tokens):
        return False
    if any(t in lexicon.calling_out for t in tokens):
        return True  # "vattene troll", "dégueulasse, signalé": the chat defended
    laughs = any(t in lexicon.laughter for t in tokens) or any(
        e in text for e in lexicon.laughter_emoji
    )
    return laughs and any(e in text for e in lexicon.affection)


def _mocked(found: _Found, text: str, protected: frozenset[str]) -> bool:
    """A mocking emoji ("🤡") in a message about a person named or addressed: "la vendeuse
    compte comme une enfant 🤡"."""
    if not any(e in text for e in found.lexicon.mocking_emoji):
        return False
    return any(named for _, _, named in _positions(found, text, protected)[0])


def _of_oneself(found: _Found, text: str, protected: frozenset[str], hit: tuple[int, int]) -> bool:
    """A word a buyer says of themselves ("sono una cretina, ho sbagliato taglia"): right
    after "I am", with nobody named or addressed in between."""
    start = hit[0]
    people = {ps for ps, _, named in _positions(found, text, protected)[0] if named}
    return any(
        0 < start - own <= 3 and not any(own < p < start for p in people)
        for _, own in _spans(found.lexicon.phrases["self"], found.tokens)
    )


def _spans(phrases: PhraseSet, tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(start, start + len(p) - 1) for start, p in phrases.find(tokens)]


def speech_hits(
    text: str,
    folded: str,
    tokens: tuple[str, ...],
    lexicon: ModerationLexicon,
    protected_names: tuple[str, ...],
    blocked_words: tuple[str, ...],
    link: bool,
    contact: bool,
) -> SpeechHits:
    """The lexicon categories of one message (`folded`: see normalize.fold; `link` and
    `contact`: what the other rules saw)."""
    if not tokens:
        return SpeechHits()
    found = _Found(tokens, lexicon)
    protected = _protected_words(protected_names)
    phrases = lexicon.phrases

    strong = _spans(phrases["insult_strong"], tokens)
    insult = any(not _of_oneself(found, text, protected, hit) for hit in strong)
    if not insult:
        weak = _spans(phrases["insult_weak"], tokens)
        body = _spans(phrases["body_shaming"], tokens)
        insult = (
            (
                bool(weak)
                and _aimed(found, text, protected, weak)
                and not _banter(found, text, protected)
            )
            or (bool(body) and _aimed(found, text, protected, body, bodily=True))
            or _likened(found, text, protected)
            or _mocked(found, text, protected)
        )
    hate = (
        bool(found.phrase("hate"))
        or (
            bool(found.concept("groups") or spaced_runs(text))
            and _hate_in_a_sentence(text, lexicon)
        )
        or bool(lexicon.hate_patterns and lexicon.hate_patterns.search(folded))
    )
    sexual = bool(found.phrase("sexual")) or _come_on(found) or _sexual(found, text, protected)
    runs = spaced_runs(text) if not (insult and hate and sexual) else ()
    if runs:  # "s e n d  n u d e s", "c o n n a s s e": phrases inside the joined letters
        joined = lexicon.joined_offensive
        insult = insult or any(j in r for r in runs for j in joined["insult_strong"])
        hate = hate or any(j in r for r in runs for j in joined["hate"])
        sexual = (
            sexual
            or any(j in r for r in runs for j in joined["sexual"])
            or any(_joined_come_on(r, lexicon) for r in runs)
        )
    scam = _is_scam(text, found, link, contact)
    blocked = bool(blocked_words) and _has_blocked(text, tokens, blocked_words)
    return SpeechHits(insult, hate, sexual, scam, blocked)


_GROUP_REACH = 8  # words from a group to what is said of it


# a full stop ends a sentence, not one closing an abbreviation of single letters ("p.d.")
_SENTENCE_END = re.compile(r"[?!;]+|(?<!\b\w)\.(?:\s|$)|\n")


def _hate_in_a_sentence(text: str, lexicon: ModerationLexicon) -> bool:
    """A group and what is said of it within one sentence: "women sizes? I can't find
    them" asks about a size, then talks of the speaker."""
    return any(
        _said_of_a_group(_Found(_group_words(sentence, lexicon), lexicon))
        for sentence in _SENTENCE_END.split(text)
        if sentence.strip()
    )


def _group_words(sentence: str, lexicon: ModerationLexicon) -> tuple[str, ...]:
    """The words of a sentence as a group and its predicate are looked for in: adverbs
    inside the predicate left out, and an article that spacing glued to a group word taken
    off ("i m u s u l m a n i" reads "imusulmani", the article "i" included)."""
    tokens = _without_softeners(words(sentence), lexicon)
    runs = spaced_runs(sentence)
    return tuple(_unglued(t, lexicon) if t in runs else t for t in tokens) if runs else tokens


def _unglued(token: str, lexicon: ModerationLexicon) -> str:
    """A group word behind an article of up to three letters glued to it, or the token."""
    groups = lexicon.concepts["groups"]
    if groups.find((token,)):
        return token
    for cut in (1, 2, 3):
        if len(token) - cut >= 5 and groups.find((token[cut:],)):
            return token[cut:]
    return token


def _without_softeners(tokens: tuple[str, ...], lexicon: ModerationLexicon) -> tuple[str, ...]:
    """The words of a sentence without the adverbs that sit inside a predicate ("shouldn't
    even be allowed", "sind wirklich alle"), so that a listed predicate is found whole."""
    soft = {
        start + k for start, p in lexicon.concepts["softeners"].find(tokens) for k in range(len(p))
    }
    return tuple(t for i, t in enumerate(tokens) if i not in soft) if soft else tokens


def _said_of_a_group(found: _Found) -> bool:
    """A group, and what is said of it: an attack, a harm it does or a fate it deserves
    ("volent nos emplois", "should shut up", "can't drive") after it, or an attack before
    it ("dehors les ..."), or a trait pinned on it on either side. A group the speaker
    owns ("my gay friends") is people they know, not a generalisation."""
    concepts = found.lexicon.concepts
    groups = _spans(concepts["groups"], found.tokens)
    if not groups:
        return False
    owned = _spans(concepts["possessive"], found.tokens)
    groups = [
        (start, end)
        for start, end in groups
        if not any(0 <= start - o_end <= 1 or 0 < o_start - end <= 3 for o_start, o_end in owned)
    ]
    if not groups:
        return False
    if found.concept("stereotypes"):
        return True  # "c'est culturel chez eux": the group's nature, wherever it is said
    attack = _spans(concepts["attack"], found.tokens)
    harm = [] if found.concept("missing_out") else _spans(concepts["harm"], found.tokens)
    after = attack + harm
    traits = _spans(concepts["traits"], found.tokens)
    # "..., son todos unos ladrones", "quelle bande de dégénérés": a generaliser just
    # before an attack or trait still speaks of the group named at the sentence's start
    general = {end for _, end in _spans(concepts["generalizers"], found.tokens)}
    for g_start, g_end in groups:
        for start, _ in after + traits:
            reach = _GROUP_REACH * 2 if any(0 <= start - e <= 2 for e in general) else 0
            if _GROUP_REACH < start - g_end <= reach:
                return True
        for start, _ in after:
            if 0 < start - g_end <= _GROUP_REACH:
                return True
        for _, end in attack:
            # "no muslims in here", "dehors les ...": unless the group word names a product
            # line ("no women sizes?", "pas de tailles femmes")
            if 0 < g_start - end <= 3 and not _names_a_line(found, g_end):
                return True
        for start, end in traits:
            if 0 < start - g_end <= _GROUP_REACH or 0 < g_start - end <= 3:
                return True
    return False


def _names_a_line(found: _Found, group_end: int) -> bool:
    """Whether the word after a group is a product noun ("women sizes", "gay pride tees"),
    not one of the pronouns the product words also list ("typique des ... ça")."""
    after = group_end + 1
    return any(
        start == after and len(found.tokens[after]) > 3
        for start, _ in found.lexicon.phrases["products"].find(found.tokens)
    )


def _sexual(found: _Found, text: str, protected: frozenset[str]) -> bool:
    """A sexual cue, a body part, undressing or private photos and calls, said of a person
    (named, addressed, a pronoun): or, for the last three, in a message that names no
    product ("le haut se porte sans soutien-gorge ?" asks about a product)."""
    lexicon, tokens = found.lexicon, found.tokens
    cues = _spans(lexicon.concepts["sexual_cues"], tokens) + _undressing(found)
    if cues:
        # "show us more colours", "enséñanos más colores": a product right after the words
        _, products, _, _ = _positions(found, text, protected)
        inside = {i for s, e in cues for i in range(s, e + 1)}
        cues = [
            (s, e) for s, e in cues if not any(0 < p - e <= 2 and p not in inside for p in products)
        ]
    if cues and _aimed(found, text, protected, cues):
        return True
    if (cues or found.concept("body_sexual")) and found.concept("innuendo"):
        # "bend towards the camera, we can see the cleavage": two sexual signals, and a
        # person named or addressed in the message
        people = _positions(found, text, protected)[0]
        if any(strong for _, _, strong in people):
            return True
    if _suggestive(found, text, protected, bool(cues)):
        return True
    bare = [
        hit
        for concept in ("body_sexual", "undress", "private_media")
        for hit in _spans(lexicon.concepts[concept], tokens)
    ]
    if not bare:
        return False
    inside = {i for start, end in bare for i in range(start, end + 1)}
    products = [  # product words of the message, beyond those of the cues ("photos")
        start
        for start, phrase in lexicon.phrases["products"].find(tokens)
        if not inside.issuperset(range(start, start + len(phrase)))
    ]
    if _aimed(found, text, protected, bare):
        return True
    if found.concept("undress") and found.concept("pictures"):
        return True  # "fotos sin nada", "pics with nothing on": asked for, whoever of
    # "il sedere è rinforzato?": a body word alone, in a question about a garment
    body_only = not (found.concept("undress") or found.concept("private_media"))
    return not products and not (body_only and "?" in text)


_UNDRESS_REACH = 4  # "zieh doch mal die Jacke aus": at most three words from verb to garment
_MOUTH_REACH = 3  # "te lécher les doigts", "suck on your toes": verb, a word or two, a body part


def _undressing(found: _Found) -> list[tuple[int, int]]:
    """A garment asked off, as a sexual cue that still needs a person: an undress verb a
    word or two before a garment ("enlève ta veste", "take off the top", "togliti la
    maglia"), or a verb whose particle follows the garment ("take your shirt off", "zieh
    die Jacke aus"). The cue ends on the garment, which is then its own word and not a
    product that makes the request a question about it ("show us more colours"); a lid, a
    tag or a cushion cover is no garment ("enlève la housse du coussin ?")."""
    verbs = _pairs(found, "undress_verbs", "garments", _UNDRESS_REACH)
    split = _pairs(found, "undress_split", "garments", _UNDRESS_REACH)
    if split:
        particles = {start for start, _ in found.spans("undress_particles")}
        verbs += [(start, end + 1) for start, end in split if end + 1 in particles]
    return verbs


def _come_on(found: _Found) -> bool:
    """Sexual whoever it is said to, composed of two words rather than listed whole: a
    request to show more, turn or bend said with a pet name ("turn around babe", "montre
    nous plus ma belle"), a mouth verb on a body part ("lécher tes pieds", "deine Füße
    lecken"), a picture word beside "only" or "nothing but" ("pics wearing only", "fotos
    nur mit")."""
    return bool(
        _pairs(found, "sexual_requests", "pet_names", 1)
        or _pairs(found, "mouth_verbs", "body_targets", _MOUTH_REACH)
        or _pairs(found, "body_targets", "mouth_verbs_after", 1)
        or _pairs(found, "pictures", "only_words", 1)
    )


# (first concept, second concept, letters allowed between them): _come_on's compositions
_JOINED_COME_ONS = (
    ("sexual_requests", "pet_names", 0),
    ("mouth_verbs", "body_targets", 6),  # "lick your feet": "your", "le tue" between
    ("body_targets", "mouth_verbs_after", 0),
    ("pictures", "only_words", 0),
)


def _joined_come_on(run: str, lexicon: ModerationLexicon) -> bool:
    """A come-on written in letters spaced apart ("s h o w m o r e b a b e"), where words
    cannot be told apart: a word of the first concept with one of the second after it."""
    joined = lexicon.joined_concepts
    for first, second, gap in _JOINED_COME_ONS:
        for head in joined[first]:
            at = run.find(head)
            while at != -1:
                tail = at + len(head)
                if any(run.find(w, tail, tail + gap + len(w)) != -1 for w in joined[second]):
                    return True
                at = run.find(head, at + 1)
    return False


def _pairs(found: _Found, first: str, second: str, reach: int) -> list[tuple[int, int]]:
    """Spans from a phrase of concept `first` to one of `second` starting at most `reach`
    words after it ends (1: right after), with none of the speaker's own words between
    ("je vais lécher mes doigts", "j'enlève ma veste" are about themselves)."""
    firsts = found.spans(first)
    seconds = found.spans(second) if firsts else []
    pairs = [
        (f_start, s_end)
        for f_start, f_end in firsts
        for s_start, s_end in seconds
        if 0 < s_start - f_end <= reach
    ]
    if pairs and reach > 1:
        own = found.words_of("possessive")
        pairs = [(start, end) for start, end in pairs if not own.intersection(range(start, end))]
    return pairs


def _suggestive(found: _Found, text: str, protected: frozenset[str], cues: bool) -> bool:
    """Innuendo carried by an emoji: "🥵" or "🍑" said to a person with no product named;
    "😏" or "😈" beside a sexual, undressing or body word, or beside innuendo ("ce soir
    chez moi", "langsam", "con i denti") said to a person."""
    strong = any(ch in text for ch in found.lexicon.strong_emoji)
    weak = strong or any(ch in text for ch in found.lexicon.weak_emoji)
    if not weak:
        return False
    if cues or found.concept("undress") or found.concept("body_sexual"):
        return True
    people, products, _, _ = _positions(found, text, protected)
    innuendo = bool(found.concept("innuendo"))
    if not any(named for _, _, named in people):  # "la peau": an article, not a person
        # "she can sit on my lap 😏", "con esa boca... 😏": innuendo with a pronoun or
        # nobody named, when no product is what it speaks of
        inside = {
            i
            for start, end in _spans(found.lexicon.concepts["innuendo"], found.tokens)
            for i in range(start, end + 1)
        }  # "con esa boca": the demonstrative is the innuendo's, no product
        return innuendo and not any(i not in inside for i in products)
    return innuendo or (strong and not products)


def _is_scam(text: str, found: _Found, link: bool, contact: bool) -> bool:
    """A bait joined to a way out of the official checkout (see the module docstring)."""
    has = found.concept
    if has("warning") and has("received") and not (link or contact):
        # "someone DMed me saying I won, asked 20€ for shipping: scam, don't pay": a viewer
        # retells the bait they received to warn the others; the amount and the private
        # message are theirs, not a way out offered to the chat
        return False
    amount = bool(_AMOUNT.search(text))
    if found.phrase("scam"):
        # "les codes promo en MP c'est une arnaque, ne répondez pas": a warning, unless it
        # carries a link, contact details or an amount of its own
        return not has("warning") or link or contact or amount
    percent = bool(_PERCENT.search(text))
    pay_to_me = bool(has("pay_to_me")) or bool(_SEND_AMOUNT.search(text))
    way_out = bool(has("private")) or link or contact or pay_to_me
    # A buyer asks ("free shipping if I click?") and talks of their own payment; a scammer
    # tells. Questions and one's own order only count with a way out stated outright.
    asks = text.rstrip().endswith("?") or bool(has("own"))
    firm = link or contact or pay_to_me
    scam = False
    if pay_to_me and (has("pay_outside") or amount):
        scam = True
    elif has("credentials") and not asks:
        # "send me your card number in private": nobody asks for these in a chat
        # a refund or prize against one's bank details is the same bait ("je rembourse vos
        # achats contre votre RIB")
        scam = bool(
            pay_to_me or has("private") or has("payment_problem") or has("prize") or contact or link
        )
    elif has("payment_problem") or has("delivery_problem"):
        # "parcel stuck at customs: pay the fee and message me" tells the chat to pay in
        # private; a buyer with a problem asks, anywhere in the message, or owns the parcel
        private_fee = bool(has("private")) and "?" not in text
        scam = firm or (
            not asks
            and bool(has("pay_demand"))
            and (amount or bool(has("pay_outside")) or private_fee)
        )
    if not scam and has("prize"):
        # "ho vinto! basta pagare la spedizione con una ricarica": the prize's fee off the site
        scam = firm or (
            not asks and (bool(has("private")) or bool(has("claim")) or bool(has("pay_outside")))
        )
    if not scam and has("earn"):
        # the promise must be words of its own: one word both concepts list is one cue
        promise = has("promise") and bool(found.words_of("promise") - found.words_of("earn"))
        scam = bool(promise or way_out or (has("earn") >= 2 and amount) or (amount and percent))
    if not scam and has("elsewhere"):
        # "même sweat à 15€ sur mon compte", "link in bio": the sender's own shop
        scam = bool(has("cheaper") or has("discount") or amount) or (way_out and not asks)
    if not scam and (has("cheaper") or _PRICE_CUT.search(text)):
        # "the same bowls cheaper, bank transfer or paysafecard": a cheaper copy paid outside
        scam = firm or (bool(has("private") or has("pay_outside")) and not asks)
    if not scam and (has("discount") or percent):
        # "promo on other-shop.com" is a link; a discount to be had in private is the bait
        scam = contact or pay_to_me or (bool(has("private")) and not asks)
    if scam and has("warning") and not (firm or amount or has("credentials")):
        # "attention, votre paiement a échoué, renvoyez vos coordonnées bancaires": nobody
        # warning the chat asks for bank details
        return False  # "arnaque ! ne payez jamais par virement": a viewer warning the others
    return scam


def _has_blocked(text: str, tokens: tuple[str, ...], blocked: tuple[str, ...]) -> bool:
    words_set, joined = _blocked_forms(blocked)
    tokens = words(text, superlatives=False)  # "Ondissima" is a name, not "onda" + "-issima"
    if words_set.intersection(tokens):
        return True
    # "sur t e m u à 2€", "s h e i n y a": letters spaced apart are joined with the
    # one-letter words beside them ("temua"); the blocked word is still inside the run
    if any(form in run for run in spaced_runs(text) for form in words_set if len(form) >= 3):
        return True
    # "m o d a l u x" arrives joined already; "Fast look" or "fast-look" for "Fastlook":
    # the name split into whole words, never inside a longer word ("fastlooking")
    bounds, at = {0}, 0
    for token in tokens:
        at += len(token)
        bounds.add(at)
    squeezed = "".join(tokens)
    for form in joined:
        start = squeezed.find(form)
        while start != -1:
            if start in bounds and start + len(form) in bounds:
                return True
            start = squeezed.find(form, start + 1)
    return False


@lru_cache(maxsize=64)
def _blocked_forms(blocked: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Single-word blocked terms, and long ones (6+ letters) to look for inside the joined
    text, where splitting a brand name apart does not hide it."""
    single = frozenset(w for b in blocked for w in words(b, superlatives=False))
    joined = tuple(
        j for j in ("".join(words(b, superlatives=False)) for b in blocked) if len(j) >= 6
    )
    return single, joined


@lru_cache(maxsize=64)
def _protected_words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for n in names for w in words(n) if len(w) > 2)
