"""AAPOR outcome rates of a survey: each released case's final disposition, then the rates.

A released case is a contact with a web invitation or a telephone case (and a contact-less
invitation, one per link). Its disposition is the highest-ranked among its call attempts and
its response (complete 1.1, partial 1.2, screened out with the questionnaire's code) and the
code a case was closed with (an opt-out's 2.111, a full quota's 4.80);
nothing yet is 3.11 (aapor.final_disposition).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    CallAttempt,
    CatiCase,
    Contact,
    Invitation,
    Response,
    ResponseStatus,
    Survey,
    User,
    holds_an_answer,
)
from .dispositions import (
    CLASSES,
    DispositionCode,
    Rates,
    class_counts,
    final_disposition,
    outcome_rates,
)

RESPONSE_CODE = {
    ResponseStatus.COMPLETE: DispositionCode.COMPLETE,
    ResponseStatus.PARTIAL: DispositionCode.PARTIAL,
}


def final_dispositions(session: Session, survey: Survey) -> dict[str, str]:
    """Each case of the released sample (keyed "contact:ID") and its final disposition.

    Only customers released from a sample count (a released contact, or one with a phone
    case): a link made for no one in particular, or handed to a customer outside the sample,
    is no case of the sample, so AAPOR's rates say nothing about it.
    """
    outcomes: dict[str, list[str]] = defaultdict(list)
    in_sample = set(
        session.scalars(
            select(Contact.id).where(
                Contact.survey_id == survey.id, Contact.released_at.is_not(None)
            )
        )
    ) | set(session.scalars(select(CatiCase.contact_id).where(CatiCase.survey_id == survey.id)))
    for (contact_id,) in session.execute(
        select(Invitation.contact_id).where(Invitation.survey_id == survey.id)
    ):
        if contact_id in in_sample:
            outcomes[f"contact:{contact_id}"]
    closed = {}  # a case closed without a call: opted out (2.111), quota filled (4.80)
    for contact_id, code, case_code in session.execute(
        select(CatiCase.contact_id, CallAttempt.disposition, CatiCase.final_disposition)
        .join(CallAttempt, CallAttempt.case_id == CatiCase.id, isouter=True)
        .where(CatiCase.survey_id == survey.id)
        .order_by(CallAttempt.started_at)
    ):
        outcomes[f"contact:{contact_id}"].extend([code] if code else [])
        if case_code:
            closed[f"contact:{contact_id}"] = case_code
    for case, code in closed.items():
        outcomes[case].append(code)
    for contact_id, status, disposition in session.execute(
        select(Invitation.contact_id, Response.status, Response.disposition)
        .join(Invitation, Response.invitation_id == Invitation.id)
        # from the few invitations, not every response; a start with no answer is no partial
        .where(
            Invitation.survey_id == survey.id,
            (Response.status != ResponseStatus.PARTIAL) | holds_an_answer(),
        )
    ):
        code = disposition if status == ResponseStatus.SCREENED_OUT else RESPONSE_CODE.get(status)
        if code and contact_id in in_sample:
            outcomes[f"contact:{contact_id}"].append(code)
    return {case: final_disposition(codes) for case, codes in outcomes.items()}


def survey_rates(session: Session, survey: Survey, e: float | None = None) -> Rates:
    return outcome_rates(class_counts(final_dispositions(session, survey).values()), e)


GROUPINGS = ("stratum", "branch", "interviewer", "week")


def _groups(session: Session, survey: Survey, by: str) -> dict[str, str]:
    """The group of each case: the contact's stratum or branch, or the interviewer and ISO
    week of the case's latest call (cases never called are "—")."""
    if by in ("stratum", "branch"):
        return {
            f"contact:{contact_id}": (
                stratum if by == "stratum" else (attributes or {}).get("branch")
            )
            or "—"
            for contact_id, stratum, attributes in session.execute(
                select(Contact.id, Contact.stratum, Contact.attributes).where(
                    Contact.survey_id == survey.id
                )
            )
        }
    latest: dict[str, tuple] = {}
    for contact_id, started_at, username in session.execute(
        select(CatiCase.contact_id, CallAttempt.started_at, User.username)
        .join(CallAttempt, CallAttempt.case_id == CatiCase.id)
        .join(User, User.id == CallAttempt.interviewer_id, isouter=True)
        .where(CatiCase.survey_id == survey.id)
        .order_by(CallAttempt.started_at)
    ):
        year, week, _ = started_at.isocalendar()
        latest[f"contact:{contact_id}"] = (username or "—", f"{year}-W{week:02d}")
    return {case: values[0 if by == "interviewer" else 1] for case, values in latest.items()}


def rates_by(session: Session, survey: Survey, by: str, e: float | None = None) -> dict[str, Rates]:
    """Rates per group (stratum, branch, interviewer or week), each with the survey's e
    unless one is given: a group's own proportional e would rest on too few cases."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    finals = final_dispositions(session, survey)
    overall_e = outcome_rates(class_counts(finals.values()), e).e
    groups = _groups(session, survey, by)
    members: dict[str, list[str]] = defaultdict(list)
    for case, code in finals.items():
        members[groups.get(case, "—")].append(code)
    return {
        group: outcome_rates(class_counts(codes), overall_e)
        for group, codes in sorted(members.items())
    }


def report_rates(
    session: Session, survey: Survey, branch: str | None, allowed: Collection[str] | None
) -> Rates | None:
    """AAPOR rates of the whole survey, or of the chosen / allowed branches (their class
    counts added, with the survey's own e); None before any case was released. ``branch`` is
    the one a report chose, ``allowed`` the branches its reader may see (None: all)."""
    whole = survey_rates(session, survey)
    if not sum(whole.counts.values()):
        return None
    wanted = {branch} if branch else set(allowed) if allowed else None
    if wanted is None:
        return whole
    groups = rates_by(session, survey, "branch")
    counts = {k: sum(groups[b].counts[k] for b in wanted if b in groups) for k in CLASSES}
    return outcome_rates(counts, whole.e) if sum(counts.values()) else None
