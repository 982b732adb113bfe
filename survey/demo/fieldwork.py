"""Demo fieldwork: a sample frame, a stratified draw, invitations, hotline calls sampled after
the call, and a week of telephone interviewing with every class of outcome.

Everything goes through the product's own services (draw, release, invitations, post-call
draw, calling rules, the synthetic respondent), so the rates and the supervisor pages show
what real fieldwork would give. Seeded: the same demo every time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..aapor.dispositions import DISPOSITIONS, DispositionCode
from ..cases.queue import CallingRules, close_answered_case, next_callable, record_outcome
from ..models import (
    Appointment,
    CaseStatus,
    CatiCase,
    Contact,
    Invitation,
    Response,
    ResponseStatus,
    Role,
    Survey,
    SurveyStatus,
    User,
    utcnow,
)
from ..questionnaire import Mode
from ..responses.answers import save_answers
from ..responses.fielding import contact_scope, segment_attributes
from ..responses.invitations import invite
from ..sample import draws as sampling
from ..sample import messaging, post_call
from ..surveys.versions import questionnaire_of
from .places import BRANCHES, FAMILY, GIVEN, TIERS
from .staff import TELLERS_OF, call_file
from .synthetic import answer_all

# One call's outcome, as a call center meets them (shares of attempts).
OUTCOMES = {
    "3.13": 0.28,
    "1.1": 0.24,
    "3.12": 0.06,
    "2.21": 0.10,
    "3.14": 0.04,
    "2.222": 0.04,
    "2.11": 0.09,
    "2.111": 0.02,
    "2.12": 0.02,
    "1.2": 0.01,
    "4.31": 0.03,
    "4.50": 0.01,
    "4.20": 0.005,
    "2.33": 0.01,
    "2.32": 0.005,
    "2.31": 0.003,
    "3.16": 0.01,
    "3.21": 0.01,
    "3.90": 0.005,
    "4.10": 0.002,
}
NOTES = [
    "客户正在开会",
    "客户表示没有时间",
    "号码为公司总机",
    "客户要求以后不要再打",
    "客户只讲粤语",
]
DAYS = 6


def _frame(session: Session, survey: Survey, rng, size: int = 600) -> None:
    """A sample frame of the bank's customers across branches and tiers."""
    tiers, weights = list(TIERS), np.array(list(TIERS.values()))
    for n in range(size):
        branch = list(BRANCHES)[n % len(BRANCHES)]
        zone, language, _ = BRANCHES[branch]
        male = rng.random() < 0.5
        session.add(
            Contact(
                survey_id=survey.id,
                customer_ref=f"D{n:06d}",
                title=f"{FAMILY[n % len(FAMILY)]}{'先生' if male else '女士'}",
                name=f"{FAMILY[n % len(FAMILY)]}{rng.choice(GIVEN)}{rng.choice(GIVEN)}",
                phone=f"+86138{n:08d}" if zone == "Asia/Shanghai" else f"+8526{n:07d}",
                language=language if rng.random() < 0.9 else "en",
                time_zone=zone,
                stratum=branch,
                attributes={
                    "branch": branch,
                    "tier": str(rng.choice(tiers, p=weights / weights.sum())),
                    "channel": "counter",
                    "staff_id": TELLERS_OF[branch][n % len(TELLERS_OF[branch])],
                },
                sampled=False,
            )
        )
    session.flush()


def _store_response(session, survey, invitation, mode, rng, latent, started, stop_after=None):
    """A response answered by the synthetic respondent through the engine; a partial left
    by an earlier break-off is answered again and finished (the callback resumes it)."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    contact = invitation.contact
    language = contact.language if contact.language in survey.languages else survey.default_language
    scope = contact_scope(invitation)
    answers, others, position, screen_out = answer_all(
        questionnaire, rng, latent, language, mode, scope, stop_after, started.date()
    )
    finished = stop_after is None
    response = session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if response is None:
        response = Response(
            survey_id=survey.id,
            questionnaire_version_id=survey.questionnaire_version_id,
            invitation_id=invitation.id,
            language=language,
            attributes=segment_attributes(invitation),
            stratum=contact.stratum,
            started_at=started,
        )
        session.add(response)
    elif response.status != ResponseStatus.PARTIAL:
        return response
    response.mode, response.position, response.updated_at = mode, position, started
    response.status = (
        ResponseStatus.SCREENED_OUT
        if screen_out
        else ResponseStatus.COMPLETE
        if finished
        else ResponseStatus.PARTIAL
    )
    response.disposition = (
        screen_out.disposition if screen_out else DispositionCode.COMPLETE if finished else None
    )
    if finished:
        response.completed_at = started + timedelta(minutes=6)
        response.duration_seconds = int(rng.integers(240, 600))
    session.flush()
    every = {aid for question in questionnaire.questions() for aid in question.answer_ids}
    save_answers(session, response, questionnaire, every, answers, others)
    return response


def _latent(contact: Contact, rng) -> float:
    base = BRANCHES.get(contact.attributes.get("branch"), ("", "", 0.66))[2]
    return float(np.clip(rng.normal(base, 0.18), 0, 1))


def _call_history(session: Session, survey: Survey, rng, interviewers: list[int], now) -> None:
    """Work every released case with the calling rules, from DAYS ago until now."""
    rules = CallingRules.from_settings(survey.settings)
    codes, shares = list(OUTCOMES), np.array(list(OUTCOMES.values()))
    cases = session.scalars(
        select(CatiCase).where(CatiCase.survey_id == survey.id).order_by(CatiCase.id)
    ).all()
    for case in cases:
        contact = session.get(Contact, case.contact_id)
        invitation = session.get(Invitation, case.invitation_id) if case.invitation_id else None
        base = max(case.next_call_at or case.created_at, now - timedelta(days=DAYS))
        hours = (now - base).total_seconds() / 3600
        moment = base + timedelta(hours=float(rng.uniform(0, min(30, hours / 2))))
        caller = interviewers[0]
        if invitation and Mode.WEB in survey.modes and rng.random() < 0.18:
            latent = _latent(contact, rng)
            response = _store_response(session, survey, invitation, Mode.WEB, rng, latent, moment)
            close_answered_case(session, invitation.id, response.disposition)
            continue
        while case.status == CaseStatus.PENDING:
            moment = next_callable(rules, contact.time_zone, moment)
            if moment is None or moment > now - timedelta(minutes=30):
                break
            code = str(rng.choice(codes, p=shares / shares.sum()))
            caller = interviewers[int(rng.integers(len(interviewers)))]
            if (
                code
                in (DispositionCode.COMPLETE, DispositionCode.PARTIAL, DispositionCode.BREAK_OFF)
                and invitation is not None
            ):
                stop = None if code == DispositionCode.COMPLETE else 2
                latent = _latent(contact, rng)
                response = _store_response(
                    session, survey, invitation, Mode.CATI, rng, latent, moment, stop
                )
                if response.status == ResponseStatus.SCREENED_OUT:
                    code = response.disposition
            note = str(rng.choice(NOTES)) if DISPOSITIONS[code].note_required else None
            record_outcome(session, case, caller, code, rules, contact.time_zone, note, now=moment)
            moment = max(case.next_call_at or moment, moment) + timedelta(
                minutes=int(rng.integers(5, 90))
            )
        if case.status == CaseStatus.PENDING and rng.random() < 0.12:
            session.add(
                Appointment(
                    case_id=case.id,
                    due_at=now + timedelta(hours=float(rng.uniform(-2, 20))),
                    definite=bool(rng.random() < 0.6),
                    interviewer_id=caller if rng.random() < 0.3 else None,
                )
            )


def _hotline_calls(rng, now) -> bytes:
    """A call-center export of the two days of calls drawn from a day ago."""
    return call_file(rng, now - timedelta(hours=70), now - timedelta(hours=28), "H", 515)


def build(session: Session, config: dict, instance_path: str, now: datetime | None = None) -> None:
    """Add the demo's fieldwork to the open surveys, once (a second run leaves it as it is)."""
    now = now or utcnow()
    rng = np.random.default_rng(2026)
    interviewers = list(
        session.scalars(
            select(User.id).where(User.role == Role.INTERVIEWER).order_by(User.username)
        )
    )
    surveys = {
        s.slug.rsplit("-", 2)[0]: s
        for s in session.scalars(select(Survey).where(Survey.status == SurveyStatus.OPEN))
    }
    counter, hotline = surveys.get("branch-counter"), surveys.get("hotline-post-call")
    if counter is None or session.scalar(
        select(func.count()).where(Contact.survey_id == counter.id)
    ):
        return
    _frame(session, counter, rng)
    sampling.draw(session, counter, 240, "proportional", minimum=10, seed=2026, replicates=3)
    for replicate in (1, 2):
        sampling.release(session, counter, replicate)
    session.flush()
    messaging.queue_and_deliver(session, counter, config, instance_path)
    _backdate_cases(session, counter, now)
    _call_history(session, counter, rng, interviewers, now)
    if hotline is not None:
        post_call.import_calls(session, hotline, _hotline_calls(rng, now), "calls.csv")
        rules = post_call.PostCallRules.for_survey(hotline, rate=0.12, due_hours=72)
        post_call.draw_calls(session, hotline, rules, seed=2026, now=now - timedelta(hours=26))
        session.flush()
        for case in session.scalars(select(CatiCase).where(CatiCase.survey_id == hotline.id)):
            invitation, _token = invite(session, hotline, session.get(Contact, case.contact_id))
            session.flush()
            case.invitation_id = invitation.id
        _call_history(session, hotline, rng, interviewers, now)
    session.commit()


def _backdate_cases(session: Session, survey: Survey, now) -> None:
    """The released sample went into the field DAYS ago."""
    start = now - timedelta(days=DAYS)
    for case in session.scalars(select(CatiCase).where(CatiCase.survey_id == survey.id)):
        case.created_at, case.next_call_at = start, start
