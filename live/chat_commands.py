"""Commands typed in a chat, from any platform: the host's (`/live start`, `/feature 3`,
`/stock 3`), the moderators' (`/mute`, `/ban`, `/pardon`, ...) and the viewers' in private
(`/start`, `/cart`, `/cancel`, `/help`).

Adapters translate a platform's command into a `ChatCommand` (saying whether its author
administers the chat: only the platform knows); the answers go out through the outbox,
like every other reply, in the author's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commerce.carts import cancel, open_cart, view_of
from commerce.models import Order, Product
from commerce.product_facts import ProductFactsCache
from kernel.clock import utcnow
from kernel.models import LiveSession, SessionStatus, Viewer
from kernel.money import format_money
from kernel.outbox import enqueue_many
from kernel.uow import UnitOfWorkProvider
from live.announce import ShopVoice, cart_summary, checkout_url
from live.bus import publish
from live.deliveries import PrivateReply, PublicReply
from live.events import Cause
from live.moderator_commands import UnknownCommand, apply_override, lift_for_viewer
from live.sessions import LiveInfo, end_session, open_session, running_live
from moderation.engine import ModerationEngine
from prompts.replies import render

log = logging.getLogger(__name__)

HOST_COMMANDS = frozenset({"live", "feature", "stock"})
MODERATOR_COMMANDS = frozenset(
    {"mute", "unmute", "ban", "unban", "pardon", "allowdomain", "blockword"}
)
VIEWER_COMMANDS = frozenset({"start", "cart", "cancel", "help"})


@dataclass(frozen=True, slots=True)
class ChatCommand:
    """A command as typed: where, by whom, and whether the platform says they administer
    that chat. `target_user_id` is the viewer a moderator's command is about (named, or
    the author of the message it replies to)."""

    platform: str
    chat_id: str  # the group it was typed in; the author's own id in a private chat
    user_id: str
    user_name: str
    name: str
    args: tuple[str, ...] = ()
    private: bool = False
    is_admin: bool = False
    target_user_id: str | None = None
    target_name: str | None = None
    language: str | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class CommandSettings:
    """What opening a live from a chat needs to know of the shop."""

    shop: ShopVoice
    hold_seconds: int | None


class ChatCommands:
    """Carries out chat commands; `engine_for` gives a live session's moderation engine."""

    def __init__(
        self,
        database: UnitOfWorkProvider,
        settings: CommandSettings,
        engine_for: Callable[[int], ModerationEngine],
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.settings = settings
        self.engine_for = engine_for
        self.clock = clock

    def handle(self, command: ChatCommand) -> str:
        """Carry the command out and write its answer to the outbox; the answer's key."""
        name = command.name.lower()
        if command.private:
            if name in VIEWER_COMMANDS:
                return self._viewer(command, name)
            return self._answer(command, "cmd_help")
        if name in HOST_COMMANDS | MODERATOR_COMMANDS:
            if not command.is_admin:
                return self._answer(command, "cmd_not_admin")
            if name in HOST_COMMANDS:
                return self._host(command, name)
            return self._moderator(command, name)
        return "ignored"  # a viewer's command in the group: nothing to say

    # -- viewers, in private ---------------------------------------------------------------

    def _viewer(self, command: ChatCommand, name: str) -> str:
        if name == "help":
            return self._answer(command, "cmd_help")
        if name == "cancel":
            return self._cancel(command)
        return self._cart(command)

    def _cart(self, command: ChatCommand) -> str:
        """Their open carts, each with its link (what a deep link's /start delivers)."""
        now = self.clock()
        with self.database.unit_of_work() as uow:
            session = uow.session
            lines = []
            for order, live in _open_carts(session, command.platform, command.user_id):
                cart = view_of(order)
                brand = live.brand or self.settings.shop.brand
                lines.append(
                    render(
                        "checkout_dm",
                        command.language or live.language,
                        brand=brand,
                        items=cart_summary(session, cart, ProductFactsCache()),
                        total=format_money(cart.total_minor, cart.currency),
                        hold="",
                        url=checkout_url(self.settings.shop, cart),
                    )
                )
            key = "cmd_cart" if lines else "cmd_no_cart"
            text = "\n\n".join(lines) if lines else self._say(command, key)
            self._write(session, command, text, key, now)
            uow.commit()
        return key

    def _cancel(self, command: ChatCommand) -> str:
        now = self.clock()
        with self.database.unit_of_work() as uow:
            session = uow.session
            carts = _open_carts(session, command.platform, command.user_id)
            # "/cancel 3" or a line's button: those products only; else the whole cart
            wanted = [p.sku for a in command.args if (p := _product_by_code(session, a))]
            if command.args and not wanted:
                carts = []
            for order, live in carts:
                cause = Cause(key=f"cmd:{command.platform}:{command.message_id}", now=now)
                cause.live = LiveInfo.of(live)
                events = cancel(
                    session, session_id=live.id, viewer_id=order.viewer_id, skus=wanted, now=now
                )
                publish(uow, events, cause)
            key = "cmd_cancelled" if carts else "cmd_no_cart"
            self._write(session, command, self._say(command, key), key, now)
            uow.commit()
        return key

    # -- hosts, in the group -----------------------------------------------------------------

    def _host(self, command: ChatCommand, name: str) -> str:
        now = self.clock()
        with self.database.unit_of_work() as uow:
            session = uow.session
            live = running_live(session, command.platform, command.chat_id)
            language = command.language or (live.language if live else None)
            product: Product | None = None
            if name == "live":
                key = self._live(session, command, live, now)
            elif live is None:
                key = "cmd_no_live"
            else:
                product = _product_by_code(session, command.args[0] if command.args else "")
                if product is None:
                    key = "cmd_unknown_product"
                elif name == "feature":
                    live.featured_product_id = product.id
                    key = "cmd_featured"
                else:
                    key = "cmd_stock"
            values: dict[str, str] = {}
            if key in ("cmd_featured", "cmd_stock") and product is not None:
                values = {"product": product.name, "stock": _stock_text(product)}
            self._write(
                session,
                command,
                render(key, language or self.settings.shop.default_language, **values),
                key,
                now,
            )
            uow.commit()
        return key

    def _live(
        self, session: Session, command: ChatCommand, live: LiveSession | None, now: datetime
    ) -> str:
        action = command.args[0].lower() if command.args else ""
        if action == "start":
            if live is not None:
                return "cmd_live_already"
            open_session(
                session,
                key=f"{command.platform}-{command.chat_id}-{now:%Y%m%d-%H%M%S}",
                platform=command.platform,
                chat_id=command.chat_id,
                now=now,
                title=f"live on {command.platform} {command.chat_id}",
                hold_seconds=self.settings.hold_seconds,
                language=command.language or self.settings.shop.default_language,
                brand=self.settings.shop.brand,
            )
            log.info("live started on %s chat %s", command.platform, command.chat_id)
            return "cmd_live_started"
        if action == "stop":
            if live is None:
                return "cmd_no_live"
            end_session(session, live, now)
            log.info("live stopped on %s chat %s", command.platform, command.chat_id)
            return "cmd_live_stopped"
        return "cmd_live_usage"

    # -- moderators, in the group ------------------------------------------------------------

    def _moderator(self, command: ChatCommand, name: str) -> str:
        now = self.clock()
        live_id = None
        with self.database.unit_of_work() as uow:
            live = running_live(uow.session, command.platform, command.chat_id)
            info = LiveInfo.of(live) if live is not None else None
            live_id = live.id if live is not None else None
        if info is None or live_id is None:
            return self._answer(command, "cmd_no_live")
        target = command.target_user_id
        argument = command.args[0] if command.args else None
        try:
            if name in ("unmute", "unban"):
                if not target:
                    raise UnknownCommand(f"{name} needs a viewer")
                lift_for_viewer(self.database, live=info, viewer_id=target, action=name, now=now)
            else:
                minutes = _minutes(command.args) if name == "mute" else None
                apply_override(
                    self.database,
                    self.engine_for(live_id),
                    live=info,
                    command={"allowdomain": "allow_domain", "blockword": "block_word"}.get(
                        name, name
                    ),
                    actor=command.user_name or command.user_id,
                    now=now,
                    target_user_id=target,
                    argument=argument,
                    duration_s=minutes * 60 if minutes else (600 if name == "mute" else None),
                )
        except UnknownCommand:
            return self._answer(command, "cmd_usage")
        return self._answer(command, "cmd_done")

    # -- answers ---------------------------------------------------------------------------

    def _say(self, command: ChatCommand, key: str, **values: object) -> str:
        """A reply template in the author's language (else the shop's)."""
        language = command.language or self.settings.shop.default_language
        return render(key, language, **values)

    def _answer(self, command: ChatCommand, key: str) -> str:
        now = self.clock()
        with self.database.unit_of_work() as uow:
            self._write(uow.session, command, self._say(command, key), key, now)
            uow.commit()
        return key

    def _write(self, session: Session, command: ChatCommand, text: str, key: str, now: datetime):
        """The answer to a command, once per command message."""
        if command.private:
            delivery: PrivateReply | PublicReply = PrivateReply(command.user_id, text, "")
            destination = f"dm:{command.platform}:{command.user_id}"
        else:
            delivery = PublicReply(command.chat_id, text, command.message_id, command.user_id)
            destination = f"chat:{command.platform}:{command.chat_id}"
        enqueue_many(
            session,
            [
                {
                    "kind": delivery.kind,
                    "channel": command.platform,
                    "destination": destination,
                    "payload": delivery.to_json(),
                    "dedupe_key": f"cmd:{command.platform}:{command.chat_id}:"
                    f"{command.message_id or now.timestamp()}:{key}",
                    "session_id": None,
                }
            ],
            now,
        )


def _open_carts(session: Session, platform: str, user_id: str) -> list[tuple[Order, LiveSession]]:
    """The viewer's open carts in lives still running, newest first."""
    viewer = session.scalar(
        select(Viewer).where(Viewer.platform == platform, Viewer.platform_user_id == user_id)
    )
    if viewer is None:
        return []
    lives = session.scalars(
        select(LiveSession).where(
            LiveSession.platform == platform, LiveSession.status == SessionStatus.LIVE
        )
    ).all()
    carts = []
    for live in lives:
        order = open_cart(session, live.id, viewer.id)
        if order is not None:
            carts.append((order, live))
    return carts


def _product_by_code(session: Session, code: str) -> Product | None:
    code = code.strip().lstrip("#")
    if not code:
        return None
    return session.scalar(
        select(Product).where(or_(Product.code == code, Product.sku == code)).limit(1)
    )


def _stock_text(product: Product) -> str:
    parts = []
    for variant in product.variants:
        label = " ".join(str(v) for v in variant.options.values()) or variant.sku
        parts.append(f"{label}: {variant.stock - variant.reserved}")
    return ", ".join(parts)


def _minutes(args: tuple[str, ...]) -> int | None:
    for arg in args:
        if arg.isdigit():
            return int(arg)
    return None
