"""Application settings, read once from `VITRINE_*` variables (and `.env`) at start-up."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "xxx", "your-key-here", "todo"}


class CheckoutProviderName(StrEnum):
    LOCAL = "local"
    STRIPE = "stripe"


class HoldMode(StrEnum):
    """How a claim holds stock: for a fixed time, or not at all until paid."""

    TIMED = "timed"
    FIRST_PAID = "first_paid"


class Settings(BaseSettings):
    """Everything Vitrine can be told; the defaults give a working offline setup."""

    model_config = SettingsConfigDict(
        env_prefix="VITRINE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production", "test"] = "development"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in data_dir"
    )
    public_url: str = "http://127.0.0.1:8000"
    web_host: str = "127.0.0.1"
    web_port: int = 8000

    brand_name: str = "Vitrine Demo Shop"
    currency: str = "EUR"
    default_language: str = "fr"
    claim_keyword: str = "SOLD"

    checkout_provider: CheckoutProviderName = CheckoutProviderName.LOCAL
    hold_mode: HoldMode = HoldMode.TIMED
    hold_seconds: int = Field(default=15 * 60, ge=30)
    # A cart's hold restarts with each claim, never past this long after its first claim.
    max_hold_seconds: int = Field(default=30 * 60, ge=30)
    max_units_per_product: int = Field(default=5, ge=1)
    duplicate_claim_window_s: float = Field(default=30.0, ge=0)

    # The scheduler's lease: its holder renews it every third of this; a standby process
    # takes over once it has run out (the holder died or froze).
    scheduler_lease_seconds: float = Field(default=30.0, ge=3, le=3600)

    # The console platform (bots/console): comments typed on `vitrine run`'s terminal go to
    # the live session opened on this chat id.
    console_chat: str | None = None

    # An endpoint of the brand's that hears of paid, cancelled and refunded orders and of
    # refunds to make, signed with the secret (more: `vitrine webhook add`).
    brand_webhook_url: str | None = None
    brand_webhook_secret: SecretStr | None = None
    # A delivery the endpoint refuses or misses is tried again after doubling waits (up
    # to the maximum, with jitter), then dead-lettered (`vitrine outbox list --dead`).
    # The defaults ride out an outage of 7 to 14 hours.
    webhook_max_attempts: int = Field(default=25, ge=1, le=1000)
    webhook_max_wait_seconds: float = Field(default=3600.0, ge=1, le=86400)

    # Countries the brand ships to (ISO 3166-1 alpha-2, e.g. ["FR","BE"]): the checkout
    # asks for a shipping address in one of them. Empty: no address is asked.
    shipping_countries: list[str] = Field(
        default_factory=lambda: [
            "FR",
            "BE",
            "CH",
            "LU",
            "DE",
            "AT",
            "NL",
            "ES",
            "PT",
            "IT",
            "IE",
            "GB",
            "US",
            "CA",
        ]
    )

    # The brand's Shopify: paid orders become orders of this shop (GraphQL Admin API), and
    # `vitrine catalog import --shopify` pulls its products. The token needs the
    # write_orders and read_products scopes.
    shopify_shop: str | None = Field(default=None, description="e.g. my-brand.myshopify.com")
    shopify_access_token: SecretStr | None = None
    shopify_api_version: str = "2025-01"
    shopify_base_url: str | None = Field(default=None, description="override, for tests")

    stripe_api_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str | None = Field(default=None, description="override, for tests")

    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    llm_model: str = "gpt-4o-mini"
    llm_budget_ms: int = Field(default=800, ge=50)
    llm_confidence_threshold: float = Field(default=0.6, ge=0, le=1)

    telegram_token: SecretStr | None = None
    # python-telegram-bot's base_url: the token is appended (tests, self-hosted Bot API).
    telegram_base_url: str = "https://api.telegram.org/bot"
    # Set: Telegram POSTs updates to this address, served by `vitrine run`'s web app at
    # /platforms/telegram/webhook; unset: long polling.
    telegram_webhook_url: str | None = None
    discord_token: SecretStr | None = None

    moderation_dry_run: bool = False
    protected_names: list[str] = Field(default_factory=list)
    allowed_domains: list[str] = Field(default_factory=list)
    blocked_words: list[str] = Field(default_factory=list)

    @field_validator("shipping_countries")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if len(c) != 2 or not c.isalpha()]
        if bad:
            raise ValueError(f"shipping countries are two-letter ISO codes, not {bad}")
        return [c.upper() for c in value]

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha():
            raise ValueError("currency must be a three-letter ISO 4217 code, e.g. EUR")
        return value.upper()

    @model_validator(mode="after")
    def _brand_webhook_is_signed(self) -> Settings:
        if self.brand_webhook_url and self.brand_webhook_secret is None:
            raise ValueError(
                "VITRINE_BRAND_WEBHOOK_URL needs VITRINE_BRAND_WEBHOOK_SECRET: the brand "
                "must be able to tell our deliveries from forged ones"
            )
        return self

    @model_validator(mode="after")
    def _shopify_has_a_token(self) -> Settings:
        if self.shopify_shop and self.shopify_access_token is None:
            raise ValueError("VITRINE_SHOPIFY_SHOP needs VITRINE_SHOPIFY_ACCESS_TOKEN")
        return self

    @model_validator(mode="after")
    def _max_hold_covers_one_hold(self) -> Settings:
        if self.max_hold_seconds < self.hold_seconds:
            raise ValueError(
                f"VITRINE_MAX_HOLD_SECONDS ({self.max_hold_seconds}) must be at least "
                f"VITRINE_HOLD_SECONDS ({self.hold_seconds})"
            )
        return self

    @model_validator(mode="after")
    def _reject_placeholder_secrets(self) -> Settings:
        if self.environment == "development":
            return self
        for name in (
            "stripe_api_key",
            "stripe_webhook_secret",
            "brand_webhook_secret",
            "shopify_access_token",
            "telegram_token",
            "discord_token",
            "openai_api_key",
        ):
            secret = getattr(self, name)
            if secret is not None and secret.get_secret_value().lower() in PLACEHOLDER_SECRETS:
                variable = "OPENAI_API_KEY" if name == "openai_api_key" else f"VITRINE_{name}"
                raise ValueError(
                    f"{variable.upper()} is a placeholder; set the real value or unset it"
                )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vitrine.db').as_posix()}"

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None


class SettingsError(ValueError):
    """Settings that do not validate, said in lines that never carry a value (a secret's
    included): `VITRINE_HOLD_SECONDS: Input should be a valid integer`."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("; ".join(lines))


def load_settings(**overrides: object) -> Settings:
    """Read the settings once; `SettingsError` when they do not validate."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError([_describe(error) for error in exc.errors()]) from None


def _describe(error: object) -> str:
    details = error if isinstance(error, dict) else {}
    where = ".".join(str(part) for part in details.get("loc", ()))
    message = str(details.get("msg", "invalid value")).removeprefix("Value error, ")
    name = f"VITRINE_{where.upper()}" if where else "settings"
    return f"{name}: {message}"
