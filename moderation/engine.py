"""The moderation engine: content rules plus each author's recent history -> a verdict.

State is per author, per live session, and bounded: sliding windows keep only the
timestamps still inside them, and the author table forgets the least recent authors.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace

from moderation.normalize import words
from moderation.policy import ModerationPolicy
from moderation.rules import content_categories
from moderation.verdict import Action, MessageToJudge, Verdict

MAX_AUTHORS = 100_000


@dataclass
class AuthorState:
    """What moderation remembers of one author during one live."""

    recent: deque[float] = field(default_factory=deque)
    texts: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)
    removals: int = 0


class ModerationEngine:
    """Decides on each message in chat order; moderators can adjust it as the live goes."""

    def __init__(self, policy: ModerationPolicy) -> None:
        self.policy = policy
        self._authors: OrderedDict[str, AuthorState] = OrderedDict()

    # -- decisions -------------------------------------------------------------------------

    def decide(self, message: MessageToJudge) -> Verdict:
        """The verdict on one message; depends on earlier messages only, never raises."""
        policy = self.policy
        if message.role in policy.exempt_roles:
            return Verdict(dry_run=policy.dry_run)
        state = self._state(message.author_id)
        reasons = self._history(state, message)
        reasons.extend(
            c
            for c in content_categories(message.text, message.author_name, policy)
            if c not in reasons
        )
        if not reasons:
            return Verdict(dry_run=policy.dry_run)
        removing = [r for r in reasons if r not in policy.flag_only]
        if not removing:
            return Verdict(Action.FLAG, tuple(reasons), dry_run=policy.dry_run)
        state.removals += 1
        if policy.instant_ban & set(removing):
            action = Action.BAN
        else:
            step = min(state.removals, len(policy.ladder)) - 1
            action = Action(policy.ladder[step])
        duration = policy.timeout_s if action is Action.TIMEOUT else None
        ordered = tuple(sorted(reasons, key=_PRIORITY.index))
        return Verdict(action, ordered, duration, dry_run=policy.dry_run)

    def _history(self, state: AuthorState, message: MessageToJudge) -> list[str]:
        policy = self.policy
        ts = message.ts
        reasons: list[str] = []
        recent = state.recent
        while recent and recent[0] <= ts - policy.flood_window_s:
            recent.popleft()
        recent.append(ts)
        if len(recent) > policy.flood_max_messages:
            reasons.append("flood")
        key = words(message.text)
        if key:
            horizon = ts - policy.repeat_window_s
            for other in [k for k, times in state.texts.items() if times[-1] <= horizon]:
                del state.texts[other]  # keep only texts still inside the window
            times = state.texts.setdefault(key, deque())
            while times and times[0] <= horizon:
                times.popleft()
            times.append(ts)
            if len(times) > policy.repeat_max:
                reasons.append("repeat")
        return reasons

    def _state(self, author_id: str) -> AuthorState:
        state = self._authors.get(author_id)
        if state is None:
            state = AuthorState()
            self._authors[author_id] = state
            if len(self._authors) > MAX_AUTHORS:
                self._authors.popitem(last=False)
        else:
            self._authors.move_to_end(author_id)
        return state

    # -- moderator overrides -----------------------------------------------------------------

    def pardon(self, author_id: str) -> None:
        """Forget an author's removals: their next offence is a first one again."""
        state = self._authors.get(author_id)
        if state is not None:
            state.removals = 0

    def allow_domain(self, domain: str) -> None:
        domain = domain.lower().removeprefix("www.")
        if domain not in self.policy.allowed_domains:
            self.policy = replace(
                self.policy, allowed_domains=(*self.policy.allowed_domains, domain)
            )

    def block_word(self, word: str) -> None:
        if word not in self.policy.blocked_words:
            self.policy = replace(self.policy, blocked_words=(*self.policy.blocked_words, word))

    def set_dry_run(self, dry_run: bool) -> None:
        self.policy = self.policy.with_dry_run(dry_run)

    def tracked_authors(self) -> int:
        return len(self._authors)


_PRIORITY = [
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
]
