"""Opening follow-up cases when a response completes, by its questionnaire's rules.

Like the reports' rows, cases are opened in the transaction that completes the response
(``follow_complaints`` listens on every session), so the web link, the CATI console and
any other path that completes a response open them without knowing about follow-ups. A
response opens at most one case per rule (a unique key), so completing or editing it
again never opens a second one.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import (
    FollowupCase,
    FollowupEvent,
    FollowupStatus,
    Response,
    ResponseStatus,
    follow_completions,
    utcnow,
)
from ..questionnaire.routing import scope_for
from ..responses.answers import load_answers
from ..surveys.versions import questionnaire_of
from .calendar import CalendarError, WorkingCalendar, parse_closures, region_of

log = logging.getLogger(__name__)
ORDINARY_DAYS = 3
COMPLEX_DAYS = 7  # a survey may set 7 to 10 (settings: complex_working_days)
FALLBACK_TEAM = "team:service-quality"  # where a case goes when the response has no branch


def calendar_for(region: str, weekdays_beyond_data: bool = False) -> WorkingCalendar:
    """The region's working calendar with the bank's own closures (SURVEY_CLOSURES)."""
    text = current_app.config.get("SURVEY_CLOSURES", "") if has_app_context() else ""
    return WorkingCalendar(
        region, parse_closures(text)[region], weekdays_beyond_data=weekdays_beyond_data
    )


def deadline(region: str, received, days: int) -> tuple:
    """(due, None), or, past the calendar's data, (due counted Monday to Friday, the
    reason): a case is never lost for want of a calendar, and its owners are told."""
    try:
        return calendar_for(region).due(received, days), None
    except CalendarError as error:
        return calendar_for(region, weekdays_beyond_data=True).due(received, days), str(error)


def working_days(complexity: str, settings: dict | None) -> int:
    if complexity != "complex":
        return ORDINARY_DAYS
    return int((settings or {}).get("complex_working_days", COMPLEX_DAYS))


def _reason(rule, questionnaire, answers) -> str:
    """What fired, as the owner reads it: the rule's condition and the answers it read."""
    if rule.condition is not None:
        read = ", ".join(f"{qid}={answers.get(qid)}" for qid in sorted(rule.condition.questions))
        return f"{rule.condition.text} ({read})"[:300]
    return f"{rule.comment}: {answers.get(rule.comment, '')}"[:300]


# Built once: they run in every completing request.
_OPENED = select(FollowupCase.rule).where(FollowupCase.response_id == bindparam("response"))
_RETURNING = select(FollowupCase).where(
    FollowupCase.return_invitation_id == bindparam("invitation")
)
RETURN_QUESTIONNAIRE = "complaint-follow-up"  # the questionnaire return calls are made with
RETURN_QUESTIONS = ("q_outcome", "q_stay", "q_resolved")  # what it asks of the outcome


def open_cases(session: Session, response: Response) -> list[FollowupCase]:
    """The cases this complete response opens now (none twice for the same rule)."""
    questionnaire = questionnaire_of(response.questionnaire_version)
    if not questionnaire.followups or response.status != ResponseStatus.COMPLETE:
        return []
    answers, _ = load_answers(session, response, questionnaire)
    scope = scope_for(questionnaire, answers, response.attributes or {}, response.language)
    fired = [(rule, rule.fires(questionnaire, scope, answers)) for rule in questionnaire.followups]
    fired = [(rule, category) for rule, category in fired if category is not None]
    if not fired:
        return []
    already = set(session.scalars(_OPENED, {"response": response.id}))
    settings = response.survey.settings or {}
    branch = (response.attributes or {}).get("branch")
    region = region_of(branch, settings.get("branch_regions"))
    received = response.completed_at or utcnow()
    opened = []
    for rule, category in fired:
        if rule.id in already:
            continue
        owner = (
            rule.owner
            if rule.owner != "branch"
            else (f"branch:{branch}" if branch else FALLBACK_TEAM)
        )
        due, unknown = deadline(region, received, working_days(rule.complexity, settings))
        case = FollowupCase(
            survey_id=response.survey_id, response_id=response.id, rule=rule.id,
            reason=_reason(rule, questionnaire, answers), category=category,
            priority=rule.priority, complexity=rule.complexity, owner=owner, branch=branch,
            region=region, created_at=received, due_at=due,
        )  # fmt: skip
        case.events.append(FollowupEvent(kind="opened", detail={"rule": rule.id}))
        if unknown:
            log.warning("follow-up deadline counted Monday to Friday: %s", unknown)
            case.events.append(FollowupEvent(kind="calendar", text=unknown))
        session.add(case)
        opened.append(case)
    return opened


def attach_return(session: Session, response: Response) -> FollowupCase | None:
    """A return call's answers, on the case that made it: the customer's satisfaction with
    the outcome, whether they will stay; a matter still unresolved reopens a closed case."""
    questionnaire = questionnaire_of(response.questionnaire_version)
    if response.invitation_id is None or questionnaire.id != RETURN_QUESTIONNAIRE:
        return None  # not a return call: no case made its invitation
    case = session.scalar(_RETURNING, {"invitation": response.invitation_id})
    if case is None:
        return None
    answers, _ = load_answers(session, response, questionnaire)
    outcome, stay, resolved = (answers.get(q) for q in RETURN_QUESTIONS)
    if isinstance(outcome, str) and outcome.isdigit():
        case.outcome_satisfaction = int(outcome)
    if stay in ("0", "1"):  # yes is coded 1, no 0
        case.would_stay = stay == "1"
    case.events.append(
        FollowupEvent(kind="return_answered", detail={"response": response.id, "outcome": outcome})
    )
    if resolved == "3" and case.status in (FollowupStatus.RESOLVED, FollowupStatus.CLOSED):
        case.status, case.closed_at = FollowupStatus.CONTACTED, None
        case.reopened += 1
        case.events.append(FollowupEvent(kind="status", text="not resolved, says the customer",
                                         detail={"now": FollowupStatus.CONTACTED}))  # fmt: skip
    return case


def follow_complaints() -> None:
    """Open each completed response's follow-up cases in the transaction that completes it,
    on every session (idempotent: called when the app is made)."""
    follow_completions("follow-up cases", _open)


def _open(session: Session, response: Response) -> None:
    open_cases(session, response)
    attach_return(session, response)
