"""Fielding a response, web or CATI: whether a link can be answered, starting the response,
and a posted screen (a page on the web, a question by phone) worked out, then stored under
the write lock (a link itself is read by ``link_lookup``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ..aapor.dispositions import DispositionCode
from ..cases.queue import close_answered_case
from ..database import holds_write_lock
from ..models import (
    Invitation,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
    holds_an_answer,
    utcnow,
)
from ..questionnaire import Interview, Mode, Questionnaire
from ..questionnaire.interview import END, previous_position, screen_ids, step_at, submit_step
from ..questionnaire.model import ScreenOut
from ..questionnaire.submission import submit
from ..security import hash_token
from ..surveys.versions import questionnaire_of
from .answers import load_answers, lock_response, save_answers
from .quotas import close_full_cells

PERSONAL_FIELDS = ("title", "name")


@dataclass
class PageResult:
    """What a posted page led to: errors to show beside fields, or where to go next."""

    errors: dict = field(default_factory=dict)
    submitted: dict | None = None
    stale: bool = False
    changed: dict = field(default_factory=dict)  # answer id -> (stored before, now)


def link_problem(survey: Survey, invitation: Invitation | None, now=None) -> str | None:
    """Why a link cannot be answered now: 'closed', 'paused', 'not_open' or 'expired'."""
    now = now or utcnow()
    if survey.status == SurveyStatus.CLOSED or (survey.closes_on and now.date() > survey.closes_on):
        return SurveyStatus.CLOSED
    if survey.status == SurveyStatus.PAUSED:
        return SurveyStatus.PAUSED
    if survey.status != SurveyStatus.OPEN:
        return "not_open"
    if invitation is not None and invitation.expires_at and now > invitation.expires_at:
        return "expired"
    return None


def segment_attributes(invitation: Invitation | None) -> dict:
    """Segment attributes (branch, tier, channel, staff id…) from the invitation record only."""
    if invitation is None:
        return {}
    contact_attributes = invitation.contact.attributes if invitation.contact else {}
    return {**(contact_attributes or {}), **(invitation.attributes or {})}


def person_scope(contact, invitation_attributes: dict | None = None) -> dict:
    """What pipes may show: segment attributes plus the contact's own title and name."""
    scope = {**((contact.attributes if contact else None) or {}), **(invitation_attributes or {})}
    if contact:
        scope.update({name: getattr(contact, name) or "" for name in PERSONAL_FIELDS})
    return scope


def contact_scope(invitation: Invitation | None) -> dict:
    """The piping scope of a link's customer (web, and a phone case's shared invitation)."""
    return person_scope(invitation.contact, invitation.attributes) if invitation else {}


def response_for_invitation(session: Session, invitation: Invitation) -> Response | None:
    return session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def start_response(
    session: Session,
    survey: Survey,
    language: str,
    invitation: Invitation | None = None,
    resume_key: str | None = None,
    client: str | None = None,
    mode: str = Mode.WEB,
    attributes: dict | None = None,
) -> Response:
    """Create the response; a second start for the same invitation finds the first (no double).
    ``attributes`` are an open link's signed place; the survey's stratum attribute (a
    lobby's branch) gives such a response its stratum."""
    contact = invitation.contact if invitation else None
    attributes = {**segment_attributes(invitation), **(attributes or {})}
    stratum_attribute = (survey.settings or {}).get("stratum_attribute")
    stratum = (contact.stratum if contact else None) or attributes.get(stratum_attribute)
    response = Response(
        survey_id=survey.id,
        questionnaire_version_id=survey.questionnaire_version_id,
        invitation_id=invitation.id if invitation else None,
        resume_key_hash=hash_token(resume_key) if resume_key else None,
        client_key=client,
        mode=mode,
        status=ResponseStatus.PARTIAL,
        language=language,
        attributes=attributes,
        stratum=stratum,
        random_seed=secrets.randbelow(2**31),
    )
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:
        existing = response_for_invitation(session, invitation) if invitation else None
        if existing is None:
            raise
        return existing
    if invitation is not None and invitation.opened_at is None:
        session.execute(  # the invitation may be a row read for the request
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.opened_at.is_(None))
            .values(opened_at=utcnow())
        )
    return response


# An open-link start that has no answer after this long was someone looking, not answering.
EMPTY_START_HOURS = 24


def purge_empty_starts(session: Session, survey: Survey, hours: int = EMPTY_START_HOURS) -> int:
    """Delete the survey's open-link starts that never stored an answer; return how many."""
    result = session.execute(
        delete(Response)
        .where(
            Response.survey_id == survey.id,
            Response.status == ResponseStatus.PARTIAL,
            Response.invitation_id.is_(None),
            Response.started_at < utcnow() - timedelta(hours=hours),
            ~holds_an_answer(),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def recent_open_starts(session: Session, survey: Survey, client: str, hours: int = 1) -> int:
    since = utcnow() - timedelta(hours=hours)
    return session.scalar(
        select(func.count())
        .select_from(Response)
        .where(
            Response.survey_id == survey.id,
            Response.client_key == client,
            Response.started_at >= since,
        )
    )


def interview_of(
    session: Session, response: Response, contact: dict, mode: str, interviewer=None
) -> Interview:
    """The engine's view of a stored response: its questionnaire version, answers, screen,
    language and seed, with the customer's piping scope and, by phone, the interviewer's."""
    questionnaire = questionnaire_of(response.questionnaire_version, session)
    answers, others = load_answers(session, response, questionnaire)
    return Interview(
        questionnaire, answers, others, response.position, contact, response.language, mode,
        interviewer, response.random_seed,
    )  # fmt: skip


def _reachable_screens(interview: Interview) -> list[str]:
    """Screens reached so far: those up to the current one (all of them once at the end)."""
    ids = screen_ids(interview)
    current = step_at(interview).position
    return ids if current == END else ids[: ids.index(current) + 1]


@dataclass
class PagePlan:
    """A posted screen worked out from the response as it was read (its ``revision``):
    what to store and where to go, or the messages to show (nothing to store)."""

    revision: tuple
    result: PageResult
    questionnaire: Questionnaire | None = None  # set when there is something to store
    replaced: set = field(default_factory=set)
    answers: dict = field(default_factory=dict)
    other_texts: dict = field(default_factory=dict)
    position: str | None = None
    screen_out: ScreenOut | None = None

    @property
    def writes(self) -> bool:
        return self.questionnaire is not None


def revision(response: Response) -> tuple:
    """What a plan was worked out from: every save of answers moves ``updated_at``."""
    return response.updated_at, response.position, response.status, response.language


def response_to_write(session: Session, response, plan: PagePlan) -> tuple[Response, bool]:
    """The response as the object this request writes, read again under the write lock (and
    row-locked on PostgreSQL until the transaction ends), and whether it changed since
    ``plan`` was worked out from it: a double click, a second tab or the phone."""
    completing = WITH_QUESTIONNAIRE if plan.position == END else ()
    current = lock_response(session, response.id, *completing)
    return current, revision(current) != plan.revision


# A response's survey and questionnaire versions (its own, the survey's), loaded with it:
# what showing a screen by phone reads, and what completing a response does (the report
# row, the comments' reading, the follow-up and alert rules).
WITH_QUESTIONNAIRE = (
    joinedload(Response.survey).joinedload(Survey.questionnaire_version),
    joinedload(Response.questionnaire_version),
)


def plan_page(
    session: Session,
    response: Response,
    form: dict,
    action: str,
    contact: dict,
    mode: str = Mode.WEB,
    interviewer: dict | None = None,
) -> PagePlan:
    """Work out a posted screen from the response as read, writing nothing: a plan that
    ``write_page`` stores if the response is still as it was (a request can do the work of a
    page before it waits for the write lock, and hold the lock only to store)."""
    before = revision(response)
    interview = interview_of(session, response, contact, mode, interviewer)
    questionnaire, answers = interview.questionnaire, interview.answers
    posted = (form.get("page") or [""])[0]
    if posted not in _reachable_screens(interview):
        return PagePlan(before, PageResult(stale=True))  # not reached, hidden, or a stale tab
    step = step_at(interview.at(posted))
    if action in ("back", "language"):
        kept = submit(interview, list(step.questions), form, lenient=True)
        position = posted
        if action == "back":
            back = interview.with_answers({**answers, **kept.answers}).at(posted)
            position = previous_position(back) or posted
        return PagePlan(
            before, PageResult(), questionnaire, set(kept.answers), kept.answers,
            kept.other_texts, position,
        )  # fmt: skip
    outcome = submit_step(interview, step, form)
    if not outcome.submission.ok:
        return PagePlan(before, PageResult(errors=outcome.submission.errors, submitted=form))
    replaced = {aid for q in step.questions for aid in q.answer_ids} | outcome.dropped
    changed = {
        aid: (answers[aid], outcome.answers.get(aid))
        for aid in replaced
        if aid in answers and answers[aid] != outcome.answers.get(aid)
    }
    return PagePlan(
        before, PageResult(changed=changed), questionnaire, replaced, outcome.answers,
        outcome.other_texts, outcome.position, outcome.screen_out,
    )  # fmt: skip


def write_page(session: Session, response: Response, plan: PagePlan, survey: Survey) -> PageResult:
    """Store a plan on the locked response of ``survey``: its answers, where it goes, and
    its end (a complete may fill a quota's cell)."""
    if plan.writes:
        save_answers(
            session, response, plan.questionnaire, plan.replaced, plan.answers, plan.other_texts
        )
        response.position = plan.position
    if plan.position == END:
        _finish(response, plan.screen_out)
        session.flush()
        if response.invitation_id is not None:
            close_answered_case(session, response.invitation_id, response.disposition)
        close_full_cells(session, survey)
    return plan.result


def _finish(response: Response, screen_out: ScreenOut | None) -> None:
    now = utcnow()
    response.completed_at = now
    response.duration_seconds = int((now - response.started_at).total_seconds())
    if screen_out:
        response.status, response.disposition = ResponseStatus.SCREENED_OUT, screen_out.disposition
    else:
        response.status, response.disposition = ResponseStatus.COMPLETE, DispositionCode.COMPLETE


def locked(session: Session, response: Response) -> Response:
    """The response as it is now, locked against other writers until this transaction ends.

    A writing request on SQLite took the database's write lock before its first read, so
    what it read is already current and no other writer can change it: no second read. On
    PostgreSQL the row is read again under a row lock (a double click's second request waits
    for the first and then sees what the first stored).
    """
    return response if holds_write_lock(session) else lock_response(session, response.id)
