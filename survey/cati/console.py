"""The telephone interview as a service: the case in hand, its response, each keyed answer
saved at once, and the call's outcome.

A case belongs to the interviewer who claimed it while the claim is fresh; every action
renews the claim, so a long interview never expires under the interviewer. The response is
the one the customer's invitation opens (created here if the customer was never invited on
the web), so web and phone complete one response; each screen is one question, saved in its
own transaction through the same fielding code as the web. A break-off leaves a partial
that resumes at the right question on the callback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from ..aapor.dispositions import DISPOSITIONS, DispositionCode
from ..cases.queue import CLAIM_MINUTES, CallingRules, may_call, record_outcome
from ..models import (
    Appointment,
    CaseStatus,
    CatiCase,
    Contact,
    Invitation,
    Response,
    ResponseStatus,
    Survey,
    User,
    utcnow,
)
from ..questionnaire import Mode
from ..responses import fielding
from ..responses.fielding import WITH_QUESTIONNAIRE
from ..responses.invitations import invite

# Outcomes an interviewer records by hand, the most frequent first so their number keys are
# short. A complete (1.1) and a screen-out are recorded by the interview itself; "not
# attempted" (3.11) is no outcome of a call, and "quota filled" (4.80) is the system's.
HAND_CODES = (
    "3.13", "3.12", "2.36", "3.14", "2.221", "2.222", "2.21", "2.11", "2.111", "2.12", "1.2",
    "4.31", "4.32", "4.20", "4.50", "4.10", "4.70", "3.16", "3.21", "3.90",
    "2.33", "2.32", "2.31", "2.35",
)  # fmt: skip


class OutcomeError(ValueError):
    """An outcome that cannot be recorded as given: the message says which field and why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# A claim lasts CLAIM_MINUTES from its last renewal; renewing it once a minute is plenty.
RENEW_CLAIM_AFTER = timedelta(minutes=1)

# What every view of a held case reads with it: the customer and the invitation it shares
# with the web link (the piping scope).
_WITH_CUSTOMER = (joinedload(CatiCase.contact), joinedload(CatiCase.invitation))


def held_case(
    session: Session, case_id: int, user: User, renew: bool = True, now=None
) -> CatiCase | None:
    """The case if this interviewer holds it now, else None; ``renew`` renews the claim (a
    request that stores something: a screen only shown writes nothing)."""
    now = now or utcnow()
    case = session.get(CatiCase, case_id, options=_WITH_CUSTOMER)
    fresh = now - timedelta(minutes=CLAIM_MINUTES)
    if case is None or case.claimed_by != user.id or case.claimed_at < fresh:
        return None
    if renew and now - case.claimed_at > RENEW_CLAIM_AFTER:  # not a write every keyed answer
        case.claimed_at = now
    return case


def customer_language(contact: Contact, survey: Survey) -> str:
    """The customer's language where the survey offers it, else the survey's own."""
    return contact.language if contact.language in survey.languages else survey.default_language


def invitation_for(session: Session, case: CatiCase) -> Invitation:
    """The invitation the case shares with the web link; made now if there is none."""
    if case.invitation is not None:
        return case.invitation
    survey = session.get(Survey, case.survey_id)
    invitation, _token = invite(session, survey, case.contact)
    session.flush()
    case.invitation, case.invitation_id = invitation, invitation.id
    return invitation


def start_interview(session: Session, case: CatiCase, language: str) -> Response:
    """The case's response, started by phone, or the partial one to resume."""
    invitation = invitation_for(session, case)
    response = fielding.response_for_invitation(session, invitation)
    if response is None:
        response = fielding.start_response(
            session, invitation.survey, language, invitation=invitation, mode=Mode.CATI
        )
    elif response.status == ResponseStatus.PARTIAL:
        response.mode = Mode.CATI
    return response


def case_response(session: Session, case: CatiCase) -> Response | None:
    """The case's response, with its survey and questionnaire (every screen reads them)."""
    if case.invitation_id is None:
        return None
    return session.scalar(
        select(Response)
        .options(*WITH_QUESTIONNAIRE)
        .where(Response.invitation_id == case.invitation_id)
    )


@dataclass(frozen=True)
class Callback:
    """A time agreed with the customer, in their local time."""

    day: date
    at: time
    only_me: bool
    definite: bool

    def utc(self, zone: str) -> datetime:
        return datetime.combine(self.day, self.at, ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def record_call(
    session: Session,
    case: CatiCase,
    user: User,
    code: str,
    note: str | None,
    callback: Callback | None,
    now=None,
):
    """Record the call's outcome (with a callback appointment); the claim ends."""
    now = now or utcnow()
    disposition = DISPOSITIONS.get(code)
    if disposition is None:
        raise OutcomeError("code", "unknown")
    note = (note or "").strip() or None
    if disposition.note_required and not note:
        raise OutcomeError("note", "required")
    survey = session.get(Survey, case.survey_id)
    contact = case.contact
    rules = CallingRules.from_settings(survey.settings)
    due = None
    if callback is None and disposition.callback_required:
        raise OutcomeError("callback", "needed")
    if callback is not None:
        if disposition.final:
            raise OutcomeError("callback", "final")
        due = callback.utc(contact.time_zone)
        if due <= now:
            raise OutcomeError("callback", "past")
        if not may_call(rules, contact.time_zone, due):
            raise OutcomeError("callback", "window")
    _keep_appointments(session, case, now)
    attempt = record_outcome(
        session, case, user.id, code, rules, contact.time_zone, note, now, case.call_started_at, due
    )
    if due is not None and case.status == CaseStatus.PENDING:
        session.add(
            Appointment(
                case_id=case.id,
                due_at=due,
                definite=callback.definite,
                interviewer_id=user.id if callback.only_me else None,
                created_by=user.id,
            )
        )
    return attempt


def _keep_appointments(session: Session, case: CatiCase, now) -> None:
    """Appointments already due are kept by this call, whatever its outcome."""
    session.execute(
        update(Appointment)
        .where(
            Appointment.case_id == case.id,
            Appointment.kept_at.is_(None),
            Appointment.due_at <= now + timedelta(minutes=CLAIM_MINUTES),
        )
        .values(kept_at=now)
        .execution_options(synchronize_session=False)
    )


def finish_interview(session: Session, case: CatiCase, user: User, response: Response, now=None):
    """The interview reached its end: record a complete, or the screen-out's disposition."""
    code = response.disposition or DispositionCode.COMPLETE
    note = (
        "screened out by the questionnaire"
        if response.status == ResponseStatus.SCREENED_OUT
        else None
    )
    record_call(session, case, user, code, note, None, now)
