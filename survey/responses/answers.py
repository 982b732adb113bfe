"""Storing a response's answers: one row per value, rewritten screen by screen in a transaction.

Rows are keyed (response, answer id, item), so a double click, a refresh or two tabs can
never store an answer twice; a screen's rows are replaced whole, and answers whose
question no longer applies are deleted in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import current_app, has_app_context
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from ..comments.masking import mask
from ..models import Answer, RawComment, Response, utcnow
from ..questionnaire import Questionnaire
from ..questionnaire.types import kind_of


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def answer_rows(
    questionnaire: Questionnaire, answer_id: str, value, other_text: str | None
) -> list[dict]:
    """The rows that store one answer (a multiple choice: one 0/1 row per option); typed
    text is stored with personal data masked (``comments.masking``), whatever the path."""
    rows = _rows(questionnaire, answer_id, value, other_text)
    for row in rows:
        if row["value_text"]:
            row["value_text"] = mask(row["value_text"]).text
    return rows


def _rows(
    questionnaire: Questionnaire, answer_id: str, value, other_text: str | None
) -> list[dict]:
    question = questionnaire.question_of_answer(answer_id)
    special = isinstance(value, str) and questionnaire.special_kind(value)
    if special:
        return [{"item": "", "code": value, "value_num": None, "value_text": None}]
    if kind_of(question).many:
        ticked = set(value)
        return [
            {
                "item": c.code,
                "code": c.code,
                "value_num": 1.0 if c.code in ticked else 0.0,
                "value_text": other_text if c.other and c.code in ticked else None,
            }
            for c in question.choices
        ]
    if question.choices:
        return [
            {"item": "", "code": str(value), "value_num": _number(value), "value_text": other_text}
        ]
    if kind_of(question).number:
        return [{"item": "", "code": str(value), "value_num": float(value), "value_text": None}]
    return [{"item": "", "code": None, "value_num": None, "value_text": str(value)}]


# A response's stored answers as plain rows (read on every page, never changed there), and
# replacing a page's answers (and any text kept as typed): the statements built once.
_ANSWERS = Answer.__table__.c  # the table's columns: plain rows, no ORM loading to set up
_STORED = select(
    _ANSWERS.question_id, _ANSWERS.item, _ANSWERS.code, _ANSWERS.value_num, _ANSWERS.value_text
).where(_ANSWERS.response_id == bindparam("response_id"))
_REPLACE = [
    delete(table)
    .where(
        table.response_id == bindparam("response_id"),
        table.question_id.in_(bindparam("replaced", expanding=True)),
    )
    .execution_options(synchronize_session=False)  # no answer is held as an object
    for table in (Answer, RawComment)
]
_INSERT = insert(Answer.__table__)


def load_answers(
    session: Session, response: Response, questionnaire: Questionnaire
) -> tuple[dict, dict]:
    """The stored answers as the engine uses them: {answer id: value} and other texts."""
    answers, others = {}, {}
    rows = session.execute(_STORED, {"response_id": response.id}).all()
    for row in rows:
        question = questionnaire.question_of_answer(row.question_id)
        if question is None:
            continue
        if kind_of(question).many and row.item:
            ticked = answers.setdefault(row.question_id, [])
            if row.value_num == 1.0:
                ticked.append(row.code)
                if row.value_text:
                    others[row.question_id] = row.value_text
        elif row.code is not None and questionnaire.special_kind(row.code):
            answers[row.question_id] = row.code
        elif kind_of(question).number:
            number = row.value_num
            answers[row.question_id] = (
                int(number) if question.options.get("decimals", 0) == 0 else number
            )
        elif question.choices:
            answers[row.question_id] = row.code
            if row.value_text:
                others[row.question_id] = row.value_text
        else:
            answers[row.question_id] = row.value_text
    for answer_id, value in list(answers.items()):
        if isinstance(value, list):  # keep the questionnaire's order of codes
            order = [c.code for c in questionnaire.question_of_answer(answer_id).choices]
            answers[answer_id] = sorted(value, key=order.index)
    return answers, others


def save_answers(
    session: Session,
    response: Response,
    questionnaire: Questionnaire,
    replaced: Iterable[str],
    answers: Mapping,
    other_texts: Mapping,
) -> None:
    """Replace the rows of ``replaced`` answer ids with the given answers (in the caller's
    transaction). Typed text is stored masked; the text as typed is kept apart only where
    the bank allows it (SURVEY_KEEP_RAW_COMMENTS)."""
    replaced = set(replaced)
    if replaced:
        for statement in _REPLACE:
            session.execute(statement, {"response_id": response.id, "replaced": sorted(replaced)})
    keep_raw = has_app_context() and current_app.config.get("KEEP_RAW_COMMENTS", False)
    now = utcnow()
    rows = []
    for answer_id in sorted(replaced):
        if answer_id not in answers:
            continue
        for row in answer_rows(
            questionnaire, answer_id, answers[answer_id], other_texts.get(answer_id)
        ):
            typed = other_texts.get(answer_id) or str(answers[answer_id])
            if keep_raw and row["value_text"] and not row["item"] and typed != row["value_text"]:
                session.add(RawComment(response_id=response.id, question_id=answer_id, text=typed))
            rows.append(
                {"response_id": response.id, "survey_id": response.survey_id,
                 "question_id": answer_id, "updated_at": now, **row}
            )  # fmt: skip
    if rows:  # one INSERT of plain rows: nothing reads these back as objects in this request
        session.execute(_INSERT, rows)
    response.updated_at = now


def lock_response(session: Session, response_id: int, *options) -> Response | None:
    """The response read again as it is now, row-locked for this transaction on PostgreSQL
    (on SQLite the caller holds the database's write lock); ``options`` load more with it."""
    return session.scalar(
        select(Response)
        .options(*options)
        .where(Response.id == response_id)
        .with_for_update(of=Response)
        .execution_options(populate_existing=True)  # what the lock's holder before us stored
    )
