"""Claims waiting for an option: "je prends la bague" -> "which size?" -> "52".

The answer is often too short to be a claim on its own ("M", "en 40 svp"), so while a
viewer has an open question, their next comments are read for the missing value.

The open questions of a live session are few and change only through the pipeline that
asks them, so the pipeline keeps them in memory (`OpenQuestions`) and reads each comment
against them without a query; the table stays the record, and a question is only closed by
a conditional UPDATE, so a stale copy can never complete a claim twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from commerce.intent import ClaimedItem
from commerce.models import PendingClaim, Product
from commerce.product_facts import ProductFacts
from kernel import bulk

PENDING_FOR = timedelta(minutes=5)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
# Words that may stand before the value in an answer ("taille 40", "size M", "T40" is split).
_LEADING = re.compile(r"^(?:t|taille|size|sz|talla|gr|grosse|taglia|en|in|la|le|el|the)?")
_PENDING = cast(Table, PendingClaim.__table__)
_LATER = "commerce.pending.written_later"
_SUPERSEDE = (
    update(_PENDING)
    .where(_PENDING.c.id.in_(bindparam("question_ids", expanding=True)))
    .where(_PENDING.c.status == "open")
    .values(status="superseded")
)
_ASK = insert(_PENDING).returning(_PENDING.c.id)
_CLOSE = (
    update(_PENDING)
    .where(_PENDING.c.id == bindparam("question_id"), _PENDING.c.status == "open")
    .values(status=bindparam("new_status"))
)


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """One open pending claim, with the values its missing options may take."""

    id: int
    viewer_id: int
    sku: str
    quantity: int
    options: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]
    choices: tuple[tuple[str, tuple[str, ...]], ...]  # option -> the catalog's values
    asked_at: datetime

    def expired(self, now: datetime) -> bool:
        return self.asked_at < now - PENDING_FOR

    def answer(self, text: str) -> ClaimedItem | None:
        """The completed claim if `text` names every missing value, else None."""
        options = dict(self.options)
        choices = dict(self.choices)
        for option in self.missing:
            value = value_in_answer(text, list(choices.get(option, ())))
            if value is None:
                return None
            options[option] = value
        return ClaimedItem(self.sku, self.quantity, options)

    def merge(self, item: ClaimedItem) -> ClaimedItem:
        """A new claim on the product we asked about keeps what the viewer said before:
        "je la veux en dorée" ... "je prends en 54" is the golden one in 54."""
        if item.sku != self.sku:
            return item
        return ClaimedItem(item.sku, item.quantity, {**dict(self.options), **item.options})


class OpenQuestions:
    """The open questions of one live session, one per viewer, mirrored in memory.

    Changes made inside a transaction are staged and kept only when it commits, so a batch
    that fails and is replayed comment by comment starts again from what is durable.
    """

    _GONE = object()

    def __init__(self, committed: Mapping[int, OpenQuestion] | None = None) -> None:
        self._committed: dict[int, OpenQuestion] = dict(committed or {})
        self._staged: dict[int, object] = {}

    def get(self, viewer_id: int) -> OpenQuestion | None:
        staged = self._staged.get(viewer_id)
        if staged is None:
            return self._committed.get(viewer_id)
        return None if staged is self._GONE else cast(OpenQuestion, staged)

    def stage(self, viewer_id: int, question: OpenQuestion | None) -> None:
        self._staged[viewer_id] = self._GONE if question is None else question

    def staged_entry(self, viewer_id: int) -> object:
        """What is staged for a viewer, to put back if a savepoint rolls back."""
        return self._staged.get(viewer_id)

    def restore(self, viewer_id: int, entry: object) -> None:
        if entry is None:
            self._staged.pop(viewer_id, None)
        else:
            self._staged[viewer_id] = entry

    def assign_ids(self, ids: Mapping[int, int]) -> None:
        """Give the questions asked with a temporary id the ids they were written with."""
        for viewer_id, staged in list(self._staged.items()):
            if isinstance(staged, OpenQuestion) and staged.id < 0:
                self._staged[viewer_id] = replace(staged, id=ids[viewer_id])

    def commit(self) -> None:
        for viewer_id, staged in self._staged.items():
            if staged is self._GONE:
                self._committed.pop(viewer_id, None)
            else:
                self._committed[viewer_id] = cast(OpenQuestion, staged)
        self._staged.clear()

    def rollback(self) -> None:
        self._staged.clear()


def load_open_questions(session: Session, session_id: int) -> OpenQuestions:
    """The session's open questions as stored (a restarted worker picks them up)."""
    return OpenQuestions(read_open_questions(session, session_id))


def read_open_questions(session: Session, session_id: int) -> dict[int, OpenQuestion]:
    """The session's open questions as stored, by viewer id."""
    rows = session.execute(
        select(PendingClaim, Product.sku, Product.options)
        .join(Product, Product.id == PendingClaim.product_id)
        .where(PendingClaim.session_id == session_id, PendingClaim.status == "open")
        .order_by(PendingClaim.id)
    ).all()
    found: dict[int, OpenQuestion] = {}
    for pending, sku, product_options in rows:
        found[pending.viewer_id] = _question(pending, sku, product_options)
    return found


def _question(
    pending: PendingClaim, sku: str, product_options: Mapping[str, Sequence[str]]
) -> OpenQuestion:
    missing = tuple(str(m) for m in pending.missing)
    return OpenQuestion(
        id=pending.id,
        viewer_id=pending.viewer_id,
        sku=sku,
        quantity=pending.quantity,
        options=tuple(sorted((str(k), str(v)) for k, v in pending.options.items())),
        missing=missing,
        choices=tuple((m, tuple(str(v) for v in product_options.get(m, ()))) for m in missing),
        asked_at=pending.created_at,
    )


def ask(
    session: Session,
    *,
    session_id: int,
    viewer_id: int,
    item: ClaimedItem,
    option: str,
    product: ProductFacts,
    comment_id: int | None,
    now: datetime,
    replaces: OpenQuestion | None,
) -> OpenQuestion:
    """Remember the claim so that the viewer's answer can complete it; the viewer's
    previous question, if any, is superseded (one open question per viewer)."""
    if replaces is not None:
        supersede(session, replaces)
    later: QuestionWrites | None = session.info.get(_LATER)
    row = {
        "session_id": session_id,
        "viewer_id": viewer_id,
        "product_id": product.id,
        "quantity": item.quantity,
        "options": {str(k): str(v) for k, v in item.options.items()},
        "missing": [option],
        "status": "open",
        "comment_id": comment_id,
        "created_at": now,
    }
    if later is not None:  # written with the batch's others; a temporary id until then
        question_id = -(len(later.asked) + 1)
        later.asked[question_id] = row
    else:  # built once, run on the connection: one round trip without the ORM's machinery
        question_id = session.connection().execute(_ASK, row).scalar_one()
    return _question(PendingClaim(id=question_id, **row), product.sku, product.options)


@dataclass
class QuestionWrites:
    """Questions asked and superseded inside a `written_later` block, written at its end.
    `ids` then gives, per viewer, the id of the question the block left open."""

    asked: dict[int, dict[str, Any]] = field(default_factory=dict)  # temporary id -> row
    superseded: list[int] = field(default_factory=list)
    ids: dict[int, int] = field(default_factory=dict)


@contextmanager
def written_later(session: Session) -> Iterator[QuestionWrites]:
    """Within the block, questions asked get a temporary (negative) id and are inserted
    together when it ends without error, and replaced ones are closed together: a claim
    repeated without its size asks again each time, and a batch of comments costs one
    INSERT and one UPDATE instead of one each. Nothing inside may roll back to a savepoint;
    the caller gives the open questions their ids from `ids` (OpenQuestions.assign_ids)."""
    existing: QuestionWrites | None = session.info.get(_LATER)
    if existing is not None:
        yield existing
        return
    later = QuestionWrites()
    session.info[_LATER] = later
    try:
        yield later
    finally:
        session.info.pop(_LATER, None)
    if later.superseded:
        session.connection().execute(_SUPERSEDE, {"question_ids": later.superseded})
    if later.asked:
        written = bulk.insert_rows(
            session, _PENDING, list(later.asked.values()), returning=("id", "viewer_id", "status")
        )
        later.ids = {row.viewer_id: row.id for row in written if row.status == "open"}


def supersede(session: Session, question: OpenQuestion) -> None:
    """Close a question the viewer no longer owes us an answer to (a newer claim replaced
    it), at the end of the `written_later` block when inside one."""
    later: QuestionWrites | None = session.info.get(_LATER)
    if later is None:
        close(session, question, "superseded")
    elif question.id < 0:
        later.asked[question.id]["status"] = "superseded"
    else:
        later.superseded.append(question.id)


def close(session: Session, question: OpenQuestion, status: str) -> bool:
    """Close an open question (answered, superseded, cancelled, expired); False when it was
    no longer open (another process got there first)."""
    if question.id < 0:  # asked in this block, not written yet
        row = cast(QuestionWrites, session.info[_LATER]).asked[question.id]
        if row["status"] != "open":
            return False
        row["status"] = status
        return True
    result = session.connection().execute(
        _CLOSE, {"question_id": question.id, "new_status": status}
    )
    return result.rowcount == 1


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def value_in_answer(text: str, values: list[str]) -> str | None:
    """The one catalog value the answer names ("en M", "52 svp", "T40"), or None."""
    folded = _fold(text).replace("'", "").replace("\u2019", "")
    if len(folded) > 60:
        return None  # an answer to "which size?" is short; anything longer is something else
    tokens = set(_TOKEN.findall(folded))
    tokens |= {_LEADING.sub("", t) for t in tokens}
    found = {v for v in values if _fold(v) in tokens}
    return found.pop() if len(found) == 1 else None
