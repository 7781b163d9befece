"""Catalog persistence: import a validated `Catalog` into the database, read it back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from commerce.catalog import Catalog, CatalogError, CatalogProduct, CatalogVariant
from commerce.models import Product, Variant


@dataclass(frozen=True, slots=True)
class ImportResult:
    products: int
    created: int
    updated: int
    variants: int
    units: int


def import_catalog(session: Session, catalog: Catalog) -> ImportResult:
    """Upsert products and variants by SKU in the caller's transaction.

    Stock is set to the file's figure; units already reserved stay reserved, so a file
    that gives less stock than is on hold is refused rather than overselling.
    """
    existing = {
        p.sku: p for p in session.scalars(select(Product).options(selectinload(Product.variants)))
    }
    variants_by_sku = {v.sku: v for p in existing.values() for v in p.variants}
    _refuse_code_clashes(catalog, existing)
    created = updated = units = variants = 0
    for item in catalog.products:
        product = existing.get(item.sku)
        if product is None:
            product = Product(sku=item.sku, variants=[])
            session.add(product)
            created += 1
        else:
            updated += 1
        product.code = item.code
        product.name = item.name
        product.aliases = list(item.aliases)
        product.price_minor = item.price_minor
        product.currency = catalog.currency
        product.options = {k: list(v) for k, v in item.options.items()}
        for v_item in item.variants:
            variant = variants_by_sku.get(v_item.sku)
            if variant is None:
                variant = Variant(sku=v_item.sku, reserved=0)
                product.variants.append(variant)
            elif variant.product_id != product.id:
                raise CatalogError(f"variant {v_item.sku} belongs to another product")
            if v_item.stock < variant.reserved:
                raise CatalogError(
                    f"variant {v_item.sku}: stock {v_item.stock} is below the "
                    f"{variant.reserved} units on hold"
                )
            variant.options = dict(v_item.options)
            variant.stock = v_item.stock
            variant.price_minor = (
                None if v_item.price_minor in (None, item.price_minor) else v_item.price_minor
            )
            variants += 1
            units += v_item.stock
    session.flush()
    return ImportResult(len(catalog.products), created, updated, variants, units)


def load_catalog(session: Session) -> Catalog:
    """Read the catalog back as the parser sees it (stock as units still available)."""
    products = session.scalars(
        select(Product).options(selectinload(Product.variants)).order_by(Product.id)
    ).all()
    currency = products[0].currency if products else "EUR"
    return Catalog(
        currency=currency,
        products=tuple(
            CatalogProduct(
                sku=p.sku,
                name=p.name,
                price_minor=p.price_minor,
                code=p.code,
                aliases=tuple(p.aliases),
                options={k: tuple(v) for k, v in p.options.items()},
                variants=tuple(
                    CatalogVariant(
                        sku=v.sku,
                        options=dict(v.options),
                        stock=v.available,
                        price_minor=v.price_minor,
                    )
                    for v in p.variants
                ),
            )
            for p in products
        ),
    )


def _refuse_code_clashes(catalog: Catalog, existing: dict[str, Product]) -> None:
    """An on-screen code the file gives a product that another product, not in the file,
    already has: viewers would mean two products by one code."""
    in_file = {item.sku for item in catalog.products}
    taken = {
        product.code.casefold(): product.sku
        for product in existing.values()
        if product.code and product.sku not in in_file
    }
    for item in catalog.products:
        holder = taken.get((item.code or "").casefold())
        if holder is not None:
            raise CatalogError(
                f"code {item.code!r} of {item.sku} is already the code of {holder} in the "
                f"catalog: give {item.sku} a code of its own"
            )
