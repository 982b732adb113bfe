"""Reminders and escalation, run by the task queue: a case's workers are reminded on its
last working day; an overdue case goes to the branch head (level 1), and one still open a
working day later to the service-quality team (level 2). Each step is a line in the case's
history, shown on the owners' pages, and a message through the outbox."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..logs import failure
from ..models import FollowupCase, FollowupEvent, FollowupStatus, Role, User, utcnow
from ..sample.messaging import queue_notice
from .calendar import CalendarError
from .opening import calendar_for

log = logging.getLogger(__name__)
LEVELS = {1: "branch head", 2: "service-quality team"}


def recipients(users: list[User], case: FollowupCase, level: int) -> list[User]:
    """Who of the active staff hears of the case at a level: its assignee or the branch's
    managers and supervisors (0), the branch's managers (1), the managers of every branch
    and the administrators (2)."""
    if level == 0 and case.assigned_to:
        return [u for u in users if u.id == case.assigned_to]
    if level == 2:
        return [
            u for u in users if u.role == Role.ADMIN or (u.role == Role.MANAGER and not u.branches)
        ]
    roles = (Role.MANAGER,) if level == 1 else (Role.MANAGER, Role.SUPERVISOR)
    return [
        u for u in users
        if u.role in roles and (case.branch in (u.branches or []) or (not u.branches and not case.branch))
    ]  # fmt: skip


def _notify(session, users, case: FollowupCase, level: int, subject: str, body: str) -> int:
    return sum(
        queue_notice(session, case.survey_id, u, subject, body)
        for u in recipients(users, case, level)
    )


def sweep(session: Session, now: datetime | None = None) -> dict:
    """One pass over the open cases: remind, escalate; returns the counts."""
    now = now or utcnow()
    counts = {"reminded": 0, "escalated": 0, "messages": 0, "unknown_days": 0}
    cases = session.scalars(
        select(FollowupCase).where(
            FollowupCase.status != FollowupStatus.CLOSED,
            or_(FollowupCase.level < 2, FollowupCase.reminded_at.is_(None)),
        )
    ).all()
    users = session.scalars(select(User).where(User.active.is_(True))).all() if cases else []
    for case in cases:
        try:
            _sweep_case(session, users, case, now, counts)
        except CalendarError as error:
            counts["unknown_days"] += 1
            log.error("follow-up case %s: %s", case.id, failure(error))
    return counts


def _sweep_case(session, users, case, now, counts) -> None:
    calendar = calendar_for(case.region, weekdays_beyond_data=True)  # the case says so
    due = case.due_at
    if case.status == FollowupStatus.RESOLVED:
        return  # replied; closing it is the owner's
    if now < due:
        if case.reminded_at is None and calendar.working_days_left(now, due) <= 0:
            case.reminded_at = now
            case.events.append(FollowupEvent(kind="reminded", detail={"due": due.isoformat()}))
            counts["reminded"] += 1
            counts["messages"] += _notify(
                session,
                users,
                case,
                0,
                f"Follow-up case {case.id} is due today",
                f"Case {case.id} ({case.category}, {case.owner}) is due by {due:%Y-%m-%d %H:%M} UTC.",
            )
        return
    level = 1 if case.level == 0 else 2 if now >= calendar.due(due, 1) else case.level
    if level <= case.level:
        return
    case.level, case.escalated_at = level, now
    case.events.append(
        FollowupEvent(kind="escalated", detail={"level": level, "to": LEVELS[level]})
    )
    counts["escalated"] += 1
    counts["messages"] += _notify(
        session,
        users,
        case,
        level,
        f"Overdue follow-up case {case.id}: escalated to the {LEVELS[level]}",
        f"Case {case.id} ({case.category}, {case.owner}) was due by {due:%Y-%m-%d %H:%M} UTC "
        f"and is still {case.status}.",
    )
