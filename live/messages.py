"""Platform-neutral chat messages in and replies out; adapters translate to and from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A comment as it arrived from a platform (or a replayed transcript)."""

    platform: str
    chat_id: str
    message_id: str
    author_id: str
    author_name: str
    text: str
    sent_at: datetime
    role: str = "viewer"
    language: str | None = None
    stream_ts: float | None = None  # seconds since the stream started, when known
    # An edit of an earlier message (its id): `message_id` is then the edit's own key. An
    # edit may turn a comment into a claim, once; it never changes a claim already made.
    edit_of: str | None = None


class ReplyKind(StrEnum):
    PUBLIC = "public"  # batched into the chat
    PRIVATE = "private"  # a DM to one viewer
    MODERATION = "moderation"  # delete / timeout / ban on the platform


@dataclass(frozen=True, slots=True)
class Reply:
    """Something the bot says or does in response, rendered into the outbox."""

    kind: ReplyKind
    text: str
    to_author_id: str | None = None
    reply_to_message_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
