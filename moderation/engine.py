"""The moderation engine: content rules plus each author's recent history -> a verdict.

State is per author, per live session, and bounded: sliding windows keep only what is still
inside them, and the author table forgets the least recently seen authors past a limit.
Moderators adjust the engine as the live goes (pardon, mute, ban, allow a domain, block a
word); a removal decided after the fact (a second opinion) goes through `escalate`, so it
climbs the same ladder as the engine's own.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from moderation.history import AuthorHistory
from moderation.normalize import fold, words
from moderation.policy import ModerationPolicy
from moderation.rules import name_categories, strong_insult, text_categories
from moderation.verdict import Action, MessageToJudge, Verdict

logger = logging.getLogger(__name__)

MAX_AUTHORS = 100_000
MAX_STAFF_NAMES = 32  # hosts and moderators remembered per session
CONTENT_CACHE_SIZE = 20_000
CACHEABLE_CHARS = 300
MAX_REMOVED_NAMES = 512  # authors removed this session, whom the chat may tell off
_REPLY_TO = re.compile(r"^\s*@([\w.\-]+)")  # a message that opens on a mention answers it

PRIORITY = (
    "impersonation",
    "scam",
    "hate",
    "sexual",
    "insult",
    "contact",
    "link",
    "blocked_word",
    "symbols",
    "repeat",
    "flood",
)
_RANK = {category: rank for rank, category in enumerate(PRIORITY)}


@dataclass(slots=True)
class AuthorState:
    """What moderation remembers of one author during one live."""

    history: AuthorHistory = field(default_factory=AuthorHistory)
    removals: int = 0


class ModerationEngine:
    """Decides on each message in chat order; moderators can adjust it as the live goes."""

    def __init__(self, policy: ModerationPolicy, max_authors: int = MAX_AUTHORS) -> None:
        self._content: dict[tuple[str, str], tuple[str, ...]] = {}  # ("text"|"name", value)
        # The names the session's hosts and moderators post under: a viewer's name that
        # imitates one is impersonation, like one imitating a configured protected name.
        self._staff: tuple[str, ...] = ()
        self.policy = policy
        self.max_authors = max_authors
        self._authors: OrderedDict[str, AuthorState] = OrderedDict()
        self._removed_names: OrderedDict[str, None] = OrderedDict()

    @property
    def policy(self) -> ModerationPolicy:
        return self._policy

    @policy.setter
    def policy(self, policy: ModerationPolicy) -> None:
        self._policy = policy
        self._names_policy = replace(
            policy, protected_names=(*policy.protected_names, *self._staff)
        )
        self._content.clear()  # what a message says is judged again under the new policy

    # -- decisions -------------------------------------------------------------------------

    def decide(self, message: MessageToJudge) -> Verdict:
        """The verdict on one message; depends on earlier messages only, never raises."""
        policy = self.policy
        if message.role in policy.exempt_roles:
            self._learn_staff(message.author_name)
            return Verdict(dry_run=policy.dry_run)
        state = self._state(message.author_id)
        reasons = self._history(state, message)
        for category in self._content_categories(message.text, message.author_name):
            if category not in reasons:
                reasons.append(category)
        if not reasons or (reasons == ["insult"] and self._tells_off_a_troll(message.text)):
            return Verdict(dry_run=policy.dry_run)
        verdict = self._escalate(state, reasons)
        self._removed_names[fold(message.author_name)] = None
        if len(self._removed_names) > MAX_REMOVED_NAMES:
            self._removed_names.popitem(last=False)
        logger.debug("moderation %s %s %s", message.message_id, verdict.action, verdict.reasons)
        return verdict

    def _tells_off_a_troll(self, text: str) -> bool:
        """A mild insult in answer to someone removed earlier in the live ("@Pablo_xx qué
        pesado eres, vete", "@Rocco sparisci"): the chat defending itself, not an attack."""
        reply = _REPLY_TO.match(text)
        return (
            reply is not None
            and fold(reply.group(1)) in self._removed_names
            and not strong_insult(text)
        )

    def _learn_staff(self, name: str) -> None:
        name = name.strip()
        if not name or name in self._staff or name in self._policy.protected_names:
            return
        self._staff = (*self._staff, name)[-MAX_STAFF_NAMES:]
        self._names_policy = replace(
            self._policy, protected_names=(*self._policy.protected_names, *self._staff)
        )
        for key in [k for k in self._content if k[0] == "name"]:
            del self._content[key]  # names are judged again against the new staff name

    def _content_categories(self, text: str, author_name: str) -> tuple[str, ...]:
        """Content rules are pure and a chat repeats itself ("+1", "SOLD", the same emoji,
        the same names): recent short texts and names are judged once per policy."""
        names = self._cached(("name", author_name), name_categories, author_name)
        return names + self._cached(("text", text), text_categories, text)

    def _cached(
        self,
        key: tuple[str, str],
        judge: Callable[[str, ModerationPolicy], tuple[str, ...]],
        value: str,
    ) -> tuple[str, ...]:
        if len(value) > CACHEABLE_CHARS:
            return judge(value, self._names_policy if key[0] == "name" else self._policy)
        found = self._content.get(key)
        if found is None:
            policy = self._names_policy if key[0] == "name" else self._policy
            found = judge(value, policy)
            if len(self._content) >= CONTENT_CACHE_SIZE:
                del self._content[next(iter(self._content))]  # the oldest entry
            self._content[key] = found
        return found

    def escalate(self, author_id: str, reasons: tuple[str, ...] | list[str]) -> Verdict:
        """The action for a removal decided outside `decide` (a second opinion, after the
        fact): it counts on the author's ladder like any other."""
        if not reasons:
            return Verdict(dry_run=self.policy.dry_run)
        return self._escalate(self._state(author_id), list(reasons))

    def _escalate(self, state: AuthorState, reasons: list[str]) -> Verdict:
        policy = self.policy
        ordered = tuple(sorted(reasons, key=lambda r: _RANK.get(r, len(_RANK))))
        removing = [r for r in ordered if r not in policy.flag_only]
        if not removing:
            return Verdict(Action.FLAG, ordered, dry_run=policy.dry_run)
        state.removals += 1
        if policy.instant_ban.intersection(removing):
            action = Action.BAN
        else:
            step = min(state.removals, len(policy.ladder)) - 1
            action = Action(policy.ladder[step])
        duration = policy.timeout_s if action is Action.TIMEOUT else None
        return Verdict(action, ordered, duration, dry_run=policy.dry_run)

    def _history(self, state: AuthorState, message: MessageToJudge) -> list[str]:
        policy = self.policy
        history = state.history
        reasons: list[str] = []
        if history.flood(message.ts, policy.flood_window_s, policy.flood_max_messages):
            reasons.append("flood")
        key: object = words(message.text) or message.text.strip()
        if key and history.repeat(key, message.ts, policy.repeat_window_s, policy.repeat_max):
            reasons.append("repeat")
        return reasons

    def _state(self, author_id: str) -> AuthorState:
        authors = self._authors
        state = authors.get(author_id)
        if state is None:
            state = authors[author_id] = AuthorState()
            if len(authors) > self.max_authors:
                authors.popitem(last=False)
        else:
            authors.move_to_end(author_id)
        return state

    # -- moderator overrides -----------------------------------------------------------------

    def pardon(self, author_id: str) -> None:
        """Forget an author's removals: their next offence is a first one again."""
        state = self._authors.get(author_id)
        if state is not None:
            state.removals = 0

    def mute(self, author_id: str) -> None:
        """A moderator muted the author (the platform enforces it): it counts as a removal,
        so their next offence climbs the ladder from there."""
        self._state(author_id).removals += 1

    def ban(self, author_id: str) -> None:
        """A moderator banned the author: any later message of theirs goes straight to the
        top of the ladder (should it still arrive, e.g. after an unban)."""
        self._state(author_id).removals = max(len(self.policy.ladder), 1)

    def allow_domain(self, domain: str) -> None:
        """Links to this domain (and its subdomains) stay from now on."""
        domain = domain.strip().lower().removeprefix("https://").removeprefix("http://")
        domain = domain.removeprefix("www.").split("/", 1)[0]
        if domain and domain not in self.policy.allowed_domains:
            self.policy = replace(
                self.policy, allowed_domains=(*self.policy.allowed_domains, domain)
            )

    def block_word(self, word: str) -> None:
        """Messages with this word are removed from now on."""
        word = word.strip()
        if word and word not in self.policy.blocked_words:
            self.policy = replace(self.policy, blocked_words=(*self.policy.blocked_words, word))

    def set_dry_run(self, dry_run: bool) -> None:
        """Decide and log, but mark every verdict as not to be acted on (or back)."""
        self.policy = self.policy.with_dry_run(dry_run)

    def removals(self, author_id: str) -> int:
        """How many removals the author has on the ladder."""
        state = self._authors.get(author_id)
        return state.removals if state is not None else 0

    def tracked_authors(self) -> int:
        return len(self._authors)

    def state_size(self) -> int:
        """Timestamps held over all authors (bounded: tests check it over a long live)."""
        return sum(s.history.size() for s in self._authors.values())
