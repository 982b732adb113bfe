"""Walking a questionnaire without storing anything: the admin's preview and the
interviewers' practice mode. The state (answers, position, seed) lives in a mapping the
caller gives (kept on the server: ``survey.surveys.practice``); every rule is the engine's, as in
a real interview."""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass, replace

from . import Questionnaire
from .interview import previous_position, step_at, submit_step
from .modes import Mode
from .presentation import question_view, script_text
from .routing import Interview

# The customer a preview or a practice interview addresses, in each language, with the
# segment attributes a script may pipe.
SAMPLE_CONTACT = {
    "zh-Hans": {"title": "王先生", "name": "王伟"},
    "zh-Hant": {"title": "陳小姐", "name": "陳美玲"},
    "en": {"title": "Ms Chan", "name": "Chan Mei-ling"},
}
SAMPLE_SEGMENTS = {"branch": "SZ-001", "tier": "gold", "channel": "counter", "staff_id": "T0421"}


def sample_interview(
    questionnaire: Questionnaire, language: str, mode: str, interviewer: dict
) -> Interview:
    """The interview a preview or a practice run walks: the sample customer in ``language``,
    the signed-in staff member as the interviewer, as a real interview pipes them."""
    contact = {**SAMPLE_CONTACT.get(language, SAMPLE_CONTACT["en"]), **SAMPLE_SEGMENTS}
    return Interview(
        questionnaire, contact=contact, language=language, mode=mode, interviewer=interviewer
    )


def fresh_state() -> dict:
    return {"answers": {}, "other": {}, "position": None, "seed": secrets.randbelow(2**31)}


def _interview(base: Interview, state: dict) -> Interview:
    return replace(
        base,
        answers=state["answers"],
        other_texts=state["other"],
        position=state["position"],
        seed=state["seed"],
    )


def advance(base: Interview, state: dict, form: dict) -> tuple[dict, dict | None]:
    """Apply a posted screen to the state; returns (errors, what was posted) on a refusal."""
    interview = _interview(base, state)
    step = step_at(interview)
    if form.get("action", [""])[0] == "back":
        state["position"] = previous_position(interview.at(step.position))
        return {}, None
    if step.finished:
        return {}, None
    outcome = submit_step(interview, step, form)
    if not outcome.submission.ok:
        return outcome.submission.errors, form
    state.update(answers=outcome.answers, other=outcome.other_texts, position=outcome.position)
    state["screen_out"] = outcome.screen_out.disposition if outcome.screen_out else None
    return {}, None


def screen_views(interview: Interview, step, errors, posted) -> list:
    """The views of the screen's questions, as every interview page renders them."""
    return [question_view(interview, q, errors, posted) for q in step.questions]


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
    base: Interview, store: MutableMapping, key: str, restart: bool, form: dict | None
) -> Rehearsal:
    """Apply a posted screen (``form``) or show the current one; the state lives in ``store``
    under ``key``. ``base`` names the questionnaire, the sample contact, the language, the
    mode and the interviewer; the answers, position and seed come from the state."""
    if restart or key not in store:
        store[key] = fresh_state()
    state = store[key]
    errors, posted = {}, None
    if form is not None:
        errors, posted = advance(base, state, form)
        store[key] = state
        if not errors:
            return Rehearsal(True, state)
    interview = _interview(base, state)
    step = step_at(interview)
    opening = "greeting" if base.mode == Mode.CATI else "intro"
    return Rehearsal(
        False,
        state,
        step,
        screen_views(interview, step, errors, posted),
        screen_out_of(base.questionnaire, state.get("screen_out")) if step.finished else None,
        script_text(interview, opening),
        script_text(interview, "closing"),
    )
