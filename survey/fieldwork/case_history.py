"""One phone case as a supervisor reviews it: every call attempt with its time, outcome,
interviewer and note, and the appointments made (phone number masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..models import Appointment, CallAttempt, CatiCase, Contact, User
from .progress import mask_phone


@dataclass(frozen=True)
class AttemptRow:
    started_at: datetime
    ended_at: datetime | None
    disposition: str | None
    interviewer: str | None
    note: str | None


@dataclass(frozen=True)
class AppointmentRow:
    due_at: datetime
    definite: bool
    for_interviewer: str | None  # None: anyone may keep it
    made_by: str | None
    kept_at: datetime | None


@dataclass(frozen=True)
class CaseHistory:
    case: CatiCase
    customer_ref: str
    phone: str  # masked
    stratum: str | None
    time_zone: str
    attempts: list[AttemptRow]
    appointments: list[AppointmentRow]


def _name(user: User | None) -> str | None:
    return None if user is None else user.display_name or user.username


def case_history(session: Session, case: CatiCase) -> CaseHistory:
    """The case, its attempts (oldest first) and its appointments (soonest first)."""
    contact = session.get(Contact, case.contact_id)
    attempts = [
        AttemptRow(a.started_at, a.ended_at, a.disposition, _name(who), a.note)
        for a, who in session.execute(
            select(CallAttempt, User)
            .outerjoin(User, User.id == CallAttempt.interviewer_id)
            .where(CallAttempt.case_id == case.id)
            .order_by(CallAttempt.started_at, CallAttempt.id)
        )
    ]
    made_by = aliased(User)
    appointments = [
        AppointmentRow(a.due_at, a.definite, _name(only), _name(maker), a.kept_at)
        for a, only, maker in session.execute(
            select(Appointment, User, made_by)
            .outerjoin(User, User.id == Appointment.interviewer_id)
            .outerjoin(made_by, made_by.id == Appointment.created_by)
            .where(Appointment.case_id == case.id)
            .order_by(Appointment.due_at)
        )
    ]
    return CaseHistory(
        case,
        contact.customer_ref,
        mask_phone(contact.phone),
        contact.stratum,
        contact.time_zone,
        attempts,
        appointments,
    )
