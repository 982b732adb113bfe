"""The token-guessing limit: a client that presents too many unknown tokens in a window is
refused for the rest of it.

A personal link carries 192 random bits and an API token 256, so guessing one is hopeless;
the limit stops the scan itself (load, noise in the logs) and leaves an audit event for the
security team. Counts live in the database (``failed_lookups``) because app servers are
stateless; the client is a keyed hash of its address, never the address.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app, request
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from . import audit
from .database import begin_write
from .models import FailedLookup, utcnow
from .security import client_key

WINDOW = timedelta(minutes=10)
# Failures are counted in one-minute buckets and the limit applies to the buckets of the last
# ten minutes: a sliding window, so no burst fits across a boundary (a fixed window let twice
# the limit through in seconds, half before and half after it).
BUCKET = timedelta(minutes=1)
# Which setting limits each scope: unknown links and API tokens, and failed sign-ins.
LIMITS = {"link": "TOKEN_GUESS_LIMIT", "api": "TOKEN_GUESS_LIMIT", "sign_in": "SIGN_IN_LIMIT"}
T = TypeVar("T")


def _bucket(now: datetime) -> datetime:
    seconds = int(BUCKET.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


def _client() -> str:
    return client_key(current_app.config["SECRET_KEY"], request.remote_addr or "")


def _limit(scope: str) -> int:
    return current_app.config[LIMITS[scope]]


def guarded_lookup(session: Session, scope: str, lookup: Callable[[], T | None]) -> T | None:
    """``lookup()`` under the guessing limit: over it, 429 whatever the token (so a refused
    client learns nothing about which tokens exist); an unknown token (None) is counted."""
    refuse_if_over(session, scope)
    found = lookup()
    if found is None:
        record_failure(session, scope)
    return found


def counted_lookup(
    session: Session, scope: str, lookup: Callable[[dict], tuple[T, int] | None]
) -> T | None:
    """``guarded_lookup`` in one statement for a known token: ``lookup(parameters)`` runs a
    statement that selects ``FAILURES`` (this client's failures in the window) beside what
    it finds, with these bound parameters, and returns (found, failures), or None when
    nothing matches. A found token's own read says whether the client is over the limit;
    only an unknown token costs more statements."""
    now = utcnow()
    found = lookup(
        {
            "failures_scope": scope,
            "failures_client": _client(),
            "failures_since": _bucket(now) - WINDOW,
        }
    )
    if found is not None and found[1] < _limit(scope):
        return found[0]
    refuse_if_over(session, scope)
    if found is None:
        record_failure(session, scope)
        return None
    return found[0]


# SQL: a client's failures of a scope since a time, as bound parameters (``counted_lookup``),
# so that a statement that reads it can be built once.
FAILURES = (
    select(func.coalesce(func.sum(FailedLookup.count), 0))
    .where(
        FailedLookup.scope == bindparam("failures_scope"),
        FailedLookup.client_key == bindparam("failures_client"),
        FailedLookup.window_start > bindparam("failures_since"),
    )
    .scalar_subquery()
)


def refuse_if_over(session: Session, scope: str) -> None:
    """Raise 429 (with Retry-After) when this client is over the limit of ``scope``."""
    wait = retry_after(session, scope)
    if wait is not None:
        raise TooManyRequests(retry_after=wait)


def _recent(session: Session, scope: str, now: datetime) -> list[tuple[datetime, int]]:
    """This client's failure counts in the buckets of the window ending now, oldest first."""
    return session.execute(
        select(FailedLookup.window_start, FailedLookup.count)
        .where(
            FailedLookup.scope == scope,
            FailedLookup.client_key == _client(),
            FailedLookup.window_start > _bucket(now) - WINDOW,
        )
        .order_by(FailedLookup.window_start)
    ).all()


def retry_after(session: Session, scope: str, now: datetime | None = None) -> int | None:
    """Seconds this request's client must wait before trying ``scope`` again, or None when it
    may: the wait lasts until enough of its oldest failures have left the window."""
    now = now or utcnow()
    recent = _recent(session, scope, now)
    total, limit = sum(count for _, count in recent), _limit(scope)
    for start, count in recent if total >= limit else ():
        total -= count
        if total < limit:  # this bucket leaving the window brings the client under the limit
            return max(1, math.ceil((start + WINDOW - now).total_seconds()))
    return None


def record_failure(session: Session, scope: str, now: datetime | None = None) -> None:
    """Count one failure (an unknown token, a failed sign-in) for this client, in a
    transaction of its own; the request that reaches the limit leaves an audit event."""
    now = now or utcnow()
    client = _client()
    session.rollback()  # whatever the request read so far, the count is written on its own
    begin_write(session)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(FailedLookup).values(
        scope=scope, client_key=client, window_start=_bucket(now), count=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["scope", "client_key", "window_start"],
            set_={"count": FailedLookup.count + 1},
        )
    )
    if sum(count for _, count in _recent(session, scope, now)) == _limit(scope):
        audit.record("token_guessing_blocked", "client", client[:16], scope=scope)
    session.execute(delete(FailedLookup).where(FailedLookup.window_start <= _bucket(now) - WINDOW))
    session.commit()
