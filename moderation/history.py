"""An author's recent messages, for the rules about history: flood and repetition.

Sliding windows keep only the timestamps still inside them, so what is remembered of an
author never outgrows what they can post within the longer window.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class AuthorHistory:
    """Timestamps of an author's recent messages, all and per normalised text."""

    recent: deque[float] = field(default_factory=deque)
    texts: dict[object, deque[float]] = field(default_factory=dict)
    _next_sweep: float = 0.0

    def flood(self, ts: float, window_s: float, max_messages: int) -> bool:
        """Record a message; True when it is past `max_messages` within `window_s`."""
        recent = self.recent
        horizon = ts - window_s
        while recent and recent[0] <= horizon:
            recent.popleft()
        recent.append(ts)
        return len(recent) > max_messages

    def repeat(self, key: object, ts: float, window_s: float, max_repeats: int) -> bool:
        """Record a text; True when the same one came more than `max_repeats` times within
        `window_s` (this one included)."""
        horizon = ts - window_s
        texts = self.texts
        if ts >= self._next_sweep:  # forget texts not seen within the window, now and then
            for old in [k for k, times in texts.items() if times[-1] <= horizon]:
                del texts[old]
            self._next_sweep = ts + window_s / 4
        times = texts.get(key)
        if times is None:
            times = texts[key] = deque()
        while times and times[0] <= horizon:
            times.popleft()
        times.append(ts)
        return len(times) > max_repeats

    def size(self) -> int:
        """How many timestamps are held (for tests that the state stays bounded)."""
        return len(self.recent) + sum(len(t) for t in self.texts.values())
