"""Who an order ships to: the name, e-mail, phone and address a checkout collected.

The local checkout's form and Stripe Checkout both end here, so exports, webhooks and the
brand API read one shape. Checked at the edge (`read_buyer_form`): an order never holds
an address the brand cannot ship to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from commerce.models import Order

ADDRESS_KEYS = ("line1", "line2", "postal_code", "city", "state", "country")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ().\-]{6,25}$")
_LIMITS = {
    "name": 200,
    "email": 254,
    "phone": 40,
    "line1": 200,
    "line2": 200,
    "postal_code": 20,
    "city": 100,
    "state": 100,
}


@dataclass(frozen=True, slots=True)
class BuyerDetails:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: dict[str, str | None] | None = None


class BuyerFormErrors(ValueError):
    """A form that cannot ship: the fields at fault, each with a message key
    (`missing`, `invalid`, `too_long`, `country`), for the page to say in its language."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(", ".join(f"{field}: {why}" for field, why in errors.items()))


def read_buyer_form(form: Mapping[str, Any], countries: Sequence[str]) -> BuyerDetails:
    """The checkout form's fields, checked: name and e-mail are required, and where the
    brand ships (`countries` not empty) line1, postal code, city and a country among those;
    the phone is optional. Raises `BuyerFormErrors` naming every field at fault."""
    values = {key: _clean(form.get(key)) for key in ("name", "email", "phone", *ADDRESS_KEYS)}
    errors: dict[str, str] = {}
    required = ("name", "email", "line1", "postal_code", "city", "country")
    for key in required if countries else ("name", "email"):
        if not values[key]:
            errors[key] = "missing"
    for key, limit in _LIMITS.items():
        if values[key] and len(values[key] or "") > limit:
            errors[key] = "too_long"
    if values["email"] and "email" not in errors and not _EMAIL.match(values["email"]):
        errors["email"] = "invalid"
    if values["phone"] and "phone" not in errors and not _PHONE.match(values["phone"]):
        errors["phone"] = "invalid"
    country = (values["country"] or "").upper()
    if country and country not in {c.upper() for c in countries}:
        errors["country"] = "country"
    if errors:
        raise BuyerFormErrors(errors)
    if not countries:
        return BuyerDetails(values["name"], values["email"], values["phone"], None)
    address = {key: values[key] for key in ADDRESS_KEYS} | {"country": country}
    return BuyerDetails(values["name"], values["email"], values["phone"], address)


def record_buyer(order: Order, details: BuyerDetails) -> None:
    """Keep what was collected on the order (what a checkout did not collect is kept)."""
    order.buyer_name = details.name or order.buyer_name
    order.buyer_email = details.email or order.buyer_email
    order.buyer_phone = details.phone or order.buyer_phone
    if details.address and any(details.address.values()):
        order.shipping_address = dict(details.address)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.replace("\x00", "").split())
    return text or None
