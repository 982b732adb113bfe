"""Staff accounts: creation, password checks and the temporary lock after failed sign-ins."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Role, User, utcnow
from .sessions import end_sessions

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


STAFF_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,32}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class StaffDetails:
    """What an administrator sets on an account besides its password."""

    role: str
    display_name: str = ""
    staff_number: str | None = None
    branches: tuple[str, ...] = ()  # a manager's branches; empty: every branch
    email: str | None = None  # where follow-up reminders and escalations reach them
    phone: str | None = None

    @classmethod
    def of(cls, user: User) -> StaffDetails:
        return cls(
            user.role, user.display_name, user.staff_number, tuple(user.branches or ()),
            user.email, user.phone,
        )  # fmt: skip


def parse_branches(text: str | None) -> tuple[str, ...]:
    """Branch codes written as a comma-separated list (a form field, a command option)."""
    return tuple(b.strip() for b in (text or "").split(",") if b.strip())


def check_details(details: StaffDetails) -> None:
    """Refuse details that cannot be right, each with the field named."""
    if details.role not in {r.value for r in Role}:
        raise AccountError(
            f"Unknown role {details.role!r}; choose one of {', '.join(r.value for r in Role)}."
        )
    if len(details.display_name) > 120:
        raise AccountError("The display name has at most 120 characters.")
    if details.staff_number and not STAFF_NUMBER.match(details.staff_number):
        raise AccountError("A staff number has 1 to 32 letters, digits or dashes.")
    if details.role == Role.INTERVIEWER and not (details.display_name and details.staff_number):
        raise AccountError(
            "An interviewer needs a display name and a staff number: the script reads both "
            "to the customer."
        )
    if details.branches and details.role != Role.MANAGER:
        raise AccountError("Only a manager's account is limited to branches.")
    if any(not b or len(b) > 120 for b in details.branches):
        raise AccountError("A branch code has 1 to 120 characters.")
    if details.email and not EMAIL.match(details.email):
        raise AccountError(f"{details.email!r} is not an e-mail address.")
    if details.phone and not PHONE.match(details.phone):
        raise AccountError(f"{details.phone!r} is not a phone number such as +8613800001234.")


def apply_details(user: User, details: StaffDetails) -> dict:
    """Set checked details on an account; return what changed ({field: [before, after]}),
    for the caller's audit event; the caller commits."""
    check_details(details)
    fields = ("role", "display_name", "staff_number", "branches", "email", "phone")
    before = {name: getattr(user, name) for name in fields}
    _set_details(user, details)
    return {
        name: [before[name], getattr(user, name)]
        for name in fields
        if before[name] != getattr(user, name)
    }


def _set_details(user: User, details: StaffDetails) -> None:
    user.role = details.role
    user.display_name = details.display_name
    user.staff_number = details.staff_number or None
    user.branches = list(details.branches) or None
    user.email = details.email or None
    user.phone = details.phone or None


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
        display_name=display_name,
        role=role,
        password_hash=hash_password(password),
        session_stamp=secrets.token_hex(16),
    )
    session.add(user)
    return user


def add_account(session: Session, username: str, password: str, details: StaffDetails) -> User:
    """Add an account with its details, all checked first; the caller audits and commits."""
    check_details(details)
    user = create_user(session, username, password, details.role, details.display_name)
    _set_details(user, details)
    return user


def interviewer_scope(user: User) -> dict:
    """What a CATI script may pipe about the interviewer: the display name and the staff
    number (工号), never the username."""
    return {"name": user.display_name, "staff_id": user.staff_number or ""}


def set_password(user: User, password: str) -> None:
    """Change a password, unlock the account and end its other sessions."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(object_session(user), user)


def authenticate(
    session: Session, username: str, password: str, max_failures: int, lock_minutes: int
) -> SignInResult:
    """Check a sign-in; count failures and lock the account for a while after too many."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return SignInResult(None)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
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
