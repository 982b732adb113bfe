"""Working a follow-up case: who may, the steps new → contacted → resolved → closed (and
reopened), notes, reassignment, the reply that closes it, the customer's contact details
(to the case's workers only, audited) and the return call that measures the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    CatiCase,
    Contact,
    FollowupCase,
    FollowupEvent,
    FollowupStatus,
    Invitation,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Role,
    Survey,
    SurveyStatus,
    User,
    utcnow,
)
from ..questionnaire import Mode
from ..responses.invitations import invite
from ..sample.messaging import queue_invitation
from .opening import RETURN_QUESTIONNAIRE

REPLY_FIELDS = ("facts", "responsible", "lesson", "fix", "satisfaction", "replied_on")
WORKERS = (Role.MANAGER, Role.SUPERVISOR)
# What each step may start from.
STEPS = {
    "contact": ((FollowupStatus.NEW,), FollowupStatus.CONTACTED),
    "resolve": ((FollowupStatus.NEW, FollowupStatus.CONTACTED), FollowupStatus.RESOLVED),
    "close": ((FollowupStatus.RESOLVED,), FollowupStatus.CLOSED),
    "reopen": ((FollowupStatus.RESOLVED, FollowupStatus.CLOSED), FollowupStatus.CONTACTED),
}


class FollowupError(ValueError):
    """A step that cannot be taken as asked; the message says why."""


def may_work(user: User, case: FollowupCase) -> bool:
    """Admins; managers and supervisors of the case's branch (or of every branch, for a
    team's case and for cases escalated to the service-quality team)."""
    if user.role == Role.ADMIN:
        return True
    if user.role not in WORKERS:
        return False
    if case.assigned_to == user.id:
        return True
    if not user.branches:  # the central service-quality team and the hotline's managers
        return True
    return case.branch is not None and case.branch in user.branches and case.level < 2


def _event(case, user, kind, text=None, **detail) -> None:
    case.events.append(
        FollowupEvent(
            kind=kind, user_id=user.id if user else None, text=text, detail=detail or None
        )
    )


def take_step(session: Session, case: FollowupCase, user: User, step: str, note: str = "") -> None:
    """Move the case a step (audited); closing needs the whole reply."""
    if step not in STEPS:
        raise FollowupError(f"Unknown step {step!r}.")
    allowed, target = STEPS[step]
    if case.status not in allowed:
        raise FollowupError(f"Case {case.id} is {case.status}; it cannot be moved to {target}.")
    if step == "close":
        missing = [name for name in REPLY_FIELDS if not (case.reply or {}).get(name)]
        if missing:
            raise FollowupError(
                "The reply is not complete: fill in " + ", ".join(missing) + " before closing."
            )
    now = utcnow()
    if step == "reopen":
        case.reopened += 1
        case.closed_at = case.resolved_at = None
    elif target == FollowupStatus.CONTACTED:
        case.contacted_at = case.contacted_at or now
    elif target == FollowupStatus.RESOLVED:
        case.contacted_at = case.contacted_at or now
        case.resolved_at = now
    else:
        case.closed_at = now
    previous, case.status = case.status, target
    _event(case, user, "status", note or None, was=previous, now=target)
    audit.record(f"followup_{step}", "followup", case.id, was=previous)


@dataclass(frozen=True)
class Reply:
    """The reply record every closed case carries (DOMAIN.md)."""

    facts: str
    responsible: str
    lesson: str
    fix: str
    satisfaction: int  # the customer's satisfaction with the outcome, 1–5
    replied_on: date

    def check(self) -> None:
        if not 1 <= self.satisfaction <= 5:
            raise FollowupError("The customer's satisfaction with the outcome is 1 to 5.")
        if self.replied_on > utcnow().date():
            raise FollowupError("The reply date cannot be in the future.")


def record_reply(session: Session, case: FollowupCase, user: User, reply: Reply) -> None:
    """Store the reply (its handler is who records it); the case becomes resolved."""
    reply.check()
    case.reply = {
        "facts": reply.facts.strip(), "responsible": reply.responsible.strip(),
        "lesson": reply.lesson.strip(), "fix": reply.fix.strip(),
        "satisfaction": reply.satisfaction, "replied_on": reply.replied_on.isoformat(),
        "handler": user.display_name or user.username, "handler_id": user.id,
    }  # fmt: skip
    case.outcome_satisfaction = reply.satisfaction
    _event(case, user, "reply", None, satisfaction=reply.satisfaction)
    audit.record("followup_reply", "followup", case.id)
    if case.status in STEPS["resolve"][0]:
        take_step(session, case, user, "resolve")


def add_note(case: FollowupCase, user: User, text: str) -> None:
    text = (text or "").strip()
    if not text:
        raise FollowupError("A note needs some text.")
    _event(case, user, "note", text[:4000])


def reassign(session: Session, case: FollowupCase, user: User, to: User) -> None:
    """Give the case to another manager or supervisor who may work it (audited)."""
    if not to.active or not may_work(to, case):
        raise FollowupError(f"{to.display_name or to.username} cannot work this case.")
    previous, case.assigned_to = case.assigned_to, to.id
    _event(case, user, "assigned", None, to=to.id, was=previous)
    audit.record("followup_reassigned", "followup", case.id, to=to.id, was=previous)


def customer_of(session: Session, case: FollowupCase) -> Contact | None:
    """The customer behind the case (an open-link customer left no details)."""
    response = session.get(Response, case.response_id)
    if response is None or response.invitation_id is None:
        return None
    invitation = session.get(Invitation, response.invitation_id)
    return invitation.contact if invitation else None


def show_contact(session: Session, case: FollowupCase, user: User) -> Contact | None:
    """The customer's contact details for one who may work the case; the view is audited."""
    if not may_work(user, case):
        raise FollowupError("Only the case's owners see the customer's details.")
    contact = customer_of(session, case)
    audit.record("followup_contact_viewed", "followup", case.id, found=contact is not None)
    return contact


def return_survey(session: Session) -> Survey | None:
    """The open wave of the complaint follow-up questionnaire, where return calls go."""
    return session.scalar(
        select(Survey)
        .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.key == RETURN_QUESTIONNAIRE, Survey.status == SurveyStatus.OPEN)
        .order_by(Survey.id.desc())
    )


def return_call(
    session: Session, case: FollowupCase, user: User, mode: str, base_url: str
) -> Invitation:
    """Put the customer into the CATI queue of the complaint follow-up survey (first in
    line), or invite them to it on the web; its answers attach to the case."""
    customer = customer_of(session, case)
    if customer is None:
        raise FollowupError("This customer answered an open link and left no contact details.")
    if customer.do_not_contact:
        raise FollowupError("This customer asked not to be contacted about surveys.")
    if case.return_invitation_id is not None:
        raise FollowupError("The return call has already been made for this case.")
    survey = return_survey(session)
    if survey is None:
        raise FollowupError(
            f"No {RETURN_QUESTIONNAIRE} survey is open: open one to make return calls."
        )
    if mode not in survey.modes or (mode == Mode.CATI and not customer.phone):
        raise FollowupError(f"The return call cannot go by {mode} to this customer.")
    if mode == Mode.WEB and not (customer.email or customer.phone):
        raise FollowupError("The customer has neither an e-mail address nor a phone number.")
    again = Contact(
        survey_id=survey.id, customer_ref=customer.customer_ref, title=customer.title,
        name=customer.name, phone=customer.phone, email=customer.email,
        language=customer.language, time_zone=customer.time_zone,
        attributes={**(customer.attributes or {}), "followup_case": str(case.id),
                    "category": case.category},
        sampled=False, released_at=utcnow(),
    )  # fmt: skip
    session.add(again)
    session.flush()
    invitation, token = invite(session, survey, again, channel=mode)
    session.flush()
    if mode == Mode.CATI:
        session.add(
            CatiCase(survey_id=survey.id, contact_id=again.id, invitation_id=invitation.id,
                     priority=10, next_call_at=utcnow())
        )  # fmt: skip
    else:
        queue_invitation(session, survey, invitation, token, base_url)
    case.return_invitation_id = invitation.id
    _event(case, user, "return_call", None, mode=mode, survey=survey.slug)
    audit.record("followup_return_call", "followup", case.id, mode=mode)
    if case.status == FollowupStatus.NEW:
        take_step(session, case, user, "contact")
    return invitation
