"""Segments and their names: what a report can be split and filtered by, and the question
texts, code labels and segment values a manager reads in their language."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ReportFilterValue, Response
from ..questionnaire.messages import SPECIAL_LABELS
from ..questionnaire.types import kind_of
from .scope import FILTERS, ReportScope

KNOWN_ATTRIBUTES = ("branch", "channel", "tier", "queue", "staff_id", "agent")


def question_text(questionnaire, answer_id: str, language: str) -> str:
    question = questionnaire.question_of_answer(answer_id)
    if question is None:
        return answer_id
    if question.items:
        item = next((i for i in question.items if i.id == answer_id), None)
        if item is not None:
            return item.text.get_in(language)
    return question.text.get_in(language)


def code_label(questionnaire, name: str, code, language: str) -> str:
    """A segment value as a manager reads it: a choice's label, an attribute's raw value."""
    if code is None or code == "":
        return "—"
    question = questionnaire.question(name)
    if question is not None:
        choice = question.choice(str(code))
        if choice is not None:
            return choice.label.get_in(language)
        kind = questionnaire.special_kind(str(code))
        if kind:
            return SPECIAL_LABELS[kind][language]
    return str(code)


def attribute_names(session: Session, survey_id: int, first: Sequence[str] = ()) -> list[str]:
    """The segment attributes responses carry (read from a few responses, not all): the
    survey's chosen report segments (``first``) lead, then the usual ones, then the rest."""
    names = set()
    for (values,) in session.execute(
        select(Response.attributes).where(Response.survey_id == survey_id).limit(200)
    ):
        names.update((values or {}).keys())
    order = [*first, *(n for n in KNOWN_ATTRIBUTES if n not in first)]
    return [n for n in order if n in names] + sorted(names - set(order))


def segment_choices(
    questionnaire, attributes: list[str], every_question: bool = False
) -> list[str]:
    """What a table can be broken down by: attributes, then segment questions."""
    questions = list(questionnaire.analysis.segments)
    if every_question:
        questions += [
            q.id
            for q in questionnaire.questions()
            if kind_of(q).segments and q.id not in questions and not q.items
        ]
    return attributes + questions


def filter_options(session: Session, survey_id: int, scope: ReportScope) -> dict:
    """Values to filter by (branch, channel, tier; the reader's branches only) and the
    months and quarters with completes, from ``report_filter_values``."""
    found = {name: set() for name in (*FILTERS, "month")}
    for name, value in session.execute(
        select(ReportFilterValue.name, ReportFilterValue.value).where(
            ReportFilterValue.survey_id == survey_id
        )
    ):
        found.setdefault(name, set()).add(value)
    if scope.branches is not None:
        found["branch"] &= set(scope.branches)
    options = {name: sorted(found[name]) for name in FILTERS}
    months = sorted(found["month"])
    quarters = sorted({f"{m[:4]}-Q{(int(m[5:7]) + 2) // 3}" for m in months})
    options["period"] = months + quarters
    return options
