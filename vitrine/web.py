"""The web app: the checkout page behind every link the bot sends, and payment webhooks.

Chat replies always link to `{public_url}/checkout/{token}`. With the local provider that
page is a TEST checkout with a pay button; with Stripe it creates (or reuses) the cart's
Checkout Session and redirects to it, so the chat pipeline never waits on Stripe.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from commerce.checkout.factory import CheckoutConfigError, provider_from_settings
from commerce.checkout.port import CheckoutProvider
from commerce.checkout_service import (
    CartNotPayable,
    CheckoutUnavailable,
    PaymentPending,
    checkout_link,
    find_cart,
    sold_out_lines,
)
from commerce.models import OPEN_ORDER_STATUSES, LineStatus, Order, OrderStatus
from commerce.orders import SoldOutAtPayment
from commerce.stripe_events import ForgedEvent, UnreadableEvent, verify
from kernel.clock import utcnow
from kernel.money import format_money
from live.announce import ShopVoice
from live.payments import apply_payment_event, pay_with_local_checkout, wait_for_sold_out
from vitrine.bootstrap import Database, shop_voice, wire
from vitrine.settings import CheckoutProviderName, Settings
from vitrine.web_guards import WebGuards

log = logging.getLogger(__name__)

# What a cart's public token looks like (`secrets.token_urlsafe`): anything else is not one.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{head}<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}}
.test{{background:#fff3cd;border:2px solid #e0a800;padding:.6rem;border-radius:.4rem}}
table{{width:100%;border-collapse:collapse}}td,th{{padding:.35rem 0;border-bottom:1px solid #eee}}
th{{text-align:left}}.n{{text-align:right}}.opt{{color:#555;font-size:.9em}}
button{{font-size:1.3rem;padding:.9rem 2rem;margin-top:1rem;width:100%;cursor:pointer}}
</style></head><body><h1>{title}</h1>{body}</body></html>"""

_CLOSED = {
    OrderStatus.EXPIRED: "The hold on this cart has ended and the items went back on sale.",
    OrderStatus.CANCELLED: "This cart was cancelled and the items went back on sale.",
}


def _page(title: str, body: str, status: int = 200, *, refresh_s: int | None = None) -> Response:
    """A page; `body` must already be escaped, `title` is escaped here."""
    head = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    return HTMLResponse(
        _PAGE.format(head=head, title=html.escape(title), body=body),
        status_code=status,
        headers={"Cache-Control": "no-store"},  # a cart's page changes with every payment
    )


def _cart_table(order: Order) -> str:
    rows = []
    for line in order.lines:
        if line.status != LineStatus.ACTIVE:
            continue
        options = ", ".join(
            f"{key}: {value}" for key, value in line.variant.options.items() if value is not None
        )
        option_html = f"<div class=opt>{html.escape(options)}</div>" if options else ""
        unit = html.escape(format_money(line.unit_price_minor, order.currency))
        subtotal = html.escape(format_money(line.unit_price_minor * line.quantity, order.currency))
        rows.append(
            f"<tr><td>{html.escape(line.product.name)}{option_html}</td>"
            f"<td class=n>{line.quantity}</td><td class=n>{unit}</td>"
            f"<td class=n>{subtotal}</td></tr>"
        )
    total = html.escape(format_money(order.total_minor, order.currency))
    return (
        "<table><tr><th>Item</th><th class=n>Qty</th><th class=n>Unit price</th>"
        f"<th class=n>Amount</th></tr>{''.join(rows)}"
        f"<tr><td colspan=3><b>Total</b></td><td class=n><b id=total>{total}</b></td></tr>"
        "</table>"
    )


def _time_left(order: Order, now: datetime) -> str:
    if order.expires_at is None:
        return "<p>First paid, first served: the items are yours once paid.</p>"
    seconds = max(0, int((order.expires_at - now).total_seconds()))
    until = html.escape(order.expires_at.strftime("%H:%M UTC"))
    return (
        f"<p id=time-left>Held for you for <b>{seconds // 60} min {seconds % 60:02d} s</b> "
        f"(until {until}).</p>"
    )


def _paid_page(order: Order, note: str = "") -> Response:
    return _page(
        "Paid, thank you!",
        _cart_table(order) + f"<p>Order #{order.id} is paid{note}. The shop will be in touch.</p>",
    )


def _closed_page(status: str | None) -> Response:
    try:
        text = _CLOSED.get(OrderStatus(status or ""), "This cart can no longer be paid.")
    except ValueError:
        text = "This cart can no longer be paid."
    return _page(
        "This cart has closed",
        f"<p>{html.escape(text)} Comment again during the live to claim them.</p>",
        410,
    )


def _sold_out_page(token: str, names: list[str]) -> Response:
    """A "first paid" cart whose items went to faster buyers: say so before any money moves."""
    items = "".join(f"<li>{html.escape(name)}</li>" for name in names)
    action = f"/checkout/{html.escape(token, quote=True)}/waitlist"
    return _page(
        "Sold out",
        f"<p>Sold out before you paid — nothing was charged:</p><ul>{items}</ul>"
        f'<form method="post" action="{action}"><button type=submit>Join the waitlist'
        "</button></form>",
        409,
    )


def _not_found() -> Response:
    return _page("Cart not found", "<p>This link does not lead to a cart.</p>", 404)


def _confirming_page() -> Response:
    return _page(
        "Payment received — confirming",
        "<p>Your payment is being confirmed. This page refreshes by itself.</p>",
        refresh_s=5,
    )


def create_app(
    settings: Settings,
    database: Database,
    *,
    provider: CheckoutProvider | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The ASGI app; the provider comes from settings (start-up fails if it can't be built),
    `provider=` overrides it (tests)."""
    provider = provider or provider_from_settings(settings)
    secret = settings.stripe_webhook_secret
    if provider.name == CheckoutProviderName.STRIPE and secret is None:
        raise CheckoutConfigError(
            "checkout provider 'stripe' needs VITRINE_STRIPE_WEBHOOK_SECRET: "
            "without webhooks no payment is ever recorded"
        )
    wire(database, settings)
    return _build_app(
        database,
        provider=provider,
        shop=shop_voice(settings),
        webhook_secret=secret.get_secret_value() if secret else None,
        clock=clock,
    )


def _build_app(
    database: Database,
    *,
    provider: CheckoutProvider,
    shop: ShopVoice,
    webhook_secret: str | None,
    clock: Callable[[], datetime],
) -> FastAPI:
    """The routes, with everything they need passed in."""
    app = FastAPI(title="Vitrine", docs_url=None, redoc_url=None, openapi_url=None)
    local = provider.name == CheckoutProviderName.LOCAL

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    def show_cart(token: str, now: datetime, *, confirming: bool) -> Response | None:
        """The page for a cart that can't be paid (or is being paid); None if payable."""
        if not _TOKEN.fullmatch(token):
            return _not_found()  # not one of ours: no need to ask the database
        with database.unit_of_work() as uow:
            order = find_cart(uow.session, token)
            if order is None:
                return _not_found()
            if order.status in (OrderStatus.PAID, OrderStatus.HANDED_OFF):
                return _paid_page(order, " (test)" if order.checkout_provider == "local" else "")
            if order.status not in OPEN_ORDER_STATUSES:
                return _closed_page(order.status)
            if order.expires_at is not None and order.expires_at <= now:
                return _closed_page(OrderStatus.EXPIRED)
            if confirming and order.status == OrderStatus.AWAITING_PAYMENT:
                return _confirming_page()
            gone = sold_out_lines(uow.session, order)
            if gone:
                return _sold_out_page(token, [line.product.name for line in gone])
            return None

    def provider_redirect(token: str, now: datetime) -> Response:
        """Create (or reuse) the provider's payment page for the cart and go there."""
        try:
            url = checkout_link(database, token, provider, now)
        except CartNotPayable as exc:
            return _not_found() if exc.status is None else _closed_page(exc.status)
        except PaymentPending:
            return _confirming_page()
        except CheckoutUnavailable:
            return _page("Try again in a moment", "<p>The payment page is being prepared.</p>", 503)
        except Exception as exc:  # the provider is down: say so, keep the hold
            log.warning("checkout provider failed for a cart (%s)", type(exc).__name__)
            return _page(
                "Payment is unavailable",
                "<p>The payment provider can't be reached. Your items stay held: "
                "try again in a minute.</p>",
                503,
            )
        return RedirectResponse(url, status_code=303)

    @app.get("/checkout/{token}", response_class=HTMLResponse)
    def checkout_page(token: str, paid: int = 0) -> Response:
        """The cart and a pay button. Showing it changes nothing: a link preview fetching
        it creates no payment session; the button does."""
        now = clock()
        shown = show_cart(token, now, confirming=bool(paid) and not local)
        if shown is not None:
            return shown
        if local:  # the local checkout calls no one: its "session" is this page
            redirected = provider_redirect(token, now)
            if redirected.status_code != 303:
                return redirected
        with database.unit_of_work() as uow:
            order = find_cart(uow.session, token)
            assert order is not None
            action = f"/checkout/{html.escape(token, quote=True)}/pay"
            if local:
                warning = (
                    "<p class=test>⚠️ <b>TEST CHECKOUT</b> — no money moves and no card is "
                    "asked for. The shop has not connected a payment provider.</p>"
                )
                title, button = f"Your cart — {shop.brand} (TEST)", "Pay (test)"
            else:
                warning, title, button = "", f"Your cart — {shop.brand}", "Pay"
            body = (
                warning
                + _cart_table(order)
                + _time_left(order, now)
                + f'<form method="post" action="{action}">'
                f"<button type=submit>{button}</button></form>"
            )
            return _page(title, body)

    @app.post("/checkout/{token}/pay", response_class=HTMLResponse)
    def pay(token: str) -> Response:
        if not _TOKEN.fullmatch(token):
            return _not_found()
        if not local:
            return provider_redirect(token, clock())
        try:
            pay_with_local_checkout(database, token, clock())
        except CartNotPayable as exc:
            if exc.status in (OrderStatus.PAID, OrderStatus.HANDED_OFF):
                return RedirectResponse(f"/checkout/{token}", status_code=303)  # double click
            return _not_found() if exc.status is None else _closed_page(exc.status)
        except SoldOutAtPayment as exc:
            return _page(
                "Sold out",
                f"<p>{html.escape(exc.variant_sku)} sold out before your payment; "
                "nothing was charged.</p>",
                409,
            )
        return RedirectResponse(f"/checkout/{token}", status_code=303)

    @app.post("/checkout/{token}/waitlist", response_class=HTMLResponse)
    def join_waitlist(token: str) -> Response:
        if not _TOKEN.fullmatch(token):
            return _not_found()
        places = wait_for_sold_out(database, token, clock())
        if not places:
            return RedirectResponse(f"/checkout/{token}", status_code=303)
        items = "".join(f"<li>{html.escape(place)}</li>" for place in places)
        return _page(
            "You are on the waitlist",
            f"<ul>{items}</ul><p>Nothing was charged. If a unit comes back, the chat sends "
            "you a new link.</p>",
        )

    @app.post("/webhooks/stripe")
    async def stripe_webhook(request: Request) -> Response:
        if not webhook_secret:
            return JSONResponse({"error": "Stripe webhooks are not configured"}, status_code=404)
        payload = await request.body()
        try:
            signature = request.headers.get("stripe-signature")
            if signature is not None and not signature.isascii():
                raise ForgedEvent("the signature header is not ASCII")
            event = verify(payload, signature, webhook_secret)
        except ForgedEvent as exc:
            log.warning("refused a Stripe webhook: %s", exc)
            return JSONResponse({"error": "invalid signature"}, status_code=400)
        except UnreadableEvent as exc:
            log.warning("refused a signed Stripe webhook: %s", exc)
            return JSONResponse({"error": f"unreadable event: {exc}"}, status_code=400)
        applied = await run_in_threadpool(apply_payment_event, database, event, clock())
        return JSONResponse({"received": True, "outcome": applied.outcome})

    app.add_middleware(WebGuards)
    return app
