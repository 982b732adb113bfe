"""Calling rules and the next-case queue for telephone interviewing.

Calls are made only inside the windows of the customer's own local time (default Monday to
Friday 09:00–20:30, weekends 09:00–17:00, never on a listed holiday), before the field end
date, before the case's own deadline (a post-call interview is stale after a day), and after
the outcome's retry delay. The next case for an interviewer is, among the
cases that may be called now: a due appointment first (one kept for this interviewer, or
for anyone), then the highest priority, then the fewest attempts. A claim is one
``UPDATE … WHERE claimed_by IS NULL OR claimed_at < expiry`` in the database, so two
interviewers can never hold one case; an abandoned claim expires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from ..aapor.dispositions import DISPOSITIONS, final_disposition
from ..database import begin_write
from ..models import Appointment, CallAttempt, CaseStatus, CatiCase, Contact, utcnow

WEEKDAY_WINDOW = (time(9, 0), time(20, 30))
WEEKEND_WINDOW = (time(9, 0), time(17, 0))
CLAIM_MINUTES = 20


@dataclass(frozen=True)
class CallingRules:
    """A survey's calling rules; every number is a default a supervisor may change."""

    windows: tuple = (WEEKDAY_WINDOW,) * 5 + (WEEKEND_WINDOW,) * 2  # Monday first
    holidays: frozenset = field(default_factory=frozenset)
    max_attempts: int = 8
    field_end: date | None = None  # the last day of calling, in the customer's local time
    retry_seconds: dict = field(default_factory=dict)  # overrides per disposition code

    @classmethod
    def from_settings(cls, settings: dict | None) -> CallingRules:
        settings = settings or {}
        windows = settings.get("calling_windows")
        return cls(
            windows=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in windows)
            if windows
            else cls.windows,
            holidays=frozenset(date.fromisoformat(d) for d in settings.get("holidays", [])),
            max_attempts=int(settings.get("max_attempts", 8)),
            field_end=date.fromisoformat(settings["field_end"])
            if settings.get("field_end")
            else None,
            retry_seconds={k: int(v) for k, v in settings.get("retry_seconds", {}).items()},
        )

    def retry(self, code: str) -> int:
        return self.retry_seconds.get(code, DISPOSITIONS[code].retry_seconds or 0)


def may_call(rules: CallingRules, zone: str, when: datetime) -> bool:
    """Whether ``when`` (UTC) falls inside a calling window of the customer's local time."""
    local = when.astimezone(ZoneInfo(zone))
    if local.date() in rules.holidays or (rules.field_end and local.date() > rules.field_end):
        return False
    start, end = rules.windows[local.weekday()]
    return start <= local.time() < end


def next_callable(rules: CallingRules, zone: str, after: datetime) -> datetime | None:
    """The first moment at or after ``after`` (UTC) inside a window; None past the field end."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    for offset in range(0, 370):
        day = local.date() + timedelta(days=offset)
        if rules.field_end and day > rules.field_end:
            return None
        if day in rules.holidays:
            continue
        start, end = rules.windows[day.weekday()]
        opening = datetime.combine(day, start, tz)
        closing = datetime.combine(day, end, tz)
        candidate = max(opening, local) if offset == 0 else opening
        if candidate < closing:
            return candidate.astimezone(after.tzinfo)
    return None


def record_outcome(
    session: Session,
    case: CatiCase,
    interviewer_id: int | None,
    code: str,
    rules: CallingRules,
    zone: str,
    note: str | None = None,
    now: datetime | None = None,
    started_at: datetime | None = None,
    callback: datetime | None = None,
) -> CallAttempt:
    """Record a call's outcome, then close the case or schedule its next call; the claim ends.

    ``callback`` (UTC) is a time agreed with the customer: it replaces the retry delay.
    """
    now = now or utcnow()
    outcome = DISPOSITIONS[code]
    attempt = CallAttempt(
        interviewer_id=interviewer_id,
        started_at=started_at or now,
        ended_at=now,
        disposition=code,
        note=note,
    )
    case.attempts.append(attempt)
    codes = [a.disposition for a in case.attempts if a.disposition]
    case.attempt_count = len(codes)
    uses = codes.count(code)
    exhausted = case.attempt_count >= rules.max_attempts or (
        outcome.max_uses is not None and uses >= outcome.max_uses
    )
    if outcome.final or exhausted:
        following = None
    elif callback is not None:
        following = callback
    else:
        following = next_callable(rules, zone, now + timedelta(seconds=rules.retry(code)))
    if following is not None and case.due_by is not None and following >= case.due_by:
        following = None  # past the case's deadline (a post-call interview goes stale)
    if following is None:
        case.status, case.final_disposition, case.next_call_at = (
            CaseStatus.FINAL,
            final_disposition(codes),
            None,
        )
    else:
        case.next_call_at = following
    case.claimed_by = case.claimed_at = case.call_started_at = None
    return attempt


def survey_zones(session: Session, survey_id: int, fresh: bool = False) -> list[str]:
    """The time zones of a survey's customers.

    They are few and change only when sample is imported, so each app server keeps them
    for a minute rather than reading every contact at every claim; a claim that finds
    nothing asks again with ``fresh`` (a zone just imported is never missed for long).
    """
    key = (str(session.get_bind().url), survey_id)
    cached = _ZONES.get(key)
    if fresh or cached is None or cached[0] < utcnow() - timedelta(minutes=1):
        zones = session.scalars(
            select(Contact.time_zone).where(Contact.survey_id == survey_id).distinct()
        ).all()
        cached = _ZONES[key] = (utcnow(), sorted({zone or "Asia/Shanghai" for zone in zones}))
    return cached[1]


_ZONES: dict[tuple[str, int], tuple[datetime, list[str]]] = {}


def claim_next_case(
    session: Session,
    survey_id: int,
    interviewer_id: int,
    rules: CallingRules,
    now: datetime | None = None,
) -> CatiCase | None:
    """Claim the next case this interviewer should call, atomically; None when nothing is due.

    The claim is one statement, ``UPDATE … WHERE id = (the head of the queue)``: a due
    appointment first (kept for this interviewer, or for anyone), else the highest priority,
    then the fewest attempts, then the oldest case, among the cases callable now in the
    customer's own time. On PostgreSQL the head is read ``FOR UPDATE SKIP LOCKED``, so a case
    another interviewer is claiming at this instant is passed over, never waited for; SQLite
    runs the statement under its write lock. Two interviewers can never hold one case. The
    caller commits.
    """
    now = now or utcnow()
    if session.get_bind().dialect.name != "postgresql" and not session.in_transaction():
        begin_write(session)  # SQLite: read the head of the queue under the write lock
    case = _claim(session, survey_id, interviewer_id, rules, now, survey_zones(session, survey_id))
    if case is None:  # perhaps a time zone imported since the list was read
        case = _claim(
            session, survey_id, interviewer_id, rules, now, survey_zones(session, survey_id, True)
        )
    return case


def _callable_now(survey_id, interviewer_id, zones, now):
    """The cases of the survey this interviewer may call now: pending, unclaimed (or theirs),
    due, within their deadline, not promised to another interviewer, the customer reachable
    and inside a calling window."""
    free = or_(
        CatiCase.claimed_by.is_(None),
        CatiCase.claimed_at < now - timedelta(minutes=CLAIM_MINUTES),
        CatiCase.claimed_by == interviewer_id,
    )
    others_appointment = select(Appointment.case_id).where(
        Appointment.kept_at.is_(None),
        Appointment.interviewer_id.is_not(None),
        Appointment.interviewer_id != interviewer_id,
    )
    return (
        select(CatiCase.id)
        .join(Contact, Contact.id == CatiCase.contact_id)
        .where(
            CatiCase.survey_id == survey_id,
            CatiCase.status == CaseStatus.PENDING,
            free,
            or_(CatiCase.next_call_at.is_(None), CatiCase.next_call_at <= now),
            or_(CatiCase.due_by.is_(None), CatiCase.due_by > now),
            CatiCase.id.not_in(others_appointment),
            Contact.do_not_contact.is_(False),
            Contact.time_zone.in_(zones),
        )
    ), free


def callable_count(
    session: Session, survey_id: int, interviewer_id: int, rules: CallingRules, now=None
) -> int:
    """How many of the survey's cases this interviewer could take now (the board shows it, so
    nobody presses "Next case" on a survey with nothing to call)."""
    now = now or utcnow()
    zones = [z for z in survey_zones(session, survey_id, True) if may_call(rules, z, now)]
    if not zones:
        return 0
    query, _free = _callable_now(survey_id, interviewer_id, zones, now)
    return session.scalar(select(func.count()).select_from(query.subquery()))


def _claim(session, survey_id, interviewer_id, rules, now, zones) -> CatiCase | None:
    zones = [zone for zone in zones if may_call(rules, zone, now)]
    if not zones:
        return None
    postgresql = session.get_bind().dialect.name == "postgresql"
    callable_now, free = _callable_now(survey_id, interviewer_id, zones, now)
    mine_or_anyones = or_(
        Appointment.interviewer_id.is_(None), Appointment.interviewer_id == interviewer_id
    )
    # The appointments due now are few: found by their own index first, so the planner
    # never weighs them against the whole queue.
    due = session.scalars(
        select(Appointment.case_id)
        .join(CatiCase, CatiCase.id == Appointment.case_id)
        .where(
            Appointment.kept_at.is_(None),
            Appointment.due_at <= now,
            mine_or_anyones,
            CatiCase.survey_id == survey_id,
            CatiCase.status == CaseStatus.PENDING,
        )
        .order_by(Appointment.due_at)
        .limit(50)
    ).all()
    due_appointment = (
        callable_now.where(CatiCase.id.in_(due))
        .join(Appointment, Appointment.case_id == CatiCase.id)
        .where(Appointment.kept_at.is_(None), Appointment.due_at <= now, mine_or_anyones)
        .order_by(Appointment.due_at)
    )
    # The queue's order, which the (survey, status, priority DESC, attempts, id) index serves.
    by_priority = callable_now.order_by(
        CatiCase.priority.desc(), CatiCase.attempt_count, CatiCase.id
    )
    for head in (due_appointment, by_priority) if due else (by_priority,):
        head = head.limit(1)
        if postgresql:
            head = head.with_for_update(of=CatiCase, skip_locked=True)
        case_id = session.execute(
            update(CatiCase)
            .where(
                CatiCase.id == head.scalar_subquery(), CatiCase.status == CaseStatus.PENDING, free
            )
            .values(claimed_by=interviewer_id, claimed_at=now, call_started_at=now)
            .returning(CatiCase.id)
            .execution_options(synchronize_session=False)
        ).scalar()
        if case_id is not None:
            return session.get(CatiCase, case_id, populate_existing=True)
    return None


def release_claim(case: CatiCase) -> None:
    """End an interviewer's hold on a case (they left it), so the queue offers it again."""
    case.claimed_by = case.claimed_at = case.call_started_at = None


def reassign(
    session: Session, case: CatiCase, interviewer_id: int, by: int | None, now=None
) -> Appointment:
    """Give a case to one interviewer: the claim ends, and its open appointment (or a new soft
    one, due when the case is next due) becomes "only" theirs."""
    now = now or utcnow()
    release_claim(case)
    appointment = session.scalar(
        select(Appointment)
        .where(Appointment.case_id == case.id, Appointment.kept_at.is_(None))
        .order_by(Appointment.due_at)
    )
    if appointment is None:
        appointment = Appointment(
            case_id=case.id,
            due_at=max(now, case.next_call_at or now),
            definite=False,
            created_by=by,
        )
        session.add(appointment)
    appointment.interviewer_id = interviewer_id
    return appointment


def close_answered_case(session: Session, invitation_id: int, code: str) -> int:
    """Close the phone case of an invitation answered on the web: either channel completes
    the same response, and no one should call a customer who has already answered."""
    return session.execute(_CLOSE_ANSWERED, {"invitation": invitation_id, "code": code}).rowcount


_CLOSE_ANSWERED = (  # built once: it runs in every completing request
    update(CatiCase)
    .where(CatiCase.invitation_id == bindparam("invitation"), CatiCase.status == CaseStatus.PENDING)
    .values(status=CaseStatus.FINAL, final_disposition=bindparam("code"), next_call_at=None)
    .execution_options(synchronize_session=False)
)


def next_due(session: Session, survey_id: int, rules: CallingRules, now=None) -> datetime | None:
    """When the next case of the survey may be called (in a calling window), or None.

    Looks at the earliest-scheduled open cases only: enough to tell an interviewer when to
    come back, without reading the whole queue.
    """
    now = now or utcnow()
    rows = session.execute(
        select(CatiCase.next_call_at, Contact.time_zone)
        .join(Contact, Contact.id == CatiCase.contact_id)
        .where(
            CatiCase.survey_id == survey_id,
            CatiCase.status == CaseStatus.PENDING,
            or_(CatiCase.due_by.is_(None), CatiCase.due_by > now),
        )
        .order_by(CatiCase.next_call_at)
        .limit(100)
    )
    times = [
        next_callable(rules, zone or "Asia/Shanghai", max(now, when or now)) for when, zone in rows
    ]
    return min((t for t in times if t is not None), default=None)
