"""The Telegram adapter: python-telegram-bot's Bot API client, translated to Vitrine's
platform port. It receives by long polling (`getUpdates`, acknowledging an update only once
its comment or command has been handled) and sends what the relay gives it, within
Telegram's limits: AIORateLimiter keeps to 30 messages a second overall and 20 a minute
per group (a 429 is handed back to the relay with its `retry_after`), and a private chat
gets at most one message a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    ChatPermissions,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, ExtBot

from bots.telegram.links import DeepLinks
from bots.telegram.translate import (
    PLATFORM,
    command_of,
    is_host,
    platform_message_id,
    split_chat,
    to_chat_message,
)
from live.chat_commands import ChatCommand
from live.deliveries import ModerationCommand, PrivateReply
from live.platform import (
    DeliveryError,
    Inbox,
    PlatformLimits,
    PrivateChatClosed,
    ReceiverStopped,
)
from prompts.replies import render

log = logging.getLogger(__name__)

POLL_S = 10  # long-polling wait per getUpdates
ADMINS_TTL_S = 60.0  # how long a chat's administrators are trusted from one getChatAdministrators
PRIVATE_GAP_S = 1.0  # about one message a second per private chat
OVERALL_PER_SECOND = 30
CALLBACK_DATA_BYTES = 64  # Telegram's limit on a button's callback_data
UPDATES = ["message", "edited_message", "callback_query"]
VIEWER_MENU = (
    ("cart", "your cart and its payment link"),
    ("cancel", "cancel your cart"),
    ("help", "how to buy during the live"),
)
ADMIN_MENU = (
    ("live", "start or stop the live: /live start, /live stop"),
    ("feature", "show a product: /feature 3"),
    ("stock", "what is left of a product: /stock 3"),
    ("mute", "reply to a message: mute its author [minutes]"),
    ("unmute", "reply to a message: let its author speak again"),
    ("ban", "reply to a message: ban its author"),
    ("unban", "reply to a message: lift the ban"),
    ("pardon", "reply to a message: clear its author's strikes"),
    ("allowdomain", "allow links to a domain: /allowdomain shop.example"),
    ("blockword", "remove messages with a word: /blockword word"),
)
MUTED = ChatPermissions.no_permissions()
UNMUTED = ChatPermissions.all_permissions()


class BadToken(ReceiverStopped):
    """Telegram refused the bot token."""


class TelegramPlatform:
    """Sends and receives for one bot token."""

    name = PLATFORM
    limits = PlatformLimits(max_message_chars=4096, public_messages_per_minute=20)

    def __init__(
        self,
        token: str,
        base_url: str = "https://api.telegram.org/bot",
        *,
        webhook_url: str | None = None,
    ) -> None:
        self.bot = ExtBot(token, base_url=base_url, rate_limiter=_pacer())
        self.links = DeepLinks(token)
        self.webhook_url = webhook_url
        # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token ([A-Za-z0-9_-], 1-256).
        self.webhook_secret = hmac.new(token.encode(), b"vitrine webhook", "sha256").hexdigest()
        # With a webhook every process may receive (behind a load balancer); polling allows
        # one consumer per bot.
        self.single_receiver = webhook_url is None
        self._inbox: Inbox | None = None
        self._admins: dict[int, tuple[float, frozenset[int]]] = {}
        self._last_private: dict[int, float] = {}
        # Users whose private chat refused us (never started the bot): not asked again until
        # they write to the bot; every refused request would eat into the 30 a second.
        self._closed: set[int] = set()
        self._usernames: dict[str, int] = {}  # @username -> id, as seen writing (for /mute @x)
        self._ready = False

    async def start(self) -> None:
        """Connect (getMe): the bot's username is needed for deep links and commands."""
        if self._ready:
            return
        try:
            await self.bot.initialize()
        except InvalidToken as exc:
            raise BadToken(
                "Telegram refused VITRINE_TELEGRAM_TOKEN (check it with BotFather)"
            ) from exc
        self.links.bot_username = self.bot.username
        with contextlib.suppress(TelegramError):  # the command menu is a convenience
            await self.bot.set_my_commands(
                [BotCommand(name, about) for name, about in VIEWER_MENU],
                scope=BotCommandScopeAllPrivateChats(),
            )
            await self.bot.set_my_commands(
                [BotCommand(name, about) for name, about in ADMIN_MENU],
                scope=BotCommandScopeAllChatAdministrators(),
            )
        self._ready = True
        log.info("telegram: connected as @%s", self.bot.username)

    # -- sending ---------------------------------------------------------------------------

    async def send_public(self, chat_id: str, text: str, reply_to: str | None = None) -> None:
        await self.start()
        chat, topic = split_chat(chat_id)
        reply = (
            ReplyParameters(int(reply_to), allow_sending_without_reply=True)
            if reply_to and reply_to.isdigit()
            else None
        )
        await self._call(
            self.bot.send_message(
                chat,
                text[: self.limits.max_message_chars],
                message_thread_id=topic,
                reply_parameters=reply,
            )
        )

    async def send_private(
        self, user_id: str, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        await self.start()
        user = int(user_id)
        if user in self._closed:
            raise PrivateChatClosed(f"user {user} has not started the bot")
        wait = self._last_private.get(user, 0.0) + PRIVATE_GAP_S - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_private[user] = time.monotonic()
        try:
            await self._call(
                self.bot.send_message(
                    user, text[: self.limits.max_message_chars], reply_markup=markup
                )
            )
        except DeliveryError as exc:
            if isinstance(exc.__cause__, Forbidden):
                self._closed.add(user)
                raise PrivateChatClosed(str(exc)) from exc
            raise

    async def send_checkout(self, reply: PrivateReply) -> None:
        """The checkout DM with a Pay button (Telegram takes only https links in buttons)
        and a Cancel button, whose press is answered and cancels the cart."""
        language = reply.language or None
        rows = []
        if reply.link.startswith("https://"):
            rows.append([InlineKeyboardButton(render("button_pay", language), url=reply.link)])
        for sku, label in reply.items:
            data = f"cancel:{sku}"
            if len(data.encode()) <= CALLBACK_DATA_BYTES and len(reply.items) > 1:
                rows.append([InlineKeyboardButton(f"✖ {label}"[:60], callback_data=data)])
        rows.append(
            [InlineKeyboardButton(render("button_cancel", language), callback_data="cancel")]
        )
        await self.send_private(reply.user_id, reply.text, InlineKeyboardMarkup(rows))

    async def moderate(self, command: ModerationCommand) -> None:
        await self.start()
        chat, _ = split_chat(command.chat_id)
        user = int(command.user_id) if command.user_id.isdigit() else None
        action = command.action
        message_id = platform_message_id(command.message_id)
        if message_id is not None and action in ("delete", "timeout", "ban"):
            await self._call(self.bot.delete_message(chat, message_id))
        if user is None:
            return  # a channel or anonymous admin: nothing to restrict
        if action == "timeout":
            until = datetime.now(UTC) + timedelta(seconds=command.duration_s or 600)
            await self._call(self.bot.restrict_chat_member(chat, user, MUTED, until_date=until))
        elif action == "ban":
            await self._call(self.bot.ban_chat_member(chat, user))
        elif action == "unmute":
            await self._call(self.bot.restrict_chat_member(chat, user, UNMUTED))
        elif action == "unban":
            await self._call(self.bot.unban_chat_member(chat, user, only_if_banned=True))

    def private_link(self, user_id: str) -> str | None:
        if not user_id.isdigit() or not self.links.bot_username:
            return None
        return self.links.url(user_id)

    async def _call(self, request: object) -> object:
        """One Bot API request, its errors as the relay understands them."""
        try:
            return await request  # type: ignore[misc]
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise DeliveryError(
                f"telegram: too many requests ({seconds:g} s)", retry_after=seconds
            ) from exc
        except (Forbidden, BadRequest) as exc:
            raise DeliveryError(f"telegram refused: {exc.message}", permanent=True) from exc
        except TelegramError as exc:  # network, timeouts, Telegram's own errors: retry
            raise DeliveryError(f"telegram: {exc.message}") from exc

    # -- receiving -------------------------------------------------------------------------

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None:
        """Poll for updates until `stop`; an update is acknowledged (the next offset) only
        once handled, so a crash redelivers it and the pipeline's message ids drop the
        duplicates. Network errors are retried with backoff."""
        await self.start()
        if self.webhook_url is not None:
            await self._serve_webhook(inbox, stop)
            return
        with contextlib.suppress(TelegramError):
            await self.bot.delete_webhook()  # polling and a webhook exclude each other
        offset: int | None = None
        backoff = 1.0
        while not stop.is_set():
            poll = asyncio.ensure_future(
                self.bot.get_updates(offset=offset, timeout=POLL_S, allowed_updates=UPDATES)
            )
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not poll.done():
                poll.cancel()  # unacknowledged: delivered again to the next poller
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await poll
                return
            try:
                updates = poll.result()
            except InvalidToken as exc:
                raise BadToken("Telegram refused VITRINE_TELEGRAM_TOKEN") from exc
            except (NetworkError, RetryAfter) as exc:
                log.warning("telegram: polling failed (%s); again in %.0f s", exc, backoff)
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            await self._handle_in_order(inbox, updates)
            if updates:
                offset = updates[-1].update_id + 1

    async def _handle_in_order(self, inbox: Inbox, updates: Sequence[Update]) -> None:
        """Comments that arrived together are handed over together (the router batches
        them); a command waits for what came before it and is done before what follows
        (`/live start` then `/feature 3` in one poll)."""
        pending: list[asyncio.Future[None]] = []
        for update in updates:
            message = update.message
            if message is not None and (message.text or "").startswith("/"):
                await asyncio.gather(*pending)
                pending = []
                await self._handle(inbox, update)
            else:
                pending.append(asyncio.ensure_future(self._handle(inbox, update)))
        await asyncio.gather(*pending)

    async def _serve_webhook(self, inbox: Inbox, stop: asyncio.Event) -> None:
        """Webhook mode: Telegram POSTs updates to the web app, which hands them to
        `accept`; this only registers the webhook and waits."""
        await self.bot.set_webhook(
            str(self.webhook_url), secret_token=self.webhook_secret, allowed_updates=UPDATES
        )
        log.info("telegram: updates come by webhook")
        self._inbox = inbox
        try:
            await stop.wait()
        finally:
            self._inbox = None

    async def accept(self, headers: Mapping[str, str], body: bytes) -> int:
        """One webhook request: 403 without Telegram's secret header (nothing changes),
        503 while not receiving (Telegram delivers it again), 200 once handled."""
        given = headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(given.encode(), self.webhook_secret.encode()):
            return 403
        inbox = self._inbox
        if inbox is None:
            return 503
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("telegram: a webhook body that is not an update was refused")
            return 400
        if update is None:
            return 400
        await self._handle(inbox, update)
        return 200

    async def _handle(self, inbox: Inbox, update: Update) -> None:
        """One update; a failure is logged and never stops the others."""
        try:
            if update.callback_query is not None:
                await self._button(inbox, update.callback_query)
                return
            if update.edited_message is not None:
                edit = to_chat_message(update.edited_message, edited=True)
                if edit is not None:
                    await inbox.submit(edit)
                return
            if update.message is not None:
                await self._message(inbox, update.message)
        except Exception:
            log.exception("telegram: update %s could not be handled", update.update_id)

    async def _message(self, inbox: Inbox, message: Message) -> None:
        text = message.text or ""
        author = message.from_user
        if author is not None and author.username:
            self._usernames[author.username.lower()] = author.id
        if message.chat.type == "private" and message.from_user is not None:
            self._closed.discard(message.from_user.id)  # they wrote to us: we may write back
        if text.startswith("/"):
            private = message.chat.type == "private"
            admin = False if private else await self._is_admin(message)
            command = command_of(
                message, self.bot.username, is_admin=admin, user_ids=self._usernames
            )
            if command is None:
                return
            if command.name == "start" and command.args:
                owner = self.links.owner(command.args[0])
                # the cart behind the link, for its owner only (anyone else gets the help)
                name = "cart" if owner == command.user_id else "help"
                command = replace(command, name=name, args=())
            await inbox.command(command)
            return
        comment = to_chat_message(message)
        if comment is not None:
            await inbox.submit(comment)

    async def _button(self, inbox: Inbox, query: CallbackQuery) -> None:
        """A button pressed under a DM: answered at once (Telegram shows a spinner until
        then), then carried out like the command it stands for."""
        await self._call(self.bot.answer_callback_query(query.id))
        data = query.data or ""
        if not (data == "cancel" or data.startswith("cancel:")) or query.from_user is None:
            return
        line = data.partition(":")[2]
        user = query.from_user
        await inbox.command(
            ChatCommand(
                platform=PLATFORM,
                chat_id=str(user.id),
                user_id=str(user.id),
                user_name=user.full_name,
                name="cancel",
                args=(line,) if line else (),
                private=True,
                language=(user.language_code or "").split("-")[0] or None,
                message_id=f"button-{query.id}",
            )
        )

    async def _is_admin(self, message: Message) -> bool:
        """Whether the author administers the chat (cached briefly per chat)."""
        if is_host(message):
            return True
        user = message.from_user
        if user is None:
            return False
        chat = message.chat.id
        read_at, admins = self._admins.get(chat, (0.0, frozenset()))
        if time.monotonic() - read_at > ADMINS_TTL_S:
            members = await self.bot.get_chat_administrators(chat)
            admins = frozenset(member.user.id for member in members)
            self._admins[chat] = (time.monotonic(), admins)
        return user.id in admins

    async def close(self) -> None:
        if self._ready:
            await self.bot.shutdown()
            self._ready = False


def _pacer() -> AIORateLimiter:
    """30 requests a second overall, evenly spaced: a bucket of one, refilled every 1/30 s,
    never lets 31 through in any one second (a bucket of 30 lets 60 through in a second
    that starts full, and Telegram answers 429). No per-group limit here: the limiter would
    count deletions and restrictions against a group's 20 messages a minute and hold every
    send behind them; the relay paces the group's messages (`ChatTransport`). A 429 is not
    retried here: the relay does it."""
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=1 / OVERALL_PER_SECOND,
        group_max_rate=0,
        max_retries=0,
    )


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
