"""Telegram messages as Vitrine reads them: who is the host, what is not a comment, where a
forum topic's replies go, and what a command says."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Bot, Message

from bots.telegram.translate import chat_key, command_of, split_chat, to_chat_message

GROUP = -100_42
BOT = Bot("1:x")


def _message(**fields: object) -> Message:
    data = {
        "message_id": 5,
        "date": int(datetime(2026, 12, 5, tzinfo=UTC).timestamp()),
        "chat": {"id": GROUP, "type": "supergroup", "title": "Live"},
        "from": {"id": 7, "is_bot": False, "first_name": "Ann", "language_code": "pt-BR"},
        "text": "je prends",
        **fields,
    }
    message = Message.de_json(data, BOT)
    assert message is not None
    return message


def test_a_viewers_comment() -> None:
    comment = to_chat_message(_message())
    assert comment is not None
    assert (comment.chat_id, comment.message_id, comment.author_id) == (str(GROUP), "5", "7")
    assert (comment.role, comment.language, comment.edit_of) == ("viewer", "pt", None)


def test_the_linked_channel_and_anonymous_admins_are_the_host() -> None:
    channel = {"id": -100_99, "type": "channel", "title": "Maison"}
    anonymous = {"id": GROUP, "type": "supergroup", "title": "Live"}
    bot_user = {"id": 1087968824, "is_bot": True, "first_name": "Group"}
    for sender in (channel, anonymous):
        comment = to_chat_message(_message(sender_chat=sender, **{"from": bot_user}))
        assert comment is not None and comment.role == "host"
        assert comment.author_id == f"chat{sender['id']}"


def test_what_is_not_a_comment() -> None:
    other_bot = {"id": 55, "is_bot": True, "first_name": "OtherBot"}
    assert to_chat_message(_message(**{"from": other_bot})) is None
    assert to_chat_message(_message(text=None, sticker=None)) is None  # no text, no caption
    private = {"id": 7, "type": "private", "first_name": "Ann"}
    assert to_chat_message(_message(chat=private)) is None  # private chats carry commands
    captioned = to_chat_message(_message(text=None, caption="je prends le 3"))
    assert captioned is not None and captioned.text == "je prends le 3"


def test_a_forum_topic_is_a_chat_of_its_own() -> None:
    message = _message(message_thread_id=12, is_topic_message=True)
    assert chat_key(message) == f"{GROUP}/12"
    assert split_chat(f"{GROUP}/12") == (GROUP, 12) and split_chat(str(GROUP)) == (GROUP, None)


def test_commands() -> None:
    reply = {
        "message_id": 4,
        "date": 0,
        "chat": {"id": GROUP, "type": "supergroup"},
        "from": {"id": 9, "is_bot": False, "first_name": "Spam"},
        "text": "spam",
    }
    mute = command_of(
        _message(text="/mute@shop_bot 15", reply_to_message=reply), "shop_bot", is_admin=True
    )
    assert mute is not None and (mute.name, mute.args, mute.target_user_id) == (
        "mute",
        ("15",),
        "9",
    )
    assert command_of(_message(text="/mute@other_bot"), "shop_bot", is_admin=True) is None
    feature = command_of(_message(text="/feature 3"), "shop_bot", is_admin=False)
    assert feature is not None and feature.args == ("3",) and feature.target_user_id is None
    assert not feature.is_admin


def test_a_viewer_named_by_username_the_bot_has_seen() -> None:
    known = {"loud_ann": 77}
    mute = command_of(_message(text="/mute @Loud_Ann 5"), "shop_bot", is_admin=True, user_ids=known)
    assert mute is not None and (mute.target_user_id, mute.args) == ("77", ("5",))
    unknown = command_of(_message(text="/ban @nobody"), "shop_bot", is_admin=True, user_ids=known)
    assert unknown is not None and unknown.target_user_id is None  # answered with the usage
