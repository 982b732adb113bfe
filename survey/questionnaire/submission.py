"""Turn a posted page (web) or screen (CATI) into checked answers, or messages beside fields.

Form fields are named by question (or matrix item) id and carry choice codes
(DESIGN.md); a multiple choice posts its field once per ticked code. The text of an
"other, please specify" choice comes in ``ID:other``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .messages import message
from .model import Question, ScreenOut
from .routing import Interview, parse_answer, screened_out
from .types import kind_of

OTHER_SUFFIX = ":other"


@dataclass
class Submission:
    answers: dict = field(default_factory=dict)  # answer id -> value (a code, codes, number, text)
    other_texts: dict = field(default_factory=dict)  # answer id -> "other, please specify" text
    errors: dict = field(default_factory=dict)  # answer id or question id -> message
    screen_out: ScreenOut | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def submit(
    interview: Interview,
    questions: list[Question],
    form: Mapping[str, list[str]],
    lenient: bool = False,
) -> Submission:
    """Check the answers to ``questions`` (those showing) against types, requirements and rules.

    Fields for any other question are ignored: a hidden or unreached question is never stored.
    ``lenient`` keeps whatever is valid and ignores the rest (going back, switching language),
    so nothing typed is lost and nothing invalid is kept.
    """
    questionnaire, language, mode = interview.questionnaire, interview.language, interview.mode
    result = Submission()
    for question in questions:
        for answer_id in question.answer_ids:
            values = [v for v in form.get(answer_id, []) if isinstance(v, str)]
            other = next(iter(form.get(answer_id + OTHER_SUFFIX, [])), None)
            parsed = parse_answer(questionnaire, question, answer_id, values, other, language, mode)
            if lenient and (parsed.error or parsed.empty):
                continue
            if parsed.error:
                result.errors[answer_id] = parsed.error
            elif parsed.special:
                result.answers[answer_id] = questionnaire.special_codes[parsed.special]
            elif not parsed.empty:
                result.answers[answer_id] = parsed.value
                if parsed.other_text:
                    result.other_texts[answer_id] = parsed.other_text
            elif question.required and kind_of(question).answers:
                result.errors[answer_id] = message("required", language)
    if result.errors or lenient:
        return result
    scope = interview.with_answers({**interview.answers, **result.answers}).scope
    for question in questions:
        answered = any(aid in result.answers for aid in question.answer_ids)
        for rule in question.rules:
            if answered and not rule.check.holds(scope):
                result.errors[question.answer_ids[0]] = rule.message.get_in(language)
                break
    if not result.errors:
        result.screen_out = next((s for q in questions if (s := screened_out(q, scope))), None)
    return result
