"""Walking a questionnaire without storing anything: the admin's preview and the
interviewers' practice mode. The state (answers, position, seed) lives in a mapping the
caller gives (kept on the server: ``survey.surveys.practice``); every rule is the engine's, as in
a real interview."""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass

from . import Questionnaire
from .interview import previous_position, step_at, submit_step
from .modes import Mode
from .presentation import question_view, script_text


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


@dataclass(frozen=True)
class Rehearsal:
    """One request of a rehearsal: the screen to show, or ``saved`` (redirect to show it)."""

    saved: bool
    state: dict
    step: object = None
    views: list | None = None
    screen_out: object = None
    opening: str | None = None
    closing: str | None = None


def rehearse(
    questionnaire: Questionnaire,
    store: MutableMapping,
    key: str,
    restart: bool,
    form: dict | None,
    contact,
    language: str,
    mode: str,
    interviewer: dict,
) -> Rehearsal:
    """Apply a posted screen (``form``) or show the current one; the state lives in ``store``
    under ``key``."""
    if restart or key not in store:
        store[key] = fresh_state()
    state = store[key]
    errors, posted = {}, None
    if form is not None:
        errors, posted = advance(questionnaire, state, form, contact, language, mode)
        store[key] = state
        if not errors:
            return Rehearsal(True, state)
    answers = state["answers"]
    step = step_at(questionnaire, answers, state["position"], contact, language, mode)
    views = screen_views(
        questionnaire, step, answers, state["other"], errors, state["seed"], contact,
        language, mode, interviewer, posted,
    )  # fmt: skip
    opening = "greeting" if mode == Mode.CATI else "intro"
    return Rehearsal(
        False,
        state,
        step,
        views,
        screen_out_of(questionnaire, state.get("screen_out")) if step.finished else None,
        script_text(questionnaire, opening, answers, contact, language, mode, interviewer),
        script_text(questionnaire, "closing", answers, contact, language, mode, interviewer),
    )
