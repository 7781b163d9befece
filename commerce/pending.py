"""Claims waiting for an option: "je prends la bague" -> "which size?" -> "52".

The answer is often too short to be a claim on its own ("M", "en 40 svp"), so while a
viewer has an open question, their next comments are read for the missing value.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.intent import ClaimedItem
from commerce.models import PendingClaim, Product
from commerce.outcomes import OptionNeeded

PENDING_FOR = timedelta(minutes=5)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
# Words that may stand before the value in an answer ("taille 40", "size M", "T40" is split).
_LEADING = re.compile(r"^(?:t|taille|size|sz|talla|gr|grosse|taglia|en|in|la|le|el|the)?")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def ask_later(
    session: Session,
    *,
    session_id: int,
    viewer_id: int,
    item: ClaimedItem,
    needed: OptionNeeded,
    comment_id: int | None,
    now: datetime,
    may_have_open: bool = True,
) -> None:
    """Remember the claim so that the viewer's answer can complete it (one open per viewer).
    `may_have_open=False` when the caller knows the viewer has no open question."""
    if may_have_open:
        for old in _open(session, session_id, viewer_id):
            old.status = "superseded"
    product_id = needed.product_id or session.scalar(
        select(Product.id).where(Product.sku == item.sku)
    )
    if product_id is None:
        return
    session.add(
        PendingClaim(
            session_id=session_id,
            viewer_id=viewer_id,
            product_id=product_id,
            quantity=item.quantity,
            options=dict(item.options),
            missing=[needed.option],
            status="open",
            comment_id=comment_id,
            created_at=now,
        )
    )


def _open(session: Session, session_id: int, viewer_id: int) -> list[PendingClaim]:
    return list(
        session.scalars(
            select(PendingClaim).where(
                PendingClaim.session_id == session_id,
                PendingClaim.viewer_id == viewer_id,
                PendingClaim.status == "open",
            )
        )
    )


def close_pending(session: Session, session_id: int, viewer_id: int, status: str) -> None:
    for pending in _open(session, session_id, viewer_id):
        pending.status = status


def value_in_answer(text: str, values: list[str]) -> str | None:
    """The one catalog value the answer names ("en M", "52 svp", "T40"), or None."""
    folded = _fold(text).replace("'", "").replace("\u2019", "")
    if len(folded) > 60:
        return None  # an answer to "which size?" is short; anything longer is something else
    tokens = set(_TOKEN.findall(folded))
    tokens |= {_LEADING.sub("", t) for t in tokens}
    found = {v for v in values if _fold(v) in tokens}
    return found.pop() if len(found) == 1 else None


def answer_pending(
    session: Session, *, session_id: int, viewer_id: int, text: str, now: datetime
) -> ClaimedItem | None:
    """If the viewer owes us an option and this comment gives it, the completed claim."""
    for pending in _open(session, session_id, viewer_id):
        if pending.created_at < now - PENDING_FOR:
            pending.status = "expired"
            continue
        product = session.get(Product, pending.product_id)
        if product is None:
            continue
        options = dict(pending.options)
        for option in pending.missing:
            value = value_in_answer(text, list(product.options.get(option, [])))
            if value is None:
                return None
            options[option] = value
        pending.status = "answered"
        return ClaimedItem(product.sku, pending.quantity, options)
    return None


def merge_pending(
    session: Session, *, session_id: int, viewer_id: int, item: ClaimedItem
) -> ClaimedItem:
    """A new claim on the product we asked about keeps what the viewer said before:
    "je la veux en dorée" ... "en 54" is the golden one in 54."""
    for pending in _open(session, session_id, viewer_id):
        product = session.get(Product, pending.product_id)
        if product is None or product.sku != item.sku:
            continue
        options = {**pending.options, **item.options}
        return ClaimedItem(item.sku, item.quantity, options)
    return item
