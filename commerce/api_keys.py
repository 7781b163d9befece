"""Keys for the brand API: made unguessable, shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.models import ApiKey

PREFIX = "vit_"


class ApiKeyError(LookupError):
    """No such key, or already revoked."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key named `name`: the row, and the key itself (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ApiKeyError("an API key needs a name (who uses it)")
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name[:100], key_hash=_hash(key), created_at=now)
    session.add(row)
    session.flush()
    return row, key


def authenticate(session: Session, key: str, now: datetime) -> ApiKey | None:
    """The live key a bearer token is, or None (unknown, revoked, or not ours)."""
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(key)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = now
    return row


def revoke(session: Session, key_id: int, now: datetime) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        raise ApiKeyError(f"no active API key with id {key_id}")
    row.revoked_at = now
    return row


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
