"""Money as integer minor units plus an ISO currency: never a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not the cent.
_EXPONENTS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "HUF": 2, "KWD": 3, "BHD": 3, "TND": 3}


def currency_exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: str | int | Decimal, currency: str) -> int:
    """Parse a decimal price ("59.00", "59,90") into minor units, refusing fractions of a unit."""
    if isinstance(amount, float):
        raise TypeError("prices must be given as strings or integers, never floats")
    text = str(amount).strip().replace(",", ".") if isinstance(amount, str) else str(amount)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a price: {amount!r}") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"not a price: {amount!r}")
    minor = value.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} has too many decimals for {currency}")
    return int(minor)


def format_money(minor: int, currency: str) -> str:
    """Render minor units for people: 5900, "EUR" -> "59.00 EUR"."""
    exponent = currency_exponent(currency)
    value = Decimal(minor).scaleb(-exponent)
    return f"{value:.{exponent}f} {currency.upper()}"
