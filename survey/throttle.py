"""The token-guessing limit: a client that presents too many unknown tokens in a window is
refused for the rest of it.

A personal link carries 192 random bits and an API token 256, so guessing one is hopeless;
the limit stops the scan itself (load, noise in the logs) and leaves an audit event for the
security team. Counts live in the database (``failed_lookups``) because app servers are
stateless; the client is a keyed hash of its address, never the address.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app, request
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from . import audit
from .database import begin_write
from .models import FailedLookup, utcnow
from .responses import client_key

WINDOW = timedelta(minutes=10)
T = TypeVar("T")


def _window_start(now: datetime) -> datetime:
    seconds = int(WINDOW.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


def _client() -> str:
    return client_key(current_app.config["SECRET_KEY"], request.remote_addr or "")


def guarded_lookup(session: Session, scope: str, lookup: Callable[[], T | None]) -> T | None:
    """``lookup()`` under the guessing limit: over it, 429 whatever the token (so a refused
    client learns nothing about which tokens exist); an unknown token (None) is counted."""
    wait = _retry_after(session, scope)
    if wait is not None:
        raise TooManyRequests(retry_after=wait)
    found = lookup()
    if found is None:
        _record_failure(session, scope)
    return found


def _retry_after(session: Session, scope: str, now: datetime | None = None) -> int | None:
    """Seconds this request's client must wait before presenting another token of ``scope``,
    or None when it may."""
    now = now or utcnow()
    start = _window_start(now)
    count = session.scalar(
        select(FailedLookup.count).where(
            FailedLookup.scope == scope,
            FailedLookup.client_key == _client(),
            FailedLookup.window_start == start,
        )
    )
    if count is None or count < current_app.config["TOKEN_GUESS_LIMIT"]:
        return None
    return max(1, int((start + WINDOW - now).total_seconds()))


def _record_failure(session: Session, scope: str, now: datetime | None = None) -> None:
    """Count one unknown token for this client, in a transaction of its own; the request that
    reaches the limit leaves an audit event."""
    now = now or utcnow()
    start = _window_start(now)
    client = _client()
    session.rollback()  # whatever the request read so far, the count is written on its own
    begin_write(session)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(FailedLookup).values(
        scope=scope, client_key=client, window_start=start, count=1
    )
    count = session.scalar(
        statement.on_conflict_do_update(
            index_elements=["scope", "client_key", "window_start"],
            set_={"count": FailedLookup.count + 1},
        ).returning(FailedLookup.count)
    )
    if count == current_app.config["TOKEN_GUESS_LIMIT"]:
        audit.record("token_guessing_blocked", "client", client[:16], scope=scope)
    session.execute(delete(FailedLookup).where(FailedLookup.window_start < start - WINDOW))
    session.commit()
