"""Routing: which pages and questions apply given the answers so far and the contact.

The same functions drive the web (page by page) and CATI (question by question), so
no logic is written twice. Hidden questions are never required and never stored.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from .expressions import ExpressionError, Scope, compile_expression
from .messages import message, special_label
from .model import Choice, Item, Page, Question, Questionnaire
from .modes import Mode
from .types import REGISTRY, Parsed
from .validate import PIPE


@dataclass(frozen=True, eq=False)
class Interview:
    """One interview at one moment: the questionnaire, the answers so far, the screen
    reached, and who is being interviewed, in which language and mode, by whom, with which
    random order. Every engine function takes this one object, so the web link, the CATI
    console, the admin preview and the interviewers' practice all pipe the same scope."""

    questionnaire: Questionnaire
    answers: Mapping = field(default_factory=dict)
    other_texts: Mapping = field(default_factory=dict)
    position: str | None = None
    contact: Mapping | None = None
    language: str | None = None  # None: the questionnaire's default language
    mode: str = Mode.WEB
    interviewer: Mapping | None = None
    seed: int = 0  # the response's seed for randomised choice and item order

    def __post_init__(self):
        if not self.language:
            object.__setattr__(self, "language", self.questionnaire.default_language)

    @cached_property
    def scope(self) -> Scope:
        return scope_for(
            self.questionnaire, self.answers, self.contact, self.language, self.mode,
            self.interviewer,
        )  # fmt: skip

    def at(self, position: str | None) -> Interview:
        return replace(self, position=position)

    def with_answers(self, answers: Mapping, other_texts: Mapping | None = None) -> Interview:
        texts = self.other_texts if other_texts is None else other_texts
        return replace(self, answers=answers, other_texts=texts)


def scope_for(
    questionnaire: Questionnaire,
    answers: Mapping,
    contact: Mapping | None = None,
    language: str | None = None,
    mode: str = Mode.WEB,
    interviewer: Mapping | None = None,
) -> Scope:
    """Expression scope: special codes become refused/dont_know flags, not values."""
    values, special = {}, {}
    for answer_id, value in answers.items():
        kind = questionnaire.special_kind(value) if isinstance(value, str) else None
        if kind:
            special[answer_id] = kind
        else:
            values[answer_id] = value
    return Scope(
        values,
        special,
        dict(contact or {}),
        language or questionnaire.default_language,
        mode,
        dict(interviewer or {}),
    )


def page_visible(page: Page, scope: Scope) -> bool:
    return page.show_if is None or page.show_if.holds(scope)


def question_visible(question: Question, scope: Scope) -> bool:
    return question.show_if is None or question.show_if.holds(scope)


def visible_questions(page: Page, scope: Scope) -> list[Question]:
    if not page_visible(page, scope):
        return []
    return [q for q in page.questions if question_visible(q, scope)]


def next_page(questionnaire: Questionnaire, scope: Scope, after: str | None = None) -> Page | None:
    """The first page after ``after`` (from the start when None) that has something to show."""
    pages = questionnaire.pages
    start = 0 if after is None else next(i for i, p in enumerate(pages) if p.id == after) + 1
    for page in pages[start:]:
        if visible_questions(page, scope):
            return page
    return None


def previous_page(questionnaire: Questionnaire, scope: Scope, before: str) -> Page | None:
    pages = questionnaire.pages
    index = next(i for i, p in enumerate(pages) if p.id == before)
    for page in reversed(pages[:index]):
        if visible_questions(page, scope):
            return page
    return None


def question_sequence(questionnaire: Questionnaire, scope: Scope) -> list[Question]:
    """Every question that applies now, in order: the CATI script's screens."""
    return [q for page in questionnaire.pages for q in visible_questions(page, scope)]


def next_question(
    questionnaire: Questionnaire, scope: Scope, after: str | None = None
) -> Question | None:
    sequence = question_sequence(questionnaire, scope)
    if after is None:
        return sequence[0] if sequence else None
    ids = [q.id for q in sequence]
    if after in ids:
        index = ids.index(after) + 1
        return sequence[index] if index < len(sequence) else None
    # The question was hidden by a corrected answer: continue from where it stood.
    order = [q.id for q in questionnaire.questions()]
    position = order.index(after)
    return next((q for q in sequence if order.index(q.id) > position), None)


def hidden_answers(questionnaire: Questionnaire, answers: Mapping, contact=None) -> set[str]:
    """Answer ids that are stored but whose question no longer applies: they must be dropped.

    Applied repeatedly, because dropping one answer can hide a question after it.
    """
    current, dropped = dict(answers), set()
    while True:
        scope = scope_for(questionnaire, current, contact)
        visible = {aid for q in question_sequence(questionnaire, scope) for aid in q.answer_ids}
        stale = {
            aid for aid in current if aid not in visible and questionnaire.question_of_answer(aid)
        }
        if not stale:
            return dropped
        dropped |= stale
        for aid in stale:
            current.pop(aid)


def screened_out(question: Question, scope: Scope):
    """The screen-out that ends the interview after this question, if its condition holds."""
    rule = question.screen_out
    return rule if rule is not None and rule.condition.holds(scope) else None


def ordered_choices(question: Question, seed: int) -> tuple[Choice, ...]:
    return _ordered(question.choices, question, seed, lambda c: c.anchored or c.exclusive)


def ordered_items(question: Question, seed: int) -> tuple[Item, ...]:
    return _ordered(question.items, question, seed, lambda item: False)


def _ordered(entries, question: Question, seed: int, anchored):
    """Shuffle the unanchored entries, stable for one response (its seed) and question."""
    if not question.randomize:
        return entries
    movable = [e for e in entries if not anchored(e)]
    random.Random(f"{seed}:{question.id}").shuffle(movable)  # noqa: S311 (order, not secrecy)
    shuffled = iter(movable)
    return tuple(e if anchored(e) else next(shuffled) for e in entries)


def pipe(wording: str, questionnaire: Questionnaire, scope: Scope) -> str:
    """Fill {{ expression }} pipes: a choice code shows as its label in the scope's language."""

    def replace(match):
        try:
            expression = compile_expression(match.group(1).strip())
        except ExpressionError:
            return ""
        value = expression.evaluate(scope)
        if len(expression.questions) == 1 and expression.tree.kind == "name":
            question = questionnaire.question_of_answer(expression.tree.value)
            if question and question.choices and value is not None:
                values = value if isinstance(value, list) else [value]
                labels = [
                    question.choice(str(v)).label.get_in(scope.language)
                    for v in values
                    if question.choice(str(v))
                ]
                return "、".join(labels) if scope.language.startswith("zh") else ", ".join(labels)
        return "" if value is None else str(value)

    return PIPE.sub(replace, wording)


def parse_answer(
    questionnaire: Questionnaire,
    question: Question,
    answer_id: str,
    values: list[str],
    other: str | None,
    language: str,
    mode: str,
) -> Parsed:
    """Check one submitted answer: its type's rules, and the special codes where allowed."""
    special = [v for v in values if questionnaire.special_kind(v)]
    if special:
        if not (mode == Mode.CATI or question.prefer_not):
            return Parsed(error=message("special_not_allowed", language))
        given = [v for v in values if v.strip() and not questionnaire.special_kind(v)]
        if given or len(set(special)) > 1:
            # Say which two things clash: the box still shows what was typed or chosen.
            label = special_label(questionnaire.special_kind(special[-1]), language, mode)
            return Parsed(error=message("answer_and_special", language, label=label))
        return Parsed(special=questionnaire.special_kind(special[0]))
    return REGISTRY[question.type].parse(question, values, other, language)
