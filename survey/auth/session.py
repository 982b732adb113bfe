"""Who is signed in, and the role checks that guard every blueprint."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, g, redirect, request, session, url_for

from ..database import db_session
from ..models import Role, User

HOME_BY_ROLE = {
    Role.ADMIN: "admin.index",
    Role.MANAGER: "reports.index",
    Role.SUPERVISOR: "fieldwork.index",
    Role.INTERVIEWER: "cati.index",
}


def sign_in(user: User) -> None:
    """Start a fresh session for the user (a new cookie, so no fixation)."""
    language = session.get("language")
    session.clear()
    session.permanent = True
    session["user_id"] = user.id
    session["stamp"] = user.session_stamp
    if language or user.language:
        session["language"] = language or user.language


def sign_out() -> None:
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def load_signed_in_user() -> None:
    """Set ``g.user`` from the session cookie; a stale or disabled account signs out."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = db_session().get(User, user_id)
    if user is None or not user.active or user.session_stamp != session.get("stamp"):
        sign_out()
        return
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
