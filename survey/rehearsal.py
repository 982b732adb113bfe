"""Walking a questionnaire without storing anything: the admin's preview and the
interviewers' practice mode. The state (answers, position, seed) lives in the signed
session cookie; every rule is the engine's, as in a real interview."""

from __future__ import annotations

import secrets

from .questionnaire import Questionnaire
from .questionnaire.interview import previous_position, step_at, submit_step
from .questionnaire.presentation import question_view


def fresh_state() -> dict:
    return {"answers": {}, "other": {}, "position": None, "seed": secrets.randbelow(2**31)}


def advance(
    questionnaire: Questionnaire, state: dict, form: dict, contact, language, mode
) -> tuple[dict, dict | None]:
    """Apply a posted screen to the state; returns (errors, what was posted) on a refusal."""
    step = step_at(questionnaire, state["answers"], state["position"], contact, language, mode)
    if form.get("action", [""])[0] == "back":
        state["position"] = previous_position(
            questionnaire, state["answers"], step.position, contact, language, mode
        )
        return {}, None
    if step.finished:
        return {}, None
    outcome = submit_step(
        questionnaire, state["answers"], state["other"], step, form, contact, language, mode
    )
    if not outcome.submission.ok:
        return outcome.submission.errors, form
    state.update(answers=outcome.answers, other=outcome.other_texts, position=outcome.position)
    state["screen_out"] = outcome.screen_out.disposition if outcome.screen_out else None
    return {}, None


def screen_views(
    questionnaire, step, answers, others, errors, seed, contact, language, mode, interviewer, posted
) -> list:
    """The views of the screen's questions, as every interview page renders them."""
    return [
        question_view(
            questionnaire,
            q,
            answers,
            others,
            errors,
            seed,
            contact,
            language,
            mode,
            interviewer,
            posted,
        )
        for q in step.questions
    ]


def screen_out_of(questionnaire: Questionnaire, disposition: str | None):
    """The screen-out rule that ended an interview with this disposition, if any."""
    if not disposition:
        return None
    return next(
        (
            q.screen_out
            for q in questionnaire.questions()
            if q.screen_out and q.screen_out.disposition == disposition
        ),
        None,
    )
