"""Money never goes through floats; settings refuse placeholders outside development."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from kernel.money import format_money, to_minor
from vitrine.settings import Settings


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("59.00", "EUR", 5900),
        ("59,9", "EUR", 5990),
        (12, "EUR", 1200),
        ("1500", "JPY", 1500),
        (Decimal("0.01"), "USD", 1),
    ],
)
def test_to_minor(amount: object, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [59.9, "abc", "-1", "1.001", "NaN"])
def test_to_minor_refuses(amount: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        to_minor(amount, "EUR")  # type: ignore[arg-type]


def test_format_money() -> None:
    assert format_money(4990, "EUR") == "49.90 EUR"
    assert format_money(1500, "JPY") == "1500 JPY"


def test_defaults_work_offline() -> None:
    settings = Settings()
    assert settings.resolved_database_url.startswith("sqlite:///")
    # the file a deployment already has (the architecture move had renamed it kernel.db)
    assert settings.resolved_database_url.endswith("/vitrine.db")
    assert settings.checkout_provider == "local" and not settings.llm_enabled


def test_placeholder_secret_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_ENVIRONMENT", "production")
    monkeypatch.setenv("VITRINE_STRIPE_API_KEY", "changeme")
    with pytest.raises(ValidationError, match="placeholder"):
        Settings()


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_TELEGRAM_TOKEN", "123:very-secret-token")
    assert "very-secret-token" not in repr(Settings())
