"""Telegram updates to Vitrine's chat messages and commands, and back to chat ids.

A group's forum topic is a chat of its own (`"<chat id>/<topic id>"`): a live runs in one
topic and its replies go back there. Messages a linked channel posts into its discussion
group, and those of anonymous admins (posting as the group), are the host's. Service
messages, stickers without a caption and other bots are not comments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from telegram import Message

from live.chat_commands import ChatCommand
from live.messages import ChatMessage

PLATFORM = "telegram"
_ABOUT_A_VIEWER = frozenset({"mute", "unmute", "ban", "unban", "pardon"})


def chat_key(message: Message) -> str:
    """The chat id a live session is opened on: the group, or the group's topic."""
    if message.is_topic_message and message.message_thread_id:
        return f"{message.chat.id}/{message.message_thread_id}"
    return str(message.chat.id)


def split_chat(chat_id: str) -> tuple[int, int | None]:
    """A chat key back to Telegram's chat id and topic (message_thread_id)."""
    chat, _, topic = chat_id.partition("/")
    return int(chat), int(topic) if topic else None


def text_of(message: Message) -> str | None:
    return message.text or message.caption


def is_host(message: Message) -> bool:
    """Posted by the linked channel, or by an admin posting anonymously as the group."""
    sender = message.sender_chat
    return sender is not None and (
        sender.id == message.chat.id
        or sender.type == "channel"
        or bool(message.is_automatic_forward)
    )


def author(message: Message) -> tuple[str, str] | None:
    """(id, name) of whoever wrote it; None for other bots."""
    if message.sender_chat is not None and is_host(message):
        return f"chat{message.sender_chat.id}", message.sender_chat.title or "host"
    user = message.from_user
    if user is None or user.is_bot:
        return None
    name = user.full_name or user.username or str(user.id)
    return str(user.id), name


def to_chat_message(message: Message, *, edited: bool = False) -> ChatMessage | None:
    """A comment for the pipeline, or None when the message is not one. An edit is keyed
    by its message and edit time (`"<id>:e<time>"`), and says which message it edits."""
    text = text_of(message)
    who = author(message)
    if not text or who is None or message.chat.type == "private":
        return None
    user = message.from_user
    message_id = str(message.message_id)
    if edited:
        when = message.edit_date or message.date or datetime.now(UTC)
        message_id = f"{message.message_id}:e{int(when.timestamp())}"
    return ChatMessage(
        platform=PLATFORM,
        chat_id=chat_key(message),
        message_id=message_id,
        author_id=who[0],
        author_name=who[1],
        text=text,
        sent_at=(message.date or datetime.now(UTC)).astimezone(UTC),
        role="host" if is_host(message) else "viewer",
        language=_language(user.language_code if user else None),
        edit_of=str(message.message_id) if edited else None,
    )


def platform_message_id(message_id: str) -> int | None:
    """Telegram's id of the message a stored comment came from (an edit's too)."""
    head = message_id.split(":", 1)[0]
    return int(head) if head.isdigit() else None


def command_of(
    message: Message,
    bot_username: str,
    *,
    is_admin: bool,
    user_ids: Mapping[str, int] | None = None,
) -> ChatCommand | None:
    """A `/command args` message (`/cmd@our_bot` too) as a chat command; None otherwise,
    or when it is addressed to another bot."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    head, *args = text.split()
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    who = author(message)
    if who is None or not name:
        return None
    target = message.reply_to_message
    target_user = target.from_user if target is not None else None
    target_id = str(target_user.id) if target_user and not target_user.is_bot else None
    about_a_viewer = name.lower() in _ABOUT_A_VIEWER
    if target_id is None and about_a_viewer and args and args[0].isdigit():
        target_id, args = args[0], args[1:]  # `/mute 12345 10`: a viewer by their id
    elif target_id is None and about_a_viewer and args and args[0].startswith("@"):
        # `/mute @ann 10`: the Bot API cannot look a username up; the adapter knows the
        # ones it has seen write in the chat
        known = (user_ids or {}).get(args[0][1:].lower())
        if known is not None:
            target_id, args = str(known), args[1:]
    private = message.chat.type == "private"
    user = message.from_user
    return ChatCommand(
        platform=PLATFORM,
        chat_id=who[0] if private else chat_key(message),
        user_id=who[0],
        user_name=who[1],
        name=name.lower(),
        args=tuple(args),
        private=private,
        is_admin=is_admin or is_host(message),
        target_user_id=target_id,
        target_name=target_user.full_name if target_user else None,
        language=_language(user.language_code if user else None),
        message_id=str(message.message_id),
    )


def _language(code: str | None) -> str | None:
    """Telegram's IETF tag ("pt-br", "de") to the two letters replies use."""
    return code.split("-")[0].lower()[:8] if code else None
