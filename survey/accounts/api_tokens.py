"""API tokens: 256 random bits shown once to the admin who issues them; only the SHA-256
is stored, so a copy of the database does not leak a working key."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ApiToken, utcnow

PREFIX = "sat_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, name: str, branches=None, created_by=None
) -> tuple[str, ApiToken]:
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        name=name.strip()[:120],
        token_hash=_hash(token),
        prefix=token[:10],
        branches=list(branches) if branches else None,
        created_by=created_by,
    )
    session.add(record)
    session.flush()
    return token, record


def token_reader(session: Session, token: str) -> ApiToken | None:
    """The live token matching, with its last use noted; None if unknown or revoked."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if record is None or record.revoked_at is not None:
        return None
    record.last_used_at = utcnow()
    session.commit()
    return record


def revoke_token(session: Session, token_id: int) -> ApiToken | None:
    record = session.get(ApiToken, token_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
    return record
