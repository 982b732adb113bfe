"""Interviewers' numbers: one's own day, who is on which case now, and productivity.

Productivity is read from the call attempts (who dialled, with what outcome, from when to
when) and the interviews they completed. Hours are the spans from an interviewer's first to
last call of each day; completes per hour, attempts per complete, refusal and cooperation
rates (AAPOR REF1 and COOP1 over the cases whose last call was theirs) and the median length
of their completed interviews. An interview shorter than a third of the survey's median is
flagged for checking; a base under 20 completes is marked small.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..aapor.dispositions import DISPOSITIONS, DispositionCode
from ..aapor.rates import rates_by
from ..models import (
    Appointment,
    CallAttempt,
    CaseStatus,
    CatiCase,
    Response,
    ResponseStatus,
    Survey,
    User,
    utcnow,
)
from ..questionnaire import Mode
from .queue import CLAIM_MINUTES, CallingRules, callable_count, next_due

SMALL_BASE = 20
TOO_SHORT = 1 / 3


def _hours(spans: dict) -> float:
    """Sum over days of (last end − first start), at least a quarter of an hour a day."""
    return sum(max((last - first).total_seconds() / 3600, 0.25) for first, last in spans.values())


@dataclass(frozen=True)
class MyDay:
    attempts: int
    completes: int
    refusals: int
    hours: float
    appointments: list  # (case id, survey name, due, definite, only me)

    @property
    def per_hour(self) -> float | None:
        return self.completes / self.hours if self.hours else None


def my_day(session: Session, user: User, zone: str, now=None) -> MyDay:
    """Today's calls of one interviewer (the day in the staff's time zone)."""
    now = now or utcnow()
    local = now.astimezone(ZoneInfo(zone))
    start = datetime.combine(local.date(), datetime.min.time(), ZoneInfo(zone))
    rows = session.execute(
        select(CallAttempt.disposition, CallAttempt.started_at, CallAttempt.ended_at).where(
            CallAttempt.interviewer_id == user.id, CallAttempt.started_at >= start
        )
    ).all()
    codes = [code for code, _s, _e in rows if code]
    spans = {}
    if rows:
        spans[local.date()] = (min(r[1] for r in rows), max(r[2] or r[1] for r in rows))
    appointments = session.execute(
        select(Appointment, Survey.name)
        .join(CatiCase, CatiCase.id == Appointment.case_id)
        .join(Survey, Survey.id == CatiCase.survey_id)
        .where(
            Appointment.kept_at.is_(None),
            CatiCase.status == CaseStatus.PENDING,
            Appointment.due_at <= now + timedelta(hours=2),
            or_(Appointment.interviewer_id == user.id, Appointment.interviewer_id.is_(None)),
        )
        .order_by(Appointment.due_at)
        .limit(20)
    ).all()
    return MyDay(
        attempts=len(codes),
        completes=codes.count(DispositionCode.COMPLETE),
        refusals=sum(DISPOSITIONS[c].rate_class == "R" for c in codes),
        hours=_hours(spans),
        appointments=[
            (a.case_id, name, a.due_at, a.definite, a.interviewer_id == user.id)
            for a, name in appointments
        ],
    )


@dataclass(frozen=True)
class OnCall:
    interviewer: str
    survey: str
    case_id: int
    minutes: int


def live_board(session: Session, now=None) -> list[OnCall]:
    """Who holds which case now, and for how long (since they took it: the claim itself is
    renewed as they key answers)."""
    now = now or utcnow()
    since = func.coalesce(CatiCase.call_started_at, CatiCase.claimed_at)
    rows = session.execute(
        select(User.display_name, User.username, Survey.name, CatiCase.id, since)
        .join(User, User.id == CatiCase.claimed_by)
        .join(Survey, Survey.id == CatiCase.survey_id)
        .where(
            CatiCase.status == CaseStatus.PENDING,
            CatiCase.claimed_at >= now - timedelta(minutes=CLAIM_MINUTES),
        )
        .order_by(since)
    )
    return [
        OnCall(name or username, survey, case_id, int((now - began).total_seconds() // 60))
        for name, username, survey, case_id, began in rows
    ]


@dataclass(frozen=True)
class Productivity:
    interviewer: str
    attempts: int
    completes: int
    hours: float
    refusal_rate: float | None
    cooperation_rate: float | None
    median_minutes: float | None
    too_short: int

    @property
    def per_hour(self) -> float | None:
        return self.completes / self.hours if self.hours else None

    @property
    def attempts_per_complete(self) -> float | None:
        return self.attempts / self.completes if self.completes else None

    @property
    def small_base(self) -> bool:
        return self.completes < SMALL_BASE


def productivity(session: Session, survey: Survey, zone: str) -> list[Productivity]:
    """Per interviewer on one survey, from its call attempts and completed interviews."""
    attempts = session.execute(
        select(
            User.username,
            User.display_name,
            CallAttempt.disposition,
            CallAttempt.started_at,
            CallAttempt.ended_at,
        )
        .join(CatiCase, CatiCase.id == CallAttempt.case_id)
        .join(User, User.id == CallAttempt.interviewer_id)
        .where(CatiCase.survey_id == survey.id)
    ).all()
    names, counts, completes = {}, defaultdict(int), defaultdict(int)
    spans: dict[str, dict] = defaultdict(dict)
    for username, name, code, started, ended in attempts:
        names[username] = name or username
        counts[username] += 1
        completes[username] += code == DispositionCode.COMPLETE
        day = started.astimezone(ZoneInfo(zone)).date()
        first, last = spans[username].get(day, (started, ended or started))
        spans[username][day] = (min(first, started), max(last, ended or started))
    lengths = _interview_lengths(session, survey)
    everyone = [m for values in lengths.values() for m in values]
    floor = statistics.median(everyone) * TOO_SHORT if everyone else 0
    rates = rates_by(session, survey, "interviewer")
    return [
        Productivity(
            interviewer=names[username],
            attempts=counts[username],
            completes=completes[username],
            hours=_hours(spans[username]),
            refusal_rate=rates[username].values["REF1"] if username in rates else None,
            cooperation_rate=rates[username].values["COOP1"] if username in rates else None,
            median_minutes=statistics.median(lengths[username]) if lengths[username] else None,
            too_short=sum(m < floor for m in lengths[username]),
        )
        for username in sorted(names)
    ]


def _interview_lengths(session: Session, survey: Survey) -> dict[str, list[float]]:
    """Minutes of each completed phone interview, by the interviewer who completed it."""
    rows = session.execute(
        select(User.username, Response.duration_seconds)
        .join(CatiCase, CatiCase.invitation_id == Response.invitation_id)
        .join(CallAttempt, CallAttempt.case_id == CatiCase.id)
        .join(User, User.id == CallAttempt.interviewer_id)
        .where(
            Response.survey_id == survey.id,
            Response.mode == Mode.CATI,
            Response.status == ResponseStatus.COMPLETE,
            Response.duration_seconds.is_not(None),
            CallAttempt.disposition == DispositionCode.COMPLETE,
        )
    )
    lengths: dict[str, list[float]] = defaultdict(list)
    for username, seconds in rows:
        lengths[username].append(seconds / 60)
    return lengths


@dataclass(frozen=True)
class SurveyQueue:
    """One open survey on the interviewer's board: what can be called now, else when."""

    survey: Survey
    callable_now: int
    next_due: datetime | None
    held_case_id: int | None  # a case of this survey the interviewer holds now


def my_queues(session: Session, user: User, surveys: list[Survey], now=None) -> list[SurveyQueue]:
    """For each survey: the cases this interviewer could take now, when the next one is due
    if none, and the case already in their hands."""
    now = now or utcnow()
    fresh = now - timedelta(minutes=CLAIM_MINUTES)
    held = dict(
        session.execute(
            select(CatiCase.survey_id, CatiCase.id).where(
                CatiCase.claimed_by == user.id,
                CatiCase.claimed_at >= fresh,
                CatiCase.status == CaseStatus.PENDING,
            )
        ).all()
    )
    queues = []
    for survey in surveys:
        rules = CallingRules.from_settings(survey.settings)
        count = callable_count(session, survey.id, user.id, rules, now)
        due = None if count else next_due(session, survey.id, rules, now)
        queues.append(SurveyQueue(survey, count, due, held.get(survey.id)))
    # What can be called now first, then by when it can be.
    return sorted(queues, key=lambda q: (q.callable_now == 0, q.next_due is None, q.survey.name))
