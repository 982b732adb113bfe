"""Synthetic respondents for the demo and benchmarks: they answer through the real engine.

Each respondent has a latent satisfaction between 0 and 1; scale answers sit around it, so
overall scores, attributes and the recommendation agree the way real answers do, and a
segment whose latent mean is lower really scores lower. Every screen is checked and routed
by the same engine as the web and CATI modes (``submit_step``), so a synthetic response is
as valid as a real one: screeners, show-if, rules and skips all apply.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from ..questionnaire import Interview, Mode, Questionnaire
from ..questionnaire.interview import END, step_at, submit_step
from ..questionnaire.model import Question
from ..questionnaire.types import kind_of

COMMENTS = {
    "zh-Hans": [
        "排队时间太长",
        "柜员很耐心，解释清楚",
        "希望增加周末营业窗口",
        "手机银行转账很方便",
        "电话等了很久才接通",
    ],
    "zh-Hant": [
        "排隊時間太長",
        "櫃員很有耐性，解釋清楚",
        "希望增加週末營業櫃位",
        "手機銀行轉賬很方便",
        "電話等了很久才接通",
    ],
    "en": [
        "The queue was too long",
        "The teller was patient and clear",
        "More counters at weekends, please",
        "Mobile transfers are easy",
        "Waited long for the hotline",
    ],
}
ATTEMPTS_PER_SCREEN = 20
SCREENED_OUT = 0.05


def _value(question: Question, latent: float, language: str, rng, today: date) -> list[str]:
    """Form values for one answer id of the question."""

    def comment() -> str:
        return str(rng.choice(COMMENTS.get(language, COMMENTS["en"])))

    return kind_of(question).sample_values(question, latent, rng, today, comment)


def screen_form(
    step, latent: float, language: str, rng, today: date | None = None, shifts=None
) -> dict:
    """A posted form answering one screen, as a respondent or an interviewer would send it;
    ``shifts`` moves single answers off the respondent's latent (an attribute they rate
    better or worse than the rest), so attributes differ in how they drive the overall."""
    today = today or date.today()
    shifts = shifts or {}
    form = {"page": [step.position]}
    for question in step.questions:
        for answer_id in question.answer_ids:
            own = latent + shifts.get(answer_id, 0.0)
            form[answer_id] = _value(question, own, language, rng, today)
    return form


def answer_all(
    questionnaire: Questionnaire,
    rng: np.random.Generator,
    latent: float,
    language: str,
    mode: str = Mode.WEB,
    contact: dict | None = None,
    stop_after: int | None = None,
    today: date | None = None,
    shifts=None,
) -> tuple[dict, dict, str, object]:
    """Answer screen after screen; return (answers, other texts, position, screen-out or None).

    ``stop_after`` breaks off after that many screens (a partial). A screen whose random
    answers a rule refuses is answered again.
    """
    today = today or date.today()
    interview = Interview(questionnaire, contact=contact, language=language, mode=mode)
    answers, others, position, screens = {}, {}, None, 0
    while True:
        interview = replace(interview, answers=answers, other_texts=others, position=position)
        step = step_at(interview)
        if step.finished or (stop_after is not None and screens >= stop_after):
            return answers, others, step.position, None
        valid = None
        for _ in range(ATTEMPTS_PER_SCREEN):
            form = screen_form(step, latent, language, rng, today, shifts)
            outcome = submit_step(interview, step, form)
            valid = outcome if outcome.submission.ok else valid
            # Screeners keep most respondents in, as a list of the bank's customers does.
            if outcome.submission.ok and (not outcome.screen_out or rng.random() < SCREENED_OUT):
                break
        else:
            if valid is None:
                raise ValueError(f"no synthetic answer satisfies screen {step.position}")
            outcome = valid  # every valid answer screened out: so is this respondent
        answers, others, position = outcome.answers, outcome.other_texts, outcome.position
        screens += 1
        if outcome.screen_out:
            return answers, others, END, outcome.screen_out
