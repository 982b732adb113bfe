"""What the supervisor's pages show: progress per stratum, dispositions, replicates, the
case list and appointments, each from grouped queries (never every row into Python)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Integer, case, func, or_, select
from sqlalchemy.orm import Session

from ..aapor.dispositions import DISPOSITIONS
from ..cases.queue import CLAIM_MINUTES
from ..models import (
    Appointment,
    CallAttempt,
    CaseStatus,
    CatiCase,
    Contact,
    Invitation,
    Response,
    ResponseStatus,
    Role,
    StratumPopulation,
    Survey,
    User,
    utcnow,
)

PAGE_SIZE = 50


def mask_phone(phone: str | None) -> str:
    """A phone number with its middle digits hidden: +86 138****0001."""
    if not phone:
        return "—"
    digits = phone.lstrip("+")
    if len(digits) < 8:
        return "****"
    country = 2 if digits.startswith("86") else 3 if len(digits) > 11 else 1
    rest = digits[country:]
    return f"+{digits[:country]} {rest[:3]}****{rest[-4:]}"


@dataclass(frozen=True)
class StratumProgress:
    stratum: str
    population: int | None
    frame: int
    drawn: int
    released: int
    attempted: int
    complete: int
    target: int | None

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.complete / self.target)) if self.target else None


def _by_stratum(session: Session, query) -> dict[str, int]:
    return {stratum or "": count for stratum, count in session.execute(query)}


def stratum_progress(session: Session, survey: Survey) -> list[StratumProgress]:
    """Frame, drawn, released, attempted and complete per stratum, against the targets."""
    sampled = func.sum(case((Contact.sampled.is_(True), 1), else_=0)).cast(Integer)
    released = func.sum(case((Contact.released_at.is_not(None), 1), else_=0)).cast(Integer)
    counts = {
        stratum or "": (frame, drawn or 0, out or 0)
        for stratum, frame, drawn, out in session.execute(
            select(Contact.stratum, func.count(), sampled, released)
            .where(Contact.survey_id == survey.id)
            .group_by(Contact.stratum)
        )
    }
    called = select(CatiCase.contact_id).where(
        CatiCase.survey_id == survey.id, CatiCase.attempt_count > 0
    )
    invited = select(Invitation.contact_id).where(
        Invitation.survey_id == survey.id, Invitation.sent_at.is_not(None)
    )
    attempted = _by_stratum(
        session,
        select(Contact.stratum, func.count())
        .where(Contact.survey_id == survey.id, or_(Contact.id.in_(called), Contact.id.in_(invited)))
        .group_by(Contact.stratum),
    )
    complete = _by_stratum(
        session,
        select(Response.stratum, func.count())
        .where(Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE)
        .group_by(Response.stratum),
    )
    populations = _by_stratum(
        session,
        select(StratumPopulation.stratum, StratumPopulation.population).where(
            StratumPopulation.survey_id == survey.id
        ),
    )
    targets = {k: int(v) for k, v in (survey.settings or {}).get("targets", {}).items()}
    strata = sorted(set(counts) | set(complete) | set(targets) | set(populations))
    return [
        StratumProgress(
            stratum,
            populations.get(stratum),
            *counts.get(stratum, (0, 0, 0)),
            attempted.get(stratum, 0),
            complete.get(stratum, 0),
            targets.get(stratum),
        )
        for stratum in strata
    ]


@dataclass(frozen=True)
class DispositionRow:
    code: str
    label: str
    rate_class: str
    cases: int  # cases whose final disposition this is
    attempts: int  # call attempts that ended with it


def disposition_table(
    session: Session, survey: Survey, finals: dict[str, str], language: str
) -> list[DispositionRow]:
    """Every disposition code used, with its cases (``finals``: each case's final
    disposition, as the rates use them) and its call attempts."""
    finals = Counter(finals.values())
    attempts = dict(
        session.execute(
            select(CallAttempt.disposition, func.count())
            .join(CatiCase, CatiCase.id == CallAttempt.case_id)
            .where(CatiCase.survey_id == survey.id, CallAttempt.disposition.is_not(None))
            .group_by(CallAttempt.disposition)
        ).all()
    )
    return [
        DispositionRow(
            code,
            DISPOSITIONS[code].label(language),
            DISPOSITIONS[code].rate_class,
            finals.get(code, 0),
            attempts.get(code, 0),
        )
        for code in DISPOSITIONS
        if finals.get(code) or attempts.get(code)
    ]


@dataclass(frozen=True)
class Replicate:
    number: int
    size: int
    released_at: datetime | None


def replicates(session: Session, survey: Survey) -> list[Replicate]:
    return [
        Replicate(number, size, released_at)
        for number, size, released_at in session.execute(
            select(Contact.replicate, func.count(), func.min(Contact.released_at))
            .where(
                Contact.survey_id == survey.id,
                Contact.sampled.is_(True),
                Contact.replicate.is_not(None),
            )
            .group_by(Contact.replicate)
            .order_by(Contact.replicate)
        )
    ]


@dataclass(frozen=True)
class CaseRow:
    id: int
    customer_ref: str
    phone: str  # masked
    stratum: str
    status: str
    attempts: int
    last_outcome: str | None
    next_call_at: datetime | None
    due_by: datetime | None
    claimed_by: str | None
    claimed_minutes: int | None


class CaseFilter(StrEnum):
    """The case list's tabs."""

    ALL = "all"
    WAITING = "waiting"  # pending, nobody holding it
    CLAIMED = "claimed"  # pending, held by an interviewer now
    FINAL = "final"  # closed with a final disposition


CASE_FILTERS = tuple(CaseFilter)


def case_rows(
    session: Session, survey: Survey, status: str = CaseFilter.ALL, page: int = 1, now=None
) -> tuple[list[CaseRow], int]:
    """One page of the survey's phone cases (phone numbers masked) and the number of cases."""
    now = now or utcnow()
    fresh_claim = CatiCase.claimed_at >= now - timedelta(minutes=CLAIM_MINUTES)
    conditions = [CatiCase.survey_id == survey.id]
    if status == CaseFilter.WAITING:
        conditions += [
            CatiCase.status == CaseStatus.PENDING,
            or_(CatiCase.claimed_by.is_(None), ~fresh_claim),
        ]
    elif status == CaseFilter.CLAIMED:
        conditions += [
            CatiCase.status == CaseStatus.PENDING,
            CatiCase.claimed_by.is_not(None),
            fresh_claim,
        ]
    elif status == CaseFilter.FINAL:
        conditions.append(CatiCase.status != CaseStatus.PENDING)
    total = session.scalar(select(func.count()).select_from(CatiCase).where(*conditions))
    last = (
        select(CallAttempt.disposition)
        .where(CallAttempt.case_id == CatiCase.id)
        .order_by(CallAttempt.started_at.desc(), CallAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            CatiCase, Contact.customer_ref, Contact.phone, Contact.stratum, User.display_name, last
        )
        .join(Contact, Contact.id == CatiCase.contact_id)
        .outerjoin(User, User.id == CatiCase.claimed_by)
        .where(*conditions)
        .order_by(CatiCase.id)
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    result = []
    for item, ref, phone, stratum, claimer, outcome in rows:
        held = item.claimed_by is not None and item.claimed_at >= now - timedelta(
            minutes=CLAIM_MINUTES
        )
        result.append(
            CaseRow(
                item.id,
                ref,
                mask_phone(phone),
                stratum or "",
                CaseStatus.PENDING
                if item.status == CaseStatus.PENDING
                else (item.final_disposition or item.status),
                item.attempt_count,
                outcome,
                item.next_call_at,
                item.due_by,
                claimer if held else None,
                int((now - (item.call_started_at or item.claimed_at)).total_seconds() // 60)
                if held
                else None,
            )
        )
    return result, total


@dataclass(frozen=True)
class AppointmentRow:
    case_id: int
    customer_ref: str
    due_at: datetime
    definite: bool
    interviewer: str | None  # "only me" appointments name their interviewer
    overdue: bool


def appointments_due(
    session: Session, survey: Survey, hours: int = 24, now=None
) -> list[AppointmentRow]:
    """Appointments not yet kept that are overdue or due within ``hours``."""
    now = now or utcnow()
    rows = session.execute(
        select(Appointment, Contact.customer_ref, User.display_name)
        .join(CatiCase, CatiCase.id == Appointment.case_id)
        .join(Contact, Contact.id == CatiCase.contact_id)
        .outerjoin(User, User.id == Appointment.interviewer_id)
        .where(
            CatiCase.survey_id == survey.id,
            CatiCase.status == CaseStatus.PENDING,
            Appointment.kept_at.is_(None),
            Appointment.due_at <= now + timedelta(hours=hours),
        )
        .order_by(Appointment.due_at)
    )
    return [
        AppointmentRow(a.case_id, ref, a.due_at, a.definite, name, a.due_at < now)
        for a, ref, name in rows
    ]


def interviewers(session: Session) -> list[User]:
    return session.scalars(
        select(User)
        .where(User.role == Role.INTERVIEWER, User.active.is_(True))
        .order_by(User.username)
    ).all()
