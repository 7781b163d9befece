"""The local TEST checkout through the web app, on SQLite and PostgreSQL: the page shows the
cart and the time left, its button pays through `mark_paid`, closed carts say so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from commerce.carts import cancel
from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from commerce.claims import claim
from commerce.holds import CommercePolicy
from commerce.intent import ClaimedItem
from commerce.models import Order, Variant
from commerce.outcomes import Reserved
from commerce.sql_ports import SqlCommerce
from kernel.models import LiveSession, OutboxMessage, Viewer
from live.sessions import open_session
from tests.fakes.buyer import BUYER_FORM
from tests.integration.conftest import CATALOG
from vitrine.bootstrap import Database
from vitrine.settings import Settings
from vitrine.web import create_app

PUBLIC_URL = "http://127.0.0.1:8000"
WEBHOOK_SECRET = "whsec_test_0123456789"


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_settings(provider: str = "local", **extra: object) -> Settings:
    """Settings for a test, never read from the environment or a .env file."""
    values: dict[str, object] = {
        "environment": "test",
        "public_url": PUBLIC_URL,
        "brand_name": "Bijoux <Test>",
        "checkout_provider": provider,
        "hold_seconds": 900,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def viewer_id(database: Database, handle: str) -> int:
    with database.unit_of_work() as uow:
        found = uow.session.scalar(select(Viewer).where(Viewer.platform_user_id == handle))
        if found is None:
            found = Viewer(platform="test", platform_user_id=handle, display_name=handle.title())
            uow.session.add(found)
            uow.session.flush()
        uow.commit()
        return found.id


def claim_for(
    database: Database,
    live: int,
    handle: str,
    sku: str,
    now: datetime,
    *,
    quantity: int = 1,
    options: dict[str, str] | None = None,
    hold_seconds: int | None = 900,
) -> str | None:
    """A viewer claims a product: the cart's public token, or None when waitlisted."""
    who = viewer_id(database, handle)
    with database.unit_of_work() as uow:
        outcome = claim(
            SqlCommerce(uow.session),
            session_id=live,
            viewer_id=who,
            item=ClaimedItem(sku, quantity, options or {}),
            comment_id=None,
            now=now,
            policy=CommercePolicy(hold_seconds=hold_seconds),
        )
        uow.commit()
        if not isinstance(outcome, Reserved):
            return None
        order = uow.session.get(Order, outcome.order_id)
        assert order is not None
        return order.public_token


def units(database: Database, sku: str) -> tuple[int, int]:
    """(stock, reserved) of a variant."""
    with database.unit_of_work() as uow:
        found = uow.session.scalars(select(Variant).where(Variant.sku == sku)).one()
        return found.stock, found.reserved


def order_by_token(database: Database, token: str) -> Order:
    with database.unit_of_work() as uow:
        order = uow.session.scalars(select(Order).where(Order.public_token == token)).one()
        uow.session.expunge(order)
        return order


def outbox(database: Database, **where: str) -> list[OutboxMessage]:
    with database.unit_of_work() as uow:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for column, value in where.items():
            query = query.where(getattr(OutboxMessage, column) == value)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


@pytest.fixture
def web(database, clock) -> TestClient:
    return TestClient(create_app(make_settings(), database, clock=clock))


def test_the_page_speaks_the_viewers_language_under_the_lives_brand(database, clock, web):
    """Words, option names and the html lang follow the viewer (else the live); the brand
    is the one the live sold for, not the deployment's default."""
    with database.unit_of_work() as uow:
        import_catalog(uow.session, load_catalog_file(CATALOG))
        other = open_session(
            uow.session,
            key="solene",
            platform="test",
            chat_id="c9",
            now=clock.now,
            language="it",
            brand="Atelier Solène",
        )
        uow.commit()
        live_id = other.id
    options = {"size": "30ml"}
    greta = claim_for(database, live_id, "greta", "SERUM-ECLAT", clock.now, options=options)
    gino = claim_for(database, live_id, "gino", "SERUM-ECLAT", clock.now, options=options)
    with database.unit_of_work() as uow:
        greta_viewer = select(Viewer).where(Viewer.platform_user_id == "greta")
        uow.session.scalars(greta_viewer).one().language = "de"
        assert uow.session.get(LiveSession, live_id).brand == "Atelier Solène"
        uow.commit()

    german, italian = web.get(f"/checkout/{greta}").text, web.get(f"/checkout/{gino}").text

    assert '<html lang="de">' in german and "Dein Warenkorb — Atelier Solène" in german
    assert "Größe: 30ml" in german and "Bezahlen (Test)" in german and "TESTZAHLUNG" in german
    assert '<html lang="it">' in italian and "Il tuo carrello — Atelier Solène" in italian
    assert "Taglia: 30ml" in italian and "Bijoux" not in german + italian


def test_page_shows_the_cart_time_left_and_test_label(database, live, clock, web) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    claim_for(database, live, "ann", "SERUM-ECLAT", clock.now, quantity=2, options={"size": "30ml"})
    assert token is not None
    clock.now += timedelta(minutes=3, seconds=20)

    page = web.get(f"/checkout/{token}")

    assert page.status_code == 200
    assert "PAIEMENT DE TEST" in page.text and "Payer (test)" in page.text
    assert "Collier Isa" in page.text and "Sérum Éclat" in page.text and "Taille: 30ml" in page.text
    assert "49.90 EUR" in page.text and "24.50 EUR" in page.text and "49.00 EUR" in page.text
    assert "<b id=total>98.90 EUR</b>" in page.text  # 49.90 + 2 x 24.50, integer cents
    assert "11 min 40 s" in page.text  # the claim of the serum restarted the 15-minute hold
    assert "Bijoux &lt;Test&gt;" in page.text
    assert page.headers["cache-control"] == "no-store"
    order = order_by_token(database, token)
    assert (order.status, order.checkout_provider) == ("awaiting_payment", "local")
    assert order.checkout_url == f"{PUBLIC_URL}/checkout/{token}"


def test_pay_marks_paid_sells_stock_and_tells_brand_and_viewer(database, live, clock, web) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    assert units(database, "ISA") == (2, 1)
    web.get(f"/checkout/{token}")

    paid = web.post(f"/checkout/{token}/pay", data=BUYER_FORM, follow_redirects=False)
    assert paid.status_code == 303 and paid.headers["location"] == f"/checkout/{token}"
    page = web.get(paid.headers["location"])

    assert (
        page.status_code == 200
        and "est payée (test)" in page.text
        and "Payer (test)" not in page.text
    )
    assert order_by_token(database, token).status == "paid"
    assert units(database, "ISA") == (1, 0)  # the held unit is sold, not held any more
    brand = outbox(database, channel="brand")
    assert [(m.kind, m.payload["total_minor"]) for m in brand] == [("order_paid", 4990)]
    assert isinstance(brand[0].payload["total_minor"], int)
    told = outbox(database, channel="test")  # the chat hears the order is paid
    assert [m.dedupe_key.split(":")[0] for m in told] == ["order_paid"]

    again = web.post(f"/checkout/{token}/pay", data=BUYER_FORM)  # a double click pays nothing more
    assert again.status_code == 200 and "est payée" in again.text
    assert len(outbox(database, channel="brand")) == 1
    assert units(database, "ISA") == (1, 0)


def test_ended_hold_and_cancelled_cart_show_a_closed_page(database, live, clock, web) -> None:
    ann = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    bob = claim_for(database, live, "bob", "COLLIER-ISA", clock.now)
    with database.unit_of_work() as uow:
        cancel(
            uow.session,
            session_id=live,
            viewer_id=viewer_id(database, "bob"),
            skus=[],
            now=clock.now,
        )
        uow.commit()
    clock.now += timedelta(minutes=16)  # ann's hold ended; the scheduler has not run yet

    for token, words in ((ann, "réservation de ce panier a expiré"), (bob, "a été annulé")):
        page = web.get(f"/checkout/{token}")
        assert page.status_code == 410 and words in page.text
        assert web.post(f"/checkout/{token}/pay", data=BUYER_FORM).status_code == 410
    assert units(database, "ISA") == (2, 1)  # nothing sold; ann's unit waits for the scheduler
    assert order_by_token(database, ann).status == "reserved"


def test_unknown_token_is_404(web) -> None:
    assert web.get("/checkout/no-such-cart").status_code == 404
    assert web.post("/checkout/no-such-cart/pay", data=BUYER_FORM).status_code == 404


def test_user_controlled_text_is_escaped(database, live, clock, web) -> None:
    token = claim_for(database, live, "ann", "SERUM-ECLAT", clock.now, options={"size": "50ml"})
    with database.unit_of_work() as uow:
        order = uow.session.scalars(select(Order).where(Order.public_token == token)).one()
        order.lines[0].product.name = '<script>alert("x")</script>'
        order.lines[0].variant.options = {"size": "<img src=x onerror=alert(1)>"}
        uow.commit()

    page = web.get(f"/checkout/{token}")

    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_sold_out_at_payment_charges_nothing(database, live, clock) -> None:
    """First paid, first served: nothing is held, and the last unit goes to whoever pays."""
    web = TestClient(create_app(make_settings(hold_mode="first_paid"), database, clock=clock))
    tokens = [
        claim_for(database, live, who, "COLLIER-ISA", clock.now, hold_seconds=None)
        for who in ("ann", "bob", "cid")
    ]
    assert all(tokens) and units(database, "ISA") == (2, 0)
    for token in tokens[:2]:
        assert web.post(f"/checkout/{token}/pay", data=BUYER_FORM).status_code == 200
    late = web.post(f"/checkout/{tokens[2]}/pay", data=BUYER_FORM)
    assert late.status_code == 409 and "épuisé avant votre paiement" in late.text
    assert order_by_token(database, tokens[2]).status == "reserved"
    assert units(database, "ISA") == (0, 0)
    assert len(outbox(database, channel="brand")) == 2
