"""Reading each comment once, when its response completes, and again when the bank saves a
new topic dictionary.

Like follow-up cases, readings are made in the transaction that completes the response
(``follow_comments`` listens on every session), so web, CATI and imports all get them; a
failure to read is logged and never costs the customer's answers.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ..models import (
    Answer,
    CommentReading,
    Response,
    ResponseStatus,
    TopicDictionaryVersion,
    follow_completions,
    utcnow,
)
from ..surveys.versions import questionnaire_of
from .analysis import Analyser
from .topics import TopicDictionary, parse, shipped


def current_dictionary(session: Session) -> tuple[TopicDictionary, int | None]:
    """The bank's newest saved dictionary (and its id), or the shipped one (None)."""
    newest = session.scalar(_NEWEST)
    if newest is None:
        return shipped(), None
    return _saved(session.get(TopicDictionaryVersion, newest).text), newest


_NEWEST = select(TopicDictionaryVersion.id).order_by(TopicDictionaryVersion.id.desc()).limit(1)


@lru_cache(maxsize=4)
def _saved(text: str) -> TopicDictionary:
    return parse(text)


@lru_cache(maxsize=4)
def _analyser(text: str) -> Analyser:
    return Analyser(_saved(text))


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
    texts = session.execute(_TEXTS, {"response": response.id, "ids": ids}).all()
    session.execute(_FORGET, {"response": response.id})
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


# Built once: they run in every completing request.
_TEXTS = select(Answer.question_id, Answer.value_text).where(
    Answer.response_id == bindparam("response"),
    Answer.question_id.in_(bindparam("ids", expanding=True)),
    Answer.item == "",
    Answer.value_text.is_not(None),
)
_FORGET = (
    delete(CommentReading)
    .where(CommentReading.response_id == bindparam("response"))
    .execution_options(synchronize_session=False)  # no reading is held as an object
)


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
    follow_completions("comment readings", read_response)


def save_dictionary(session: Session, text: str, user_id: int | None) -> TopicDictionaryVersion:
    """Check and store a new dictionary (TopicError, with every located problem, if it has
    any: the one in use stays); the caller submits the jobs that read comments again."""
    parse(text, "dictionary")
    version = TopicDictionaryVersion(text=text, created_by=user_id)
    session.add(version)
    session.flush()
    return version
