"""The web app: the checkout page behind every link the bot sends, and payment webhooks."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bots.notify import ShopVoice, notify
from commerce.carts import CommercePolicy
from commerce.checkout.port import CheckoutProvider
from commerce.checkout_service import CartNotPayable, find_cart, open_checkout, pay_locally
from commerce.models import OPEN_ORDER_STATUSES, LineStatus, Order
from commerce.orders import SoldOutAtPayment
from commerce.payments import ForgedEvent, apply_event, verify
from vitrine.bootstrap import Database
from vitrine.db import utcnow
from vitrine.models import LiveSession
from vitrine.money import format_money

log = logging.getLogger(__name__)

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}}
.test{{background:#fff3cd;border:1px solid #e0c060;padding:.5rem;border-radius:.4rem}}
table{{width:100%;border-collapse:collapse}}td{{padding:.3rem 0;border-bottom:1px solid #eee}}
td.n{{text-align:right}}button{{font-size:1.1rem;padding:.7rem 1.4rem;margin-top:1rem}}</style>
</head><body><h1>{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=html.escape(title), body=body), status_code=status)


def _cart_table(order: Order) -> str:
    rows = []
    for line in order.lines:
        if line.status != LineStatus.ACTIVE:
            continue
        options = ", ".join(str(v) for v in line.variant.options.values())
        label = html.escape(line.product.name + (f" ({options})" if options else ""))
        price = html.escape(format_money(line.unit_price_minor, order.currency))
        rows.append(
            f"<tr><td>{label}</td><td class=n>× {line.quantity}</td><td class=n>{price}</td></tr>"
        )
    total = html.escape(format_money(order.total_minor, order.currency))
    return (
        f"<table>{''.join(rows)}<tr><td><b>Total</b></td><td></td>"
        f"<td class=n><b>{total}</b></td></tr></table>"
    )


def _time_left(order: Order, now: datetime) -> str:
    if order.expires_at is None:
        return "<p>First paid, first served: the items are yours once paid.</p>"
    seconds = int((order.expires_at - now).total_seconds())
    if seconds <= 0:
        return "<p>This hold has ended.</p>"
    return f"<p>Held for you for <b>{seconds // 60} min {seconds % 60:02d} s</b>.</p>"


def create_app(
    database: Database,
    *,
    provider: CheckoutProvider,
    shop: ShopVoice,
    policy: CommercePolicy,
    stripe_webhook_secret: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The ASGI app; everything it needs is passed in (see vitrine.bootstrap)."""
    app = FastAPI(title="Vitrine", docs_url=None, redoc_url=None)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/checkout/{token}", response_class=HTMLResponse)
    def checkout_page(token: str, paid: int = 0) -> Response:
        now = clock()
        with database.unit_of_work() as uow:
            order = find_cart(uow.session, token)
            if order is None:
                return _page("Cart not found", "<p>This link does not lead to a cart.</p>", 404)
            if order.status in ("paid", "handed_off"):
                return _page(
                    "Paid, thank you!", _cart_table(order) + f"<p>Order #{order.id} is paid.</p>"
                )
            if order.status not in OPEN_ORDER_STATUSES or (
                order.expires_at is not None and order.expires_at <= now
            ):
                return _page(
                    "This cart has closed",
                    f"<p>This cart is {html.escape(order.status)}: the items went back "
                    "on sale. Comment again during the live to claim them.</p>",
                    410,
                )
            if provider.name != "local":
                try:
                    url = open_checkout(uow.session, token, provider, now)
                except CartNotPayable as exc:
                    return _page("This cart has closed", f"<p>{html.escape(str(exc))}</p>", 410)
                uow.commit()
                return RedirectResponse(url, status_code=303)
            body = (
                "<p class=test>⚠️ <b>TEST CHECKOUT</b> — no money moves. The brand has not "
                "connected a payment provider yet.</p>"
                + _cart_table(order)
                + _time_left(order, now)
                + f"<form method=post action='/checkout/{html.escape(token)}/pay'>"
                "<button type=submit>Pay (test)</button></form>"
            )
            if paid:
                body = "<p>Payment is being confirmed…</p>" + body
            return _page(f"Your cart — {shop.brand}", body)

    @app.post("/checkout/{token}/pay", response_class=HTMLResponse)
    def pay(token: str) -> Response:
        if provider.name != "local":
            return _page("Not available", "<p>Payments go through the payment provider.</p>", 404)
        now = clock()
        with database.unit_of_work() as uow:
            try:
                paid = pay_locally(uow.session, token, now)
            except CartNotPayable as exc:
                return _page("This cart has closed", f"<p>{html.escape(str(exc))}</p>", 410)
            except SoldOutAtPayment as exc:
                uow.rollback()
                return _page(
                    "Sold out",
                    f"<p>{html.escape(exc.variant_sku)} sold out before "
                    "your payment; nothing was charged.</p>",
                    409,
                )
            _tell(uow.session, [paid], paid.order_id, shop, now, key=f"paid:{paid.order_id}")
            uow.commit()
            order = uow.session.get(Order, paid.order_id)
            assert order is not None
            return _page(
                "Paid, thank you!", _cart_table(order) + f"<p>Order #{order.id} is paid (test).</p>"
            )

    @app.post("/webhooks/stripe")
    async def stripe_webhook(request: Request) -> Response:
        if not stripe_webhook_secret:
            return JSONResponse({"error": "Stripe webhooks are not configured"}, status_code=404)
        payload = await request.body()
        try:
            event = verify(payload, request.headers.get("stripe-signature"), stripe_webhook_secret)
        except ForgedEvent:
            log.warning("refused a Stripe webhook with a bad signature")
            return JSONResponse({"error": "invalid signature"}, status_code=400)
        now = clock()
        with database.unit_of_work() as uow:
            outcome, outcomes = apply_event(uow.session, event, now, policy)
            if outcomes:
                order_id = getattr(outcomes[0], "order_id", None)
                _tell(uow.session, outcomes, order_id, shop, now, key=f"stripe:{event.get('id')}")
            uow.commit()
        return JSONResponse({"received": True, "outcome": outcome})

    return app


def _tell(session, outcomes, order_id, shop, now, *, key):
    """Write the outcomes' replies to the outbox of the order's live session."""
    order = session.get(Order, order_id) if order_id else None
    live = session.get(LiveSession, order.session_id) if order is not None else None
    if live is not None:
        notify(session, outcomes, live=live, shop=shop, key=key, now=now)
