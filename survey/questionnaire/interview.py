"""One interview's progress, the same for web (a page a screen) and CATI (a question a screen).

Pure logic over plain values, so the web mode, the CATI console and the admin preview
keep their state where they like (database rows, a session) and share every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import Question, ScreenOut
from .modes import Mode
from .routing import (
    Interview,
    hidden_answers,
    next_page,
    next_question,
    previous_page,
    question_sequence,
    visible_questions,
)
from .submission import Submission, submit

END = "end"


@dataclass(frozen=True)
class Step:
    """What the respondent or interviewer sees now."""

    position: str  # a page id (web), a question id (cati), or END
    questions: tuple[Question, ...]
    number: int  # 1-based screen number among those that apply now
    total: int

    @property
    def finished(self) -> bool:
        return self.position == END

    @property
    def progress(self) -> int:
        """Percent of the screens behind the respondent."""
        return 100 if self.finished else round(100 * (self.number - 1) / max(self.total, 1))


@dataclass(frozen=True)
class Outcome:
    """The result of submitting a screen: new answers and position, or messages."""

    submission: Submission
    answers: dict
    other_texts: dict
    position: str
    dropped: frozenset  # answers removed because a corrected answer hid their question
    screen_out: ScreenOut | None = None


def _screens(interview: Interview):
    questionnaire, scope = interview.questionnaire, interview.scope
    if interview.mode == Mode.CATI:
        return [(q.id, (q,)) for q in question_sequence(questionnaire, scope)]
    return [
        (p.id, tuple(visible_questions(p, scope)))
        for p in questionnaire.pages
        if visible_questions(p, scope)
    ]


def screen_ids(interview: Interview) -> list[str]:
    """The ids of the screens that apply to the answers so far, in order."""
    return [screen_id for screen_id, _ in _screens(interview)]


def _following(interview: Interview, position: str):
    questionnaire, scope = interview.questionnaire, interview.scope
    if interview.mode == Mode.CATI:
        return next_question(questionnaire, scope, position)
    return next_page(questionnaire, scope, position)


def step_at(interview: Interview) -> Step:
    """The screen at the interview's position (the first when None); a position that no
    longer applies moves forward to the next one that does."""
    position = interview.position
    screens = _screens(interview)
    if position == END or not screens:
        return Step(END, (), len(screens) + 1, len(screens))
    ids = [screen_id for screen_id, _ in screens]
    if position is None:
        index = 0
    elif position in ids:
        index = ids.index(position)
    else:
        following = _following(interview, position)
        if following is None:
            return Step(END, (), len(screens) + 1, len(screens))
        index = ids.index(following.id)
    screen_id, questions = screens[index]
    ahead = _screens_ahead(interview, screen_id)
    return Step(screen_id, questions, index + 1, index + 1 + ahead)


def _may_hold(condition, scope, undecided: set) -> bool:
    """A condition that holds now, or that reads a question not answered yet (so it may)."""
    return condition is None or bool(condition.questions & undecided) or condition.holds(scope)


def _screens_ahead(interview: Interview, position: str) -> int:
    """The most screens routing can still show after ``position``.

    Counting only the screens that apply to the answers so far would promise an end that
    isn't one (a follow-up page appears once its trigger is answered); counting every screen
    would never end. A screen counts when its conditions hold now or read a question not
    answered yet, so the total only ever shrinks as the interview goes on.
    """
    scope = interview.scope
    order = [(page, q) for page in interview.questionnaire.pages for q in page.questions]
    ids = [page.id if interview.mode != Mode.CATI else q.id for page, q in order]
    start = ids.index(position)
    answered = set(scope.answers) | set(scope.special)
    undecided = {
        answer_id
        for _, q in order[start:]
        for answer_id in (q.id, *q.answer_ids)
        if answer_id not in answered
    }
    screens = set()
    for (page, question), screen_id in zip(order[start:], ids[start:], strict=True):
        if screen_id == position or screen_id in screens:
            continue
        if _may_hold(page.show_if, scope, undecided) and _may_hold(
            question.show_if, scope, undecided
        ):
            screens.add(screen_id)
    return len(screens)


def previous_position(interview: Interview) -> str | None:
    """Where "back" goes from the interview's position: the previous screen that applies,
    or None at the first."""
    questionnaire, scope, position = interview.questionnaire, interview.scope, interview.position
    if interview.mode == Mode.CATI:
        ids = [q.id for q in question_sequence(questionnaire, scope)]
        if position == END:
            return ids[-1] if ids else None
        index = ids.index(position) if position in ids else 0
        return ids[index - 1] if index > 0 else None
    if position == END:
        pages = [p for p in questionnaire.pages if visible_questions(p, scope)]
        return pages[-1].id if pages else None
    page = previous_page(questionnaire, scope, position)
    return page.id if page else None


def submit_step(interview: Interview, step: Step, form: Mapping[str, list[str]]) -> Outcome:
    """Check the screen's answers; on success merge them, drop newly hidden ones, and move on."""
    answers, other_texts = interview.answers, interview.other_texts
    result = submit(interview, list(step.questions), form)
    if not result.ok:
        return Outcome(result, dict(answers), dict(other_texts), step.position, frozenset())
    merged, texts = dict(answers), dict(other_texts)
    for question in step.questions:
        for answer_id in question.answer_ids:  # a cleared optional answer is removed
            merged.pop(answer_id, None)
            texts.pop(answer_id, None)
    merged.update(result.answers)
    texts.update(result.other_texts)
    dropped = hidden_answers(interview.questionnaire, merged, interview.contact)
    for answer_id in dropped:
        merged.pop(answer_id, None)
        texts.pop(answer_id, None)
    if result.screen_out:
        return Outcome(result, merged, texts, END, frozenset(dropped), result.screen_out)
    nxt = _following(interview.with_answers(merged, texts), step.position)
    return Outcome(result, merged, texts, nxt.id if nxt else END, frozenset(dropped))
