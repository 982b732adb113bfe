"""Reading each comment once, when its response completes, and again when the bank saves a
new topic dictionary.

Like follow-up cases, readings are made in the transaction that completes the response
(``follow_comments`` listens on every session), so web, CATI and imports all get them; a
failure to read is logged and never costs the customer's answers.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from ..logs import failure
from ..models import (
    Answer,
    CommentReading,
    Response,
    ResponseStatus,
    TopicDictionaryVersion,
    completed_in_flush,
    utcnow,
)
from ..surveys.versions import questionnaire_of
from .analysis import Analyser
from .topics import TopicDictionary, parse, shipped

log = logging.getLogger(__name__)
_PENDING = "survey.comment_responses"


def current_dictionary(session: Session) -> tuple[TopicDictionary, int | None]:
    """The bank's newest saved dictionary (and its id), or the shipped one (None)."""
    newest = session.scalar(
        select(TopicDictionaryVersion.id).order_by(TopicDictionaryVersion.id.desc()).limit(1)
    )
    if newest is None:
        return shipped(), None
    return _saved(session.get(TopicDictionaryVersion, newest).text), newest


@lru_cache(maxsize=4)
def _saved(text: str) -> TopicDictionary:
    return parse(text)


@lru_cache(maxsize=4)
def _analyser(text: str) -> Analyser:
    return Analyser(parse(text))


def analyser(session: Session) -> tuple[Analyser, int | None]:
    dictionary, version = current_dictionary(session)
    return _analyser(dictionary.text), version


def read_response(
    session: Session, response: Response, reader: tuple[Analyser, int | None] | None = None
) -> list[CommentReading]:
    """Read the response's comments (its questionnaire's ``analysis.comments``), replacing
    any earlier reading."""
    questionnaire = questionnaire_of(response.questionnaire_version)
    ids = list(questionnaire.analysis.comments)
    if not ids or response.status != ResponseStatus.COMPLETE:
        return []
    reader = reader or analyser(session)
    texts = session.execute(
        select(Answer.question_id, Answer.value_text).where(
            Answer.response_id == response.id,
            Answer.question_id.in_(ids),
            Answer.item == "",
            Answer.value_text.is_not(None),
        )
    ).all()
    session.execute(delete(CommentReading).where(CommentReading.response_id == response.id))
    readings = []
    for question_id, text in texts:
        reading = reader[0].read(text)
        readings.append(
            CommentReading(
                response_id=response.id,
                survey_id=response.survey_id,
                question_id=question_id,
                status=reading.status,
                language=reading.language,
                topics=list(reading.topics),
                sentiment=reading.sentiment,
                dictionary_id=reader[1],
                analysed_at=utcnow(),
            )  # fmt: skip
        )
    session.add_all(readings)
    return readings


def read_unread(session: Session, survey_id: int) -> int:
    """Read the comments of completes loaded in bulk (no session event saw them complete)."""
    read = select(CommentReading.response_id).where(CommentReading.survey_id == survey_id)
    reader = analyser(session)
    done = 0
    for response in session.scalars(
        select(Response).where(
            Response.survey_id == survey_id,
            Response.status == ResponseStatus.COMPLETE,
            Response.id.in_(
                select(Answer.response_id).where(
                    Answer.survey_id == survey_id, Answer.value_text.is_not(None)
                )
            ),
            Response.id.not_in(read),
        )
    ):
        done += bool(read_response(session, response, reader))
    return done


def reread_survey(session: Session, survey_id: int, progress=None) -> int:
    """Read every complete response's comments again with the current dictionary."""
    reader = analyser(session)
    done = 0
    for response in session.scalars(
        select(Response)
        .where(Response.survey_id == survey_id, Response.status == ResponseStatus.COMPLETE)
        .order_by(Response.id)
    ):
        read_response(session, response, reader)
        done += 1
        if progress and done % 500 == 0:
            progress(done)
    return done


def follow_comments() -> None:
    """Read each completed response's comments in the transaction that completes it, on
    every session (idempotent: called when the app is made)."""
    if not event.contains(Session, "after_flush", _note_completed):
        event.listen(Session, "after_flush", _note_completed)
        event.listen(Session, "before_commit", _read_pending)
        event.listen(Session, "after_rollback", _forget)


def _note_completed(session: Session, _context) -> None:
    for response in completed_in_flush(session):
        session.info.setdefault(_PENDING, set()).add(response.id)


def _read_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()
    for response_id in sorted(pending):
        try:
            with session.begin_nested():  # a reading must never cost a customer's answers
                response = session.get(Response, response_id)
                if response is not None:
                    read_response(session, response)
        except Exception as error:  # logged for the operators; the answers are kept
            log.error("comments of response %s not read: %s", response_id, failure(error))


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def save_dictionary(session: Session, text: str, user_id: int | None) -> TopicDictionaryVersion:
    """Check and store a new dictionary (TopicError, with every located problem, if it has
    any: the one in use stays); the caller submits the jobs that read comments again."""
    parse(text, "dictionary")
    version = TopicDictionaryVersion(text=text, created_by=user_id)
    session.add(version)
    session.flush()
    return version
