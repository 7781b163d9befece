"""A live in a Telegram group, through python-telegram-bot against a local fake Bot API:
the host opens it with /live start, viewers claim, the group gets batched replies, buyers
who started the bot get their link privately, the others a deep link that delivers it,
spam is deleted and its author restricted, and a non-admin's /live changes nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bots.telegram import TelegramPlatform
from bots.telegram.links import DeepLinks
from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from tests.fakes.telegram_server import BOT_USERNAME, FakeTelegram
from vitrine.bootstrap import build_runtime
from vitrine.settings import Settings

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
GROUP = -100_555
HOST, STARTED, STRANGER, SPAMMER, NOBODY = 7, 11, 12, 13, 14


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(admins={GROUP: {HOST}}) as fake:
        fake.started.add(STARTED)
        yield fake


def _wait(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def _run(
    database_url: str,
    telegram: FakeTelegram,
    script: Callable[[], None],
    public_url: str = "http://127.0.0.1:9",
):
    settings = Settings(
        _env_file=None,
        telegram_token=telegram.token,
        telegram_base_url=telegram.base_url,
        public_url=public_url,
    )
    runtime = build_runtime(settings, database_url)
    with runtime.database.unit_of_work() as uow:
        import_catalog(uow.session, load_catalog_file(CATALOG))
        uow.commit()

    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(runtime.run(stop))
        await asyncio.to_thread(script)
        stop.set()
        await running

    try:
        asyncio.run(main())
    finally:
        runtime.close()
    return runtime


def test_a_live_in_a_telegram_group(database_url: str, telegram: FakeTelegram) -> None:
    def script() -> None:
        telegram.group_message(GROUP, STRANGER, "/live start", name="Eve")  # not an admin
        assert _wait(lambda: any("administrat" in s.text for s in telegram.sent_to(GROUP)))
        telegram.group_message(GROUP, HOST, "/live start", name="Host")
        assert _wait(lambda: any("🔴" in s.text for s in telegram.sent_to(GROUP)))
        telegram.group_message(GROUP, HOST, "/feature 2", name="Host")
        telegram.group_message(GROUP, STARTED, "je prends le collier Isa", name="Ann")
        telegram.group_message(GROUP, STRANGER, "I'll take the Isa necklace", name="Eve")
        telegram.group_message(
            GROUP, SPAMMER, "gagnez 5000€ en bitcoin, écrivez-moi sur whatsapp", name="Spam"
        )
        assert _wait(lambda: any("/checkout/" in s.text for s in telegram.sent_to(STARTED)))
        assert _wait(lambda: any("?start=" in s.text for s in telegram.sent_to(GROUP)))
        assert _wait(lambda: telegram.deleted != [])
        # Eve opens the deep link: /start with her payload gives her the cart privately.
        link = next(s.text for s in telegram.sent_to(GROUP) if "?start=" in s.text)
        payload = link.split("?start=")[1].split()[0]
        telegram.started.add(STRANGER)
        telegram.private_message(STRANGER, f"/start {payload}", name="Eve")
        assert _wait(lambda: any("/checkout/" in s.text for s in telegram.sent_to(STRANGER)))
        # Somebody else's payload delivers nothing of hers.
        telegram.started.add(NOBODY)
        telegram.private_message(NOBODY, f"/start {payload}", name="Mallory")
        assert _wait(lambda: telegram.sent_to(NOBODY) != [])

    _run(database_url, telegram, script)

    group = telegram.sent_to(GROUP)
    assert telegram.calls.count("setMyCommands") == 2  # the viewers' and the admins' menus
    assert all(len(s.text) <= 4096 for s in telegram.sent)
    assert sum("administrat" in s.text for s in group) == 1  # Eve's /live was refused
    link_lines = [s.text for s in group if "?start=" in s.text]
    assert link_lines and all(f"t.me/{BOT_USERNAME}?start=" in t for t in link_lines)
    assert not any("/checkout/" in s.text for s in group)  # links to carts are private
    assert [s.text for s in telegram.sent_to(NOBODY) if "/checkout/" in s.text] == []
    spam_id = max(mid for _, mid in telegram.deleted)
    assert (GROUP, spam_id) in telegram.deleted
    assert {user for _, user, _, _ in telegram.restricted} | {
        user for _, user in telegram.banned
    } == {SPAMMER}


def test_an_edit_claims_once_and_never_changes_a_claim(database_url, telegram) -> None:
    """ "hello" edited into a claim reserves once, a second edit changes nothing; a claim
    edited into a bigger one keeps what was reserved; an edit into spam is deleted."""
    from sqlalchemy import func, select

    from commerce.models import Reservation

    def script() -> None:
        telegram.group_message(GROUP, HOST, "/live start", name="Host")
        assert _wait(lambda: any("🔴" in s.text for s in telegram.sent_to(GROUP)))
        hello = telegram.group_message(GROUP, STARTED, "bonjour !", name="Ann")
        claimed = telegram.group_message(GROUP, STRANGER, "je prends le sérum 30ml", name="Eve")
        assert _wait(lambda: telegram.pending_updates() == 0)
        telegram.edit(GROUP, STARTED, hello, "je prends le sérum 30ml", name="Ann")
        telegram.edit(GROUP, STARTED, hello, "je prends 2 sérums 50ml", name="Ann")
        telegram.edit(GROUP, STRANGER, claimed, "je prends 3 sérums 50ml", name="Eve")
        spam = telegram.group_message(GROUP, SPAMMER, "coucou", name="Spam")
        telegram.edit(GROUP, SPAMMER, spam, "gagnez 5000€ en bitcoin, écrivez-moi sur whatsapp")
        assert _wait(lambda: (GROUP, spam) in telegram.deleted)
        assert _wait(lambda: len(telegram.sent_to(STARTED)) >= 1)

    runtime = _run(database_url, telegram, script)
    from vitrine.bootstrap import open_database

    database = open_database(database_url)
    try:
        with database.unit_of_work() as uow:
            held = uow.session.scalar(select(func.sum(Reservation.quantity)))
    finally:
        database.dispose()
    assert runtime is not None and held == 2  # one for Ann's edit, one for Eve's claim


def test_the_checkout_dm_has_pay_and_cancel_buttons(database_url, telegram) -> None:
    """The DM carries a Pay button (its https link), a button per line and one for the
    whole cart; a press is answered at once and cancels that line, said privately."""
    box: dict[str, object] = {}

    def dms() -> list:
        return [s for s in telegram.sent_to(STARTED) if "/checkout/" in s.text]

    def script() -> None:
        telegram.group_message(GROUP, HOST, "/live start", name="Host")
        telegram.group_message(GROUP, STARTED, "je prends le sérum 30ml", name="Ann")
        assert _wait(lambda: len(dms()) == 1)
        telegram.group_message(GROUP, STARTED, "je prends aussi le collier Isa", name="Ann")
        assert _wait(lambda: len(dms()) == 2)
        box["markup"] = dms()[-1].reply_markup
        box["query"] = telegram.press(STARTED, "cancel:COLLIER-ISA", dms()[-1].message_id)
        assert _wait(lambda: len(telegram.sent_to(STARTED)) >= 3)

    runtime = _run(database_url, telegram, script, public_url="https://shop.example")
    rows = box["markup"]["inline_keyboard"]
    assert rows[0][0]["url"].startswith("https://shop.example/checkout/")
    lines = [row[0]["callback_data"] for row in rows[1:-1]]
    assert sorted(lines) == ["cancel:COLLIER-ISA", "cancel:SERUM-ECLAT"]
    assert rows[-1][0]["callback_data"] == "cancel"
    assert box["query"] in telegram.answered_callbacks
    assert "annulé" in telegram.sent_to(STARTED)[-1].text
    from sqlalchemy import select

    from commerce.models import OrderLine, Product
    from vitrine.bootstrap import open_database

    database = open_database(database_url)
    try:
        with database.unit_of_work() as uow:
            status = dict(
                uow.session.execute(
                    select(Product.sku, OrderLine.status).join(
                        Product, Product.id == OrderLine.product_id
                    )
                ).all()
            )
    finally:
        database.dispose()
    assert runtime is not None
    assert status == {"SERUM-ECLAT": "active", "COLLIER-ISA": "cancelled"}


def test_moderators_mute_and_unmute_by_replying(database_url, telegram) -> None:
    """/mute 15 in reply to a message restricts its author until 15 minutes from now;
    /unmute lifts it; a viewer's /mute restricts nobody."""

    def script() -> None:
        telegram.group_message(GROUP, HOST, "/live start", name="Host")
        assert _wait(lambda: any("🔴" in s.text for s in telegram.sent_to(GROUP)))
        loud = telegram.group_message(GROUP, SPAMMER, "bonjour", name="Loud")
        reply = {
            "message_id": loud,
            "date": int(time.time()),
            "from": {"id": SPAMMER, "is_bot": False, "first_name": "Loud"},
            "chat": {"id": GROUP, "type": "supergroup"},
            "text": "bonjour",
        }
        telegram.group_message(GROUP, STRANGER, "/mute", name="Eve", reply_to_message=reply)
        telegram.group_message(GROUP, HOST, "/mute 15", name="Host", reply_to_message=reply)
        assert _wait(lambda: len(telegram.restricted) == 1)
        telegram.group_message(GROUP, HOST, "/unmute", name="Host", reply_to_message=reply)
        assert _wait(lambda: len(telegram.restricted) == 2)

    started = time.time()
    _run(database_url, telegram, script)
    (chat, user, muted, until), (_, _, unmuted, lifted) = telegram.restricted
    assert (chat, user) == (GROUP, SPAMMER) and muted.get("can_send_messages") is False
    assert until is not None and 14 * 60 <= until - started <= 16 * 60
    assert unmuted.get("can_send_messages") is True and lifted is None
    assert telegram.banned == []


def test_deep_link_payloads_are_bound_to_their_viewer() -> None:
    links = DeepLinks("123:secret", "shop_bot")
    payload = links.payload("42")
    assert len(payload) <= 64 and payload.replace("_", "").replace("-", "").isalnum()
    assert links.owner(payload) == "42"
    assert links.owner(payload.replace("c42", "c43")) is None
    assert DeepLinks("123:other", "shop_bot").owner(payload) is None
    assert links.url("42") == f"https://t.me/shop_bot?start={payload}"


def test_a_refused_token_is_one_clear_error(telegram: FakeTelegram) -> None:
    platform = TelegramPlatform("999:wrong", base_url=telegram.base_url)
    with pytest.raises(Exception, match="VITRINE_TELEGRAM_TOKEN"):
        asyncio.run(platform.start())


def test_webhook_mode_checks_telegrams_secret_header(database_url, telegram) -> None:
    """With VITRINE_TELEGRAM_WEBHOOK_URL the bot registers a webhook with a secret; the web
    app hands updates to it; a request without the secret gets 403 and changes nothing."""
    import httpx

    from vitrine.web import create_app

    settings = Settings(
        _env_file=None,
        telegram_token=telegram.token,
        telegram_base_url=telegram.base_url,
        telegram_webhook_url="https://shop.example/platforms/telegram/webhook",
    )
    runtime = build_runtime(settings, database_url)
    adapter = runtime.platforms["telegram"]
    app = create_app(settings, runtime.database, receivers=[adapter])

    def update(user: int, text: str, message_id: int) -> dict:
        return {
            "update_id": message_id,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "supergroup", "title": "Live"},
                "from": {"id": user, "is_bot": False, "first_name": "U"},
                "text": text,
            },
        }

    async def main() -> list[int]:
        stop = asyncio.Event()
        running = asyncio.create_task(runtime.run(stop))
        for _ in range(200):
            if telegram.webhook is not None and adapter._inbox is not None:
                break
            await asyncio.sleep(0.02)
        transport = httpx.ASGITransport(app=app)
        statuses = []
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            path = "/platforms/telegram/webhook"
            forged = await web.post(path, json=update(HOST, "/live start", 1))
            wrong = await web.post(
                path,
                json=update(HOST, "/live start", 2),
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
            )
            good = await web.post(
                path,
                json=update(HOST, "/live start", 3),
                headers={"X-Telegram-Bot-Api-Secret-Token": adapter.webhook_secret},
            )
            statuses = [forged.status_code, wrong.status_code, good.status_code]
        await asyncio.to_thread(_wait, lambda: any("🔴" in s.text for s in telegram.sent_to(GROUP)))
        stop.set()
        await running
        return statuses

    try:
        statuses = asyncio.run(main())
        with runtime.database.unit_of_work() as uow:
            from kernel.models import LiveSession

            lives = uow.session.query(LiveSession).count()
    finally:
        runtime.close()
    assert telegram.webhook is not None
    assert telegram.webhook["url"] == "https://shop.example/platforms/telegram/webhook"
    assert telegram.webhook["secret_token"] == adapter.webhook_secret
    assert "getUpdates" not in telegram.calls  # no polling beside the webhook
    assert statuses == [403, 403, 200]
    assert lives == 1  # only the signed /live start opened a live
