"""Who is signed in, and the role checks that guard every blueprint."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import bindparam, select, update

from ..database import db_session
from ..models import Role, StaffSession, User, utcnow
from ..security import hash_token

# How often a session's last use is written down (the idle limit is hours, not seconds).
SEEN_EVERY = timedelta(minutes=1)

HOME_BY_ROLE = {
    Role.ADMIN: "admin.index",
    Role.MANAGER: "reports.index",
    Role.SUPERVISOR: "fieldwork.index",
    Role.INTERVIEWER: "cati.index",
    Role.STAFF: "mypage.index",
}


def sign_in(user: User) -> None:
    """Start a fresh session for the user: a new server-side record and a new cookie (so no
    fixation); the cookie holds only the record's random key."""
    language = session.get("language")
    session.clear()
    session.permanent = True
    key = secrets.token_urlsafe(32)
    db_session().add(StaffSession(id=hash_token(key), user_id=user.id))
    session["sid"] = key
    if language or user.language:
        session["language"] = language or user.language


def sign_out() -> None:
    """End this browser's session on the server too, so a copied cookie no longer works."""
    key = session.get("sid")
    if key:
        record = db_session().get(StaffSession, hash_token(key))
        if record is not None and record.ended_at is None:
            record.ended_at = utcnow()
            db_session().commit()
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def end_sessions(db, user: User) -> int:
    """End every session of the user (a password change, deactivation, "sign out
    everywhere"); return how many were open."""
    result = db.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return result.rowcount


def _live(record: StaffSession | None, now: datetime) -> bool:
    """Not ended, used within the idle limit, and younger than the absolute lifetime."""
    if record is None or record.ended_at is not None:
        return False
    config = current_app.config
    idle = timedelta(seconds=config["PERMANENT_SESSION_LIFETIME"])
    lifetime = timedelta(hours=config["SESSION_MAX_HOURS"])
    return record.last_seen_at > now - idle and record.created_at > now - lifetime


# A browser's session record and its user, read together on every staff request.
_SESSION_AND_USER = (
    select(StaffSession, User)
    .join(User, User.id == StaffSession.user_id)
    .where(StaffSession.id == bindparam("key"))
)


def load_signed_in_user() -> None:
    """Set ``g.user`` from the session cookie; an ended, idle, expired or disabled session
    signs out."""
    g.user = None
    key = session.get("sid")
    if key is None:
        session.pop("user_id", None)  # a cookie from before server-side sessions
        return
    db = db_session()
    now = utcnow()
    found = db.execute(_SESSION_AND_USER, {"key": hash_token(key)}).first()
    record, user = found if found is not None else (None, None)
    if not _live(record, now) or not user.active:
        sign_out()
        return
    if now - record.last_seen_at > SEEN_EVERY:  # not a write on every request
        record.last_seen_at = now
        db.commit()
    g.user = user


def require_roles(*roles: Role | str):
    """A before-request guard: signed-out visitors go to /login, other roles get 403.

    Admins may do everything (DESIGN.md, roles), so they pass every guard.
    """
    allowed = {str(role) for role in roles} | {Role.ADMIN.value}

    def guard():
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if g.user.role not in allowed:
            abort(403)
        return None

    return guard


def protect(blueprint, roles: Iterable[Role | str]) -> None:
    """Guard every view of a blueprint with the given roles."""
    blueprint.before_request(require_roles(*roles))


def home_endpoint(user: User) -> str:
    return HOME_BY_ROLE[Role(user.role)]
