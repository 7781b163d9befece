"""Wiring: turns settings into an engine, a migrated database and the app's services."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from commerce.brand_events import BRAND_CHANNEL, SHOPIFY_CHANNEL
from commerce.holds import CommercePolicy
from commerce.sql_ports import session_policy
from kernel.clock import utcnow
from kernel.db import make_engine, make_session_factory
from kernel.models import LiveSession
from kernel.uow import Database
from live.announce import ShopVoice
from live.bus import LiveBus
from live.pipeline import IntentParserPort, LivePipeline
from live.relay import RetryPolicy
from live.transports import BrandEndpoint
from vitrine import migrations
from vitrine.settings import HoldMode, Settings

if TYPE_CHECKING:
    from commerce.checkout.port import CheckoutProvider
    from commerce.shopify.admin import ShopifyAdmin
    from live.platform import ChatPlatform
    from live.transports import Transport
    from vitrine.runtime import Runtime

log = logging.getLogger(__name__)


class DatabaseNotMigrated(RuntimeError):
    """The database schema is older than this version of Vitrine."""

    def __init__(self, current: str | None, head: str | None) -> None:
        self.current, self.head = current, head
        super().__init__(
            f"database schema is at {current or 'nothing'}, this Vitrine needs {head}: "
            "run `vitrine db upgrade`"
        )


class NoDatabase(LookupError):
    """A command that only reads was pointed at an embedded database that does not exist."""


def require_existing(url: str) -> None:
    """`NoDatabase` when an embedded database file is not there (a mistyped path)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not Path(path).is_file():
            raise NoDatabase(f"no database at {path} (check --db or VITRINE_DATABASE_URL)")


def open_database(
    url: str,
    *,
    auto_upgrade: bool | None = None,
    must_exist: bool = False,
    **engine_kwargs: object,
) -> Database:
    """Open the database; an embedded SQLite database is upgraded on the spot, a server
    database must have been upgraded with `vitrine db upgrade`. `must_exist` (commands that
    only read) refuses to create an embedded database, or its folder, that is not there."""
    if must_exist:
        require_existing(url)
    engine = make_engine(url, **engine_kwargs)
    if auto_upgrade is None:
        auto_upgrade = engine.dialect.name == "sqlite"
    if not migrations.is_up_to_date(engine):
        if not auto_upgrade:
            head = migrations.head_revision()
            current = migrations.current_revision(engine)
            engine.dispose()
            raise DatabaseNotMigrated(current, head)
        log.info("upgrading the database schema")
        migrations.upgrade(url)
    return Database(url=url, engine=engine, session_factory=make_session_factory(engine))


def new_session_hold(settings: Settings) -> int | None:
    """The hold a live session is opened with: none when the shop sells "first paid, first
    served". The session keeps it (`commerce.sql_ports.session_policy`)."""
    return None if settings.hold_mode == HoldMode.FIRST_PAID else settings.hold_seconds


def commerce_policy(settings: Settings) -> CommercePolicy:
    """Hold and limit rules from settings; a live session keeps the hold it was opened
    with (`commerce.sql_ports.session_policy`)."""
    return CommercePolicy(
        hold_seconds=new_session_hold(settings),
        max_units_per_product=settings.max_units_per_product,
        duplicate_window_s=settings.duplicate_claim_window_s,
        max_hold_seconds=settings.max_hold_seconds,
    )


def shop_voice(settings: Settings) -> ShopVoice:
    """How the shop speaks in replies and links."""
    return ShopVoice(
        brand=settings.brand_name,
        public_url=settings.public_url,
        default_language=settings.default_language,
    )


def wire(database: Database, settings: Settings) -> Database:
    """Give the database's units of work the message bus that handles their events."""
    database.bus = LiveBus(shop_voice(settings), commerce_policy(settings))
    return database


def moderation_settings(settings: Settings) -> dict[str, object]:
    """The brand's moderation settings in the shape of docs/formats.md."""
    return {
        "brand": settings.brand_name,
        "protected_names": [settings.brand_name, *settings.protected_names],
        "allowed_domains": [
            *settings.allowed_domains,
            *([urlparse(settings.public_url).hostname] if settings.public_url else []),
        ],
        "blocked_words": settings.blocked_words,
    }


def build_pipeline(settings: Settings, database: Database, live_session_id: int) -> LivePipeline:
    """Wire the live pipeline: rule parser on the database's catalog, moderation, commerce."""
    wire(database, settings)
    from commerce.catalog_store import load_catalog
    from commerce.parsing import IntentParser
    from moderation.audit import record_verdict
    from moderation.engine import ModerationEngine
    from moderation.policy import ModerationPolicy

    with database.unit_of_work() as uow:
        catalog = load_catalog(uow.session)
        live = uow.session.get(LiveSession, live_session_id)
        if live is None:
            raise LookupError(f"live session {live_session_id} does not exist")
        commerce = session_policy(uow.session, commerce_policy(settings), live.id)
    policy = ModerationPolicy.from_settings_json(moderation_settings(settings))
    if settings.moderation_dry_run:
        policy = policy.with_dry_run(True)
    parser: IntentParserPort = IntentParser(catalog, claim_keyword=settings.claim_keyword)
    if settings.llm_enabled:
        from commerce.llm_intent import AssistedParser, LlmIntentResolver, make_openai_client

        budget_s = settings.llm_budget_ms / 1000
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        client = make_openai_client(key, settings.openai_base_url, budget_s)
        resolver = LlmIntentResolver(client, settings.llm_model, catalog, budget_s)
        parser = AssistedParser(parser, resolver, settings.llm_confidence_threshold)
    return LivePipeline(
        database,
        live_session_id=live_session_id,
        parser=parser,
        moderator=ModerationEngine(policy),
        policy=commerce,
        record_moderation=record_verdict,
    )


def build_runtime(
    settings: Settings,
    database_url: str | None = None,
    *,
    platforms: Mapping[str, ChatPlatform] | None = None,
    provider: CheckoutProvider | None = None,
    plugins: bool = True,
) -> Runtime:
    """Everything a live needs, built once from the settings: the database wired with its
    message bus, the platform adapters (`platforms` given, and the plugins the settings
    enable), the relay with a transport per channel, the live router, and the moderation
    second opinion when an LLM is configured."""
    from live.relay import Relay, build_transports
    from vitrine.plugins import enabled_plugins
    from vitrine.runtime import Runtime, make_router

    database = wire(open_database(database_url or settings.resolved_database_url), settings)
    adapters: dict[str, ChatPlatform] = dict(platforms or {})
    for plugin in enabled_plugins(settings) if plugins else []:
        adapters.setdefault(plugin.name, plugin.build(settings))
    register_configured_endpoint(database, settings)
    transports = build_transports(adapters, brand=endpoint_directory(database))
    policy = webhook_retry_policy(settings)
    retry = {BRAND_CHANNEL: policy}
    shop = shopify_transport(database, settings)
    if shop is not None:
        transports[SHOPIFY_CHANNEL] = shop
        retry[SHOPIFY_CHANNEL] = policy
    relay = Relay(database, transports, retry=retry)
    runtime = Runtime(settings, database, provider, adapters, relay)
    runtime.router = make_router(runtime)
    if settings.llm_enabled:
        runtime.second_opinion = _second_opinion(settings, runtime)
    return runtime


def register_configured_endpoint(database: Database, settings: Settings) -> None:
    """`VITRINE_BRAND_WEBHOOK_URL`, if set, is one of the brand's endpoints (registered
    once, its secret kept in step); endpoints are otherwise added with `vitrine webhook`."""
    from commerce.brand_events import ensure_endpoint

    secret = settings.brand_webhook_secret
    if not settings.brand_webhook_url or secret is None:
        return
    with database.unit_of_work() as uow:
        added = ensure_endpoint(
            uow.session, settings.brand_webhook_url, secret.get_secret_value(), utcnow()
        )
        uow.commit()
    if added.routed:
        log.info("%d brand event(s) that waited for an endpoint go to it now", added.routed)


def shopify_admin(settings: Settings) -> ShopifyAdmin | None:
    """The Admin API client of the brand's shop, if one is configured."""
    from commerce.shopify.admin import ShopifyAdmin

    token = settings.shopify_access_token
    if not settings.shopify_shop or token is None:
        return None
    return ShopifyAdmin(
        settings.shopify_shop,
        token.get_secret_value(),
        api_version=settings.shopify_api_version,
        base_url=settings.shopify_base_url,
    )


def shopify_transport(database: Database, settings: Settings) -> Transport | None:
    """Paid orders to the brand's Shopify: the shop is registered as an endpoint (paid
    orders are queued for it from then on) and its transport built."""
    from commerce.brand_events import ensure_shopify
    from commerce.shopify.orders import ShopifyOrders
    from live.transports import ShopifyTransport

    admin = shopify_admin(settings)
    if admin is None:
        return None
    with database.unit_of_work() as uow:
        ensure_shopify(uow.session, admin.shop, utcnow())
        uow.commit()
    return ShopifyTransport(ShopifyOrders(admin))


def endpoint_directory(database: Database) -> Callable[[], dict[str, BrandEndpoint]]:
    """Reads the brand's registered endpoints (the relay asks before each batch)."""
    from commerce.brand_events import destination, endpoints

    def directory() -> dict[str, BrandEndpoint]:
        with database.unit_of_work() as uow:
            return {
                destination(e.id): BrandEndpoint(e.url, e.secret) for e in endpoints(uow.session)
            }

    return directory


def webhook_retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.webhook_max_attempts,
        max_wait_s=settings.webhook_max_wait_seconds,
    )


def _second_opinion(settings: Settings, runtime: Runtime) -> object:
    from commerce.llm_intent import make_async_openai_client
    from moderation.second_opinion import SecondOpinion, SecondOpinionQueue

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    client = make_async_openai_client(key, settings.openai_base_url, 2.0)
    return SecondOpinionQueue(SecondOpinion(client), runtime.late_verdict)
