"""Staff accounts: creation, password checks and the temporary lock after failed sign-ins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Role, User, utcnow
from .session import end_sessions

MIN_PASSWORD_LENGTH = 10
# Checked against when the user does not exist, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class AccountError(ValueError):
    """A request about an account that cannot be carried out, with the reason."""


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt."""

    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(
    session: Session, username: str, password: str, role: str, display_name: str = ""
) -> User:
    """Add an account; the caller commits."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("A username has 1 to 64 characters.")
    if role not in {r.value for r in Role}:
        raise AccountError(
            f"Unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}."
        )
    check_new_password(password)
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"A user named {username!r} already exists.")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        session_stamp=secrets.token_hex(16),
    )
    session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    """Change a password, unlock the account and end its other sessions."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    user.session_stamp = secrets.token_hex(16)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(object_session(user), user)


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def authenticate(
    session: Session, username: str, password: str, max_failures: int, lock_minutes: int
) -> SignInResult:
    """Check a sign-in; count failures and lock the account for a while after too many."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return SignInResult(None)
    now = utcnow()
    if user.locked_until and _aware(user.locked_until) > now:
        # Answered exactly like a wrong password, after the same work, so the lock does not
        # tell a guesser which usernames exist.
        check_password_hash(_DUMMY_HASH, password)
        return SignInResult(None)
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        return SignInResult(None)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return SignInResult(user)
