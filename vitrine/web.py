"""The web app: the checkout page behind every link the bot sends, and payment webhooks.

Chat replies always link to `{public_url}/checkout/{token}`: the cart and a pay button, in
the viewer's language (`vitrine.checkout_pages`). With the local provider the button pays
(a TEST checkout); with Stripe it creates (or reuses) the cart's Checkout Session and
redirects to it, so the chat pipeline never waits on Stripe.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from commerce.api_keys import authenticate
from commerce.buyer import ADDRESS_KEYS, BuyerDetails, BuyerFormErrors, read_buyer_form
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
from commerce.export import csv_to, iter_orders, shopify_csv_to
from commerce.models import OPEN_ORDER_STATUSES, Order, OrderStatus
from commerce.orders import SoldOutAtPayment
from commerce.stripe_events import ForgedEvent, UnreadableEvent, verify
from kernel.clock import utcnow
from live.announce import ShopVoice
from live.payments import apply_payment_event, pay_with_local_checkout, wait_for_sold_out
from live.platform import WebhookReceiver
from live.viewer_data import UnknownViewer, ViewerRef, export_viewer, forget_viewer
from vitrine.bootstrap import Database, shop_voice, wire
from vitrine.checkout_pages import BuyerForm, CheckoutPages
from vitrine.settings import CheckoutProviderName, Settings
from vitrine.web_guards import WebGuards

log = logging.getLogger(__name__)

# What a cart's public token looks like (`secrets.token_urlsafe`): anything else is not one.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_BUYER_FIELDS = frozenset({"name", "email", "phone", *ADDRESS_KEYS})


def _known_buyer(order: Order) -> dict[str, str]:
    """What this cart's buyer gave before (a cart paid again after a change of mind)."""
    known = {"name": order.buyer_name, "email": order.buyer_email, "phone": order.buyer_phone}
    known |= dict(order.shipping_address or {})
    return {key: str(value) for key, value in known.items() if value}


def create_app(
    settings: Settings,
    database: Database,
    *,
    provider: CheckoutProvider | None = None,
    clock: Callable[[], datetime] = utcnow,
    receivers: Sequence[WebhookReceiver] = (),
) -> FastAPI:
    """The ASGI app; the provider comes from settings (start-up fails if it can't be built),
    `provider=` overrides it (tests). `receivers` are the platforms that take their updates
    by webhook (at /platforms/<name>/webhook)."""
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
        receivers={receiver.name: receiver for receiver in receivers},
        shipping_countries=tuple(settings.shipping_countries),
    )


def _build_app(
    database: Database,
    *,
    provider: CheckoutProvider,
    shop: ShopVoice,
    webhook_secret: str | None,
    clock: Callable[[], datetime],
    receivers: dict[str, WebhookReceiver],
    shipping_countries: tuple[str, ...] = (),
) -> FastAPI:
    """The routes, with everything they need passed in."""
    app = FastAPI(title="Vitrine", docs_url=None, redoc_url=None, openapi_url=None)
    local = provider.name == CheckoutProviderName.LOCAL

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    def pages_for(token: str) -> CheckoutPages:
        """The pages in the language and brand of the token's cart (the shop's if none)."""
        if _TOKEN.fullmatch(token):
            with database.unit_of_work() as uow:
                order = find_cart(uow.session, token)
                if order is not None:
                    return CheckoutPages.for_order(uow.session, order, shop)
        return CheckoutPages.for_shop(shop)

    def show_cart(token: str, now: datetime, *, confirming: bool) -> Response | None:
        """The page for a cart that can't be paid (or is being paid); None if payable."""
        if not _TOKEN.fullmatch(token):
            return CheckoutPages.for_shop(shop).not_found()  # not one of ours: no query
        with database.unit_of_work() as uow:
            order = find_cart(uow.session, token)
            if order is None:
                return CheckoutPages.for_shop(shop).not_found()
            pages = CheckoutPages.for_order(uow.session, order, shop)
            if order.status in (OrderStatus.PAID, OrderStatus.HANDED_OFF):
                return pages.paid(order)
            if order.status not in OPEN_ORDER_STATUSES:
                return pages.closed(order.status)
            if order.expires_at is not None and order.expires_at <= now:
                return pages.closed(OrderStatus.EXPIRED)
            if confirming and order.status == OrderStatus.AWAITING_PAYMENT:
                return pages.confirming()
            gone = sold_out_lines(uow.session, order)
            if gone:
                return pages.sold_out(token, [line.product.name for line in gone])
            return None

    def provider_redirect(token: str, now: datetime) -> Response:
        """Create (or reuse) the provider's payment page for the cart and go there."""
        try:
            url = checkout_link(database, token, provider, now)
        except CartNotPayable as exc:
            pages = pages_for(token)
            return pages.not_found() if exc.status is None else pages.closed(exc.status)
        except PaymentPending:
            return pages_for(token).confirming()
        except CheckoutUnavailable:
            return pages_for(token).retry()
        except Exception as exc:  # the provider is down: say so, keep the hold
            log.warning("checkout provider failed for a cart (%s)", type(exc).__name__)
            return pages_for(token).unavailable()
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
            pages = CheckoutPages.for_order(uow.session, order, shop)
            form = BuyerForm(shipping_countries, _known_buyer(order)) if local else None
            return pages.cart(
                order, now, action=f"/checkout/{token}/pay", test=local, buyer_form=form
            )

    @app.post("/checkout/{token}/pay", response_class=HTMLResponse)
    async def pay(token: str, request: Request) -> Response:
        if not _TOKEN.fullmatch(token):
            return CheckoutPages.for_shop(shop).not_found()
        if not local:
            return await run_in_threadpool(provider_redirect, token, clock())
        form = await request.form()
        typed = {k: v for k, v in form.items() if isinstance(v, str) and k in _BUYER_FIELDS}
        try:
            buyer = read_buyer_form(typed, shipping_countries)
        except BuyerFormErrors as exc:
            return await run_in_threadpool(_form_again, token, typed, exc.errors)
        return await run_in_threadpool(_pay_locally, token, buyer)

    def _form_again(token: str, typed: dict[str, str], errors: dict[str, str]) -> Response:
        """The cart again with what was typed and what is wrong; nothing changed."""
        now = clock()
        shown = show_cart(token, now, confirming=False)
        if shown is not None:
            return shown
        with database.unit_of_work() as uow:
            order = find_cart(uow.session, token)
            assert order is not None
            pages = CheckoutPages.for_order(uow.session, order, shop)
            form = BuyerForm(shipping_countries, typed, errors)
            return pages.cart(
                order, now, action=f"/checkout/{token}/pay", test=True, buyer_form=form
            )

    def _pay_locally(token: str, buyer: BuyerDetails) -> Response:
        try:
            pay_with_local_checkout(database, token, clock(), buyer=buyer)
        except CartNotPayable as exc:
            if exc.status in (OrderStatus.PAID, OrderStatus.HANDED_OFF):
                return RedirectResponse(f"/checkout/{token}", status_code=303)  # double click
            pages = pages_for(token)
            return pages.not_found() if exc.status is None else pages.closed(exc.status)
        except SoldOutAtPayment as exc:
            return pages_for(token).sold_out_at_payment(exc.variant_sku)
        return RedirectResponse(f"/checkout/{token}", status_code=303)

    @app.post("/checkout/{token}/waitlist", response_class=HTMLResponse)
    def join_waitlist(token: str) -> Response:
        if not _TOKEN.fullmatch(token):
            return CheckoutPages.for_shop(shop).not_found()
        places = wait_for_sold_out(database, token, clock())
        if not places:
            return RedirectResponse(f"/checkout/{token}", status_code=303)
        return pages_for(token).waitlisted(places)

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

    def refuse_without_key(request: Request) -> Response | None:
        """401 unless the request carries a live API key (whose last use is recorded)."""
        scheme, _, key = (request.headers.get("authorization") or "").partition(" ")
        with database.unit_of_work() as uow:
            if (
                scheme.lower() != "bearer"
                or authenticate(uow.session, key.strip(), clock()) is None
            ):
                return JSONResponse(
                    {"error": "a valid API key is needed (Authorization: Bearer vit_...)"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            uow.commit()  # last_used_at
        return None

    def on_viewer(
        viewer: str, request: Request, act: Callable[[Session, ViewerRef], Response]
    ) -> Response:
        """`act` on the viewer `PLATFORM:ID` for a request with a live key, in one
        transaction: 401 without a key, 400 for a malformed viewer, 404 for an unknown."""
        refused = refuse_without_key(request)
        if refused is not None:
            return refused
        try:
            ref = ViewerRef.parse(viewer)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        with database.unit_of_work() as uow:
            try:
                answer = act(uow.session, ref)
            except UnknownViewer as exc:
                return JSONResponse({"error": str(exc)}, 404)
            uow.commit()
            return answer

    @app.get("/api/viewers/{viewer}")
    def api_viewer_export(viewer: str, request: Request) -> Response:
        """A viewer's data (`PLATFORM:ID`), as `vitrine viewer export` gives it."""
        return on_viewer(viewer, request, lambda s, ref: JSONResponse(export_viewer(s, ref)))

    @app.post("/api/viewers/{viewer}/forget")
    def api_viewer_forget(viewer: str, request: Request) -> Response:
        """Forget a viewer (`PLATFORM:ID`), as `vitrine viewer forget` does."""

        def forget(session: Session, ref: ViewerRef) -> Response:
            done = forget_viewer(session, ref, clock())
            return JSONResponse(
                {"pseudonym": done.pseudonym, "comments": done.comments, "orders": done.orders}
            )

        return on_viewer(viewer, request, forget)

    @app.get("/api/orders")
    def api_orders(
        request: Request,
        since: str | None = None,
        cursor: int | None = None,
        limit: int = 100,
        format: str = "json",
    ) -> Response:
        """The brand API: orders as the exports give them, a page at a time (cursor =
        the last order id read), for a bearer key made with `vitrine apikey create`."""
        refused = refuse_without_key(request)
        if refused is not None:
            return refused
        if format not in ("json", "csv", "shopify-csv"):
            return JSONResponse({"error": "format is json, csv or shopify-csv"}, 400)
        if not 1 <= limit <= 1000:
            return JSONResponse({"error": "limit is 1 to 1000"}, 400)
        moment = None
        if since is not None:
            try:
                moment = datetime.fromisoformat(since)
            except ValueError:
                return JSONResponse({"error": "since is an ISO date or date-time"}, 400)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        with database.unit_of_work() as uow:
            orders = list(iter_orders(uow.session, since=moment, after_id=cursor, limit=limit))
        next_cursor = str(orders[-1]["order_id"]) if len(orders) == limit else None
        if format == "json":
            return JSONResponse({"orders": orders, "next_cursor": next_cursor})
        buffer = io.StringIO()
        (csv_to if format == "csv" else shopify_csv_to)(orders, buffer)
        headers = {"Vitrine-Next-Cursor": next_cursor} if next_cursor else {}
        return Response(buffer.getvalue(), media_type="text/csv", headers=headers)

    @app.post("/platforms/{name}/webhook")
    async def platform_webhook(name: str, request: Request) -> Response:
        """A chat platform's update (Telegram in webhook mode); the platform checks that
        the request is its own and handles it before we answer."""
        receiver = receivers.get(name)
        if receiver is None:
            return JSONResponse({"error": "no such webhook"}, status_code=404)
        status = await receiver.accept(request.headers, await request.body())
        return JSONResponse({"ok": status < 300}, status_code=status)

    app.add_middleware(WebGuards)
    return app
