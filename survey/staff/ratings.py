"""Colleagues rate a teller once a month on the internal questionnaire.

Who rates whom: a branch's tellers rate each other (peers), its operations manager and its
lobby manager rate its tellers; nobody rates themselves or another branch. Each rater rates
each colleague at most once a month, and no rating names its rater: the row keeps a keyed
hash of rater, rated and month, enough to refuse a second rating and to show raters whom
they have rated, not who gave a rating.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Questionnaire as QuestionnaireRow
from ..models import RatingSource, StaffMember, StaffRating, StaffRole
from ..questionnaire import Interview, Mode
from ..questionnaire.submission import submit
from ..surveys.versions import questionnaire_of
from .league import month_days

QUESTIONNAIRE = "teller-internal-rating"
SOURCE_BY_ROLE = {
    StaffRole.TELLER: RatingSource.PEER,
    StaffRole.OPS_MANAGER: RatingSource.OPS,
    StaffRole.LOBBY_MANAGER: RatingSource.LOBBY,
}


class RatingError(ValueError):
    """A rating that may not be given (and why)."""


@dataclass(frozen=True)
class Colleague:
    member: StaffMember
    rated: bool


def source_of(rater: StaffMember, ratee: StaffMember) -> RatingSource | None:
    """What a rating from ``rater`` of ``ratee`` counts as, or None when it is not theirs
    to give."""
    if rater.id == ratee.id or ratee.role != StaffRole.TELLER:
        return None
    if not rater.branch or rater.branch != ratee.branch:
        return None
    return SOURCE_BY_ROLE.get(StaffRole(rater.role))


def rater_key(secret: str, rater: StaffMember, ratee: StaffMember, month: str) -> str:
    message = f"star-rating:{rater.id}:{ratee.id}:{month}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def colleagues(session: Session, rater: StaffMember, month: str, secret: str) -> list[Colleague]:
    """The colleagues ``rater`` may rate this month, each marked when already rated."""
    first, last = month_days(month)
    members = session.scalars(
        select(StaffMember)
        .where(StaffMember.branch == rater.branch, StaffMember.role == StaffRole.TELLER)
        .order_by(StaffMember.staff_number)
    ).all()
    mine = [m for m in members if m.active_in(first, last) and source_of(rater, m)]
    keys = {rater_key(secret, rater, m, month): m.id for m in mine}
    rated = set(
        session.scalars(select(StaffRating.rater_key).where(StaffRating.rater_key.in_(keys)))
    )
    return [Colleague(m, rater_key(secret, rater, m, month) in rated) for m in mine]


def rating_questionnaire(session: Session):
    """The newest stored version of the internal rating questionnaire and its build."""
    row = session.scalar(select(QuestionnaireRow).where(QuestionnaireRow.key == QUESTIONNAIRE))
    if row is None or not row.versions:
        raise RatingError(
            f"The internal rating questionnaire ({QUESTIONNAIRE}.yaml) is not loaded; "
            "an admin loads it with survey questionnaires load."
        )
    version = row.versions[-1]
    return version, questionnaire_of(version)


def interview_for(questionnaire, language: str | None, answers=None) -> Interview:
    return Interview(questionnaire, answers or {}, language=language, mode=Mode.WEB)


def record_rating(
    session: Session,
    rater: StaffMember,
    ratee: StaffMember,
    month: str,
    form,
    secret: str,
    language: str | None = None,
):
    """Check and store one rating from the posted form; returns (rating, errors). With any
    error (beside its question) nothing is stored."""
    source = source_of(rater, ratee)
    first, last = month_days(month)
    if source is None or not ratee.active_in(first, last) or not rater.active_in(first, last):
        raise RatingError("You may rate only the tellers of your own branch, not yourself.")
    version, questionnaire = rating_questionnaire(session)
    interview = interview_for(questionnaire, language)
    result = submit(interview, list(questionnaire.questions()), form)
    if not result.ok:
        return None, result.errors
    score = questionnaire.staff_score.score(result.answers)
    rating = StaffRating(
        month=month,
        ratee_id=ratee.id,
        source=source,
        rater_key=rater_key(secret, rater, ratee, month),
        questionnaire_version_id=version.id,
        answers=dict(result.answers),
        score=score,
    )
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        raise RatingError(f"You have already rated {ratee.name} this month.") from None
    return rating, {}


def member_of(session: Session, user_id: int) -> StaffMember | None:
    return session.scalar(select(StaffMember).where(StaffMember.user_id == user_id))
