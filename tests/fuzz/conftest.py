"""Strategies for hostile form posts, and the check that what was stored is valid.

Every fuzz test keeps its state across examples (one response receives every post), so the
property is about sequences too: whatever arrives in whatever order, the stored answers are
ones the questionnaire accepts.
"""

from __future__ import annotations

import re
from html import unescape as html_unescape

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.models import Answer, Response
from survey.questionnaire.types import REGISTRY, clean_text
from survey.surveys.versions import questionnaire_of

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible in CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "-9",
    "-8",
    "0",
    "3",
    "５",
    "1e309",
    "NaN",
    "-inf",
    "0x1F",
    "99999999999999999999999",
    "2026-02-30",
    "\x00",
    "\u202e",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "a" * 1001,  # one over the comment's limit
    "💳" * 201,
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
)


def form_posts(field_names: list[str], codes: list[str], actions: list[str]):
    """A form: known and unknown field names, each with up to three values (the
    questionnaire's own codes among hostile text, so some posts are accepted), an action."""
    names = st.one_of(st.sampled_from(field_names), texts)
    values = st.one_of(st.sampled_from(codes), texts)
    anything = st.dictionaries(names, st.lists(values, min_size=1, max_size=3), max_size=10)
    mostly_codes = st.one_of(*[st.sampled_from(codes)] * 3, texts)  # 3 in 4 a real code
    plausible = st.fixed_dictionaries(
        {}, optional={name: st.lists(mostly_codes, min_size=1, max_size=2) for name in field_names}
    )
    return st.tuples(st.one_of(anything, plausible), st.one_of(st.sampled_from(actions), texts))


INPUT = re.compile(r"<(input|textarea|select)\b([^>]*)>")
ATTRIBUTE = re.compile(r'(name|value|type)="([^"]*)"')


def offered(html: str) -> dict[str, list[str]]:
    """The answer fields a page offers and the values of its radio buttons, boxes and
    options (an empty list: a field one types into)."""
    fields: dict[str, list[str]] = {}
    for _tag, attributes in INPUT.findall(html):
        found = dict(ATTRIBUTE.findall(attributes))
        name = found.get("name")
        if not name or name in ("csrf_token", "page", "action", "language"):
            continue
        values = fields.setdefault(name, [])
        if found.get("type") in ("radio", "checkbox") and "value" in found:
            values.append(html_unescape(found["value"]))
    return fields


# Answers drawn before the page is known (Hypothesis replays draws, so they must not depend
# on what the server shows): a number that picks one of a field's values, or hostile text.
PAGE_ANSWERS = st.lists(
    st.tuples(st.integers(0, 999), st.sampled_from([False] * 4 + [True]), texts),
    min_size=12,
    max_size=12,
)


def answers_to(html: str, picks) -> dict[str, list[str]]:
    """A real answer to every field of the page, about one in five replaced by hostile text."""
    body = {}
    for (name, values), (number, hostile, text) in zip(offered(html).items(), picks, strict=False):
        typed = values or ["7", "12", "30"]  # a number or a comment
        body[name] = [text if hostile else typed[number % len(typed)]]
    return body


def questionnaire_fields(questionnaire) -> tuple[list[str], list[str]]:
    """The field names a questionnaire's pages post, and every code its choices use."""
    names, codes = ["page", "language", "action", "csrf_token"], set()
    for question in questionnaire.questions():
        names += [question.id, f"{question.id}_other", *(item.id for item in question.items)]
        codes |= {choice.code for choice in question.choices}
    return names, sorted(codes)


def invalid_answers(db, response_id: int) -> list[str]:
    """Stored answers of a response that its questionnaire would not accept."""
    db.rollback()
    response = db.get(Response, response_id)
    questionnaire = questionnaire_of(response.questionnaire_version)
    wrong = []
    for row in db.scalars(select(Answer).where(Answer.response_id == response_id)):
        question = questionnaire.question_of_answer(row.question_id)
        if question is None:
            wrong.append(f"{row.question_id}: no such question")
        elif row.code is not None and questionnaire.special_kind(row.code):
            continue
        elif question.choices:
            if question.choice(row.code or "") is None:
                wrong.append(f"{row.question_id}: code {row.code!r}")
        elif question.type == "numeric":
            shown = f"{row.value_num:.10g}"
            if REGISTRY["numeric"].parse(question, [shown], None, "en").error:
                wrong.append(f"{row.question_id}: number {row.value_num!r}")
        elif question.type == "text":
            text = row.value_text or ""
            limit = question.options.get("max_length", 200)
            if not text or clean_text(text) != text or len(text) > limit:
                wrong.append(f"{row.question_id}: text {text[:40]!r}")
        elif (
            question.type == "date"
            and REGISTRY["date"].parse(question, [row.value_text or ""], None, "en").error
        ):
            wrong.append(f"{row.question_id}: date {row.value_text!r}")
    return wrong
