"""What a claim needs to know of a product (name, price, options, variant ids), without its
stock, read once and reused across transactions for a few seconds.

During a flash sale every claim names one of a handful of products; reading each one again
in every transaction cost more than the claim itself. Stock is never cached: it is only ever
changed and checked by conditional updates (commerce.stock), and read fresh when a reply
lists the options still in stock. A re-imported catalog (a new price, a new variant) is seen
within `ttl_s` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from commerce.models import Product, Variant
from commerce.stock import FREE_UNITS_KEY

DEFAULT_TTL_S = 5.0
_AVAILABLE = select(Variant.id, Variant.stock - Variant.reserved).where(
    Variant.product_id == bindparam("product_id")
)


@dataclass(frozen=True, slots=True)
class VariantFacts:
    id: int
    sku: str
    options: Mapping[str, Any]
    price_minor: int  # its own, or its product's


@dataclass(frozen=True, slots=True)
class ProductFacts:
    id: int
    sku: str
    name: str
    price_minor: int
    currency: str
    options: Mapping[str, list[Any]]
    variants: tuple[VariantFacts, ...]

    def variant(self, variant_id: int) -> VariantFacts | None:
        return next((v for v in self.variants if v.id == variant_id), None)

    def price_of(self, variant_id: int) -> int:
        """What one unit of this variant costs (the product's price if it has none)."""
        variant = self.variant(variant_id)
        return self.price_minor if variant is None else variant.price_minor

    @classmethod
    def of(cls, product: Product) -> ProductFacts:
        return cls(
            id=product.id,
            sku=product.sku,
            name=product.name,
            price_minor=product.price_minor,
            currency=product.currency,
            options={k: list(v) for k, v in product.options.items()},
            variants=tuple(
                VariantFacts(
                    v.id,
                    v.sku,
                    dict(v.options),
                    product.price_minor if v.price_minor is None else v.price_minor,
                )
                for v in product.variants
            ),
        )


def available_units_by_variant(session: Session, product_id: int) -> dict[int, int]:
    """Units of each variant neither held nor sold (for a reply, not a promise), read once
    per transaction; the transaction's own stock moves are applied to the reading
    (commerce.stock), other workers' are seen by the next transaction."""
    readings: dict[int, dict[int, int]] = session.info.setdefault(FREE_UNITS_KEY, {})
    if product_id not in readings:
        rows = session.connection().execute(_AVAILABLE, {"product_id": product_id})
        readings[product_id] = {variant_id: free for variant_id, free in rows}
    return readings[product_id]


class ProductFactsCache:
    """Product facts by SKU for one database, each kept `ttl_s` seconds."""

    def __init__(
        self, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._facts: dict[str, tuple[float, ProductFacts | None]] = {}

    def known(self, product_id: int) -> ProductFacts | None:
        """Facts already in the cache for this product id, if still fresh (no query)."""
        now = self._clock()
        for read_at, facts in self._facts.values():
            if facts is not None and facts.id == product_id and now - read_at < self.ttl_s:
                return facts
        return None

    def by_id(self, session: Session, product_id: int) -> ProductFacts | None:
        """Facts of a product known by id (a cart line's): from the cache while fresh."""
        known = self.known(product_id)
        if known is not None:
            return known
        sku = session.scalar(select(Product.sku).where(Product.id == product_id))
        return None if sku is None else self.get(session, sku)

    def get(self, session: Session, sku: str) -> ProductFacts | None:
        now = self._clock()
        known = self._facts.get(sku)
        if known is not None and now - known[0] < self.ttl_s:
            return known[1]
        facts = read_product_facts(session, sku)
        self._facts[sku] = (now, facts)
        return facts


def read_product_facts(session: Session, sku: str) -> ProductFacts | None:
    """The product's facts as stored now, read once per transaction."""
    per_transaction: dict[str, ProductFacts | None] = session.info.setdefault("product_facts", {})
    if sku not in per_transaction:
        product = (
            session.scalars(
                select(Product).options(joinedload(Product.variants)).where(Product.sku == sku)
            )
            .unique()
            .one_or_none()
        )
        per_transaction[sku] = None if product is None else ProductFacts.of(product)
    return per_transaction[sku]
