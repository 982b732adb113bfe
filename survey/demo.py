"""A working demo database: staff of every role, and what later parts add to it."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth.accounts import create_user, set_password
from .models import Role, User

DEMO_STAFF = [
    ("admin", Role.ADMIN, "系统管理员 Admin"),
    ("manager", Role.MANAGER, "王经理 Manager Wang"),
    ("supervisor", Role.SUPERVISOR, "李督导 Supervisor Li"),
    ("interviewer", Role.INTERVIEWER, "张晓梅 Zhang Xiaomei"),
    ("interviewer2", Role.INTERVIEWER, "陈志强 Chen Zhiqiang"),
]


def _demo_password() -> str:
    """A fresh random password: demo credentials are never fixed in the code."""
    return secrets.token_urlsafe(9)


def build(session: Session) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo staff; return (username, role, password) for each."""
    credentials = []
    for username, role, display_name in DEMO_STAFF:
        password = _demo_password()
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            create_user(session, username, password, role.value, display_name)
        else:
            user.role, user.active = role.value, True
            set_password(user, password)
        credentials.append((username, role.value, password))
    session.commit()
    return credentials
