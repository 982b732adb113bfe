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

# What a customer writes, by how they feel (unhappy, in between, happy); now and then one
# leaves a phone number, which is masked when it is stored.
COMMENTS = {
    "zh-Hans": (
        [
            "排队时间太长，只开了两个窗口", "柜员态度不耐烦，问两句就不理人", "手续费太贵了，还收管理费",
            "手机银行经常闪退，登录很麻烦", "网点太远了，附近没有停车位", "客服电话打不通，转人工要等很久",
            "ATM吞卡了，到现在没人处理", "缴纳水电费很不方便", "转账出错多扣了钱，投诉了也没解决",
            "排队一个多小时，请尽快回电 13812345678",
        ],
        ["希望增加周末营业窗口", "服务一般，等候区座位有点少", "办理速度还可以", "理财经理推销有点多"],
        [
            "柜员很耐心，解释清楚", "大堂经理很热情，环境干净整洁", "办理速度很快，非常满意",
            "手机银行转账很方便", "工作人员很专业，谢谢",
        ],
    ),
    "zh-Hant": (
        [
            "排隊時間太長，櫃員態度很差", "等咗好耐都未到我，得兩個窗口", "手續費太貴了，還要收管理費",
            "手機銀行經常閃退，登錄很麻煩", "熱線轉人工要等好耐", "自助櫃員機壞了好幾天",
            "網點太遠了，停車不方便", "繳納水電費很不方便",
        ],
        ["希望增加週末營業櫃位", "服務一般", "等候區座位太少"],
        ["櫃員很有耐性，解釋清楚", "職員好有禮貌，唔該晒", "辦理速度很快，服務周到", "網點環境很舒服"],
    ),
    "en": (
        [
            "The queue was too long, only two counters open", "Staff were rude and impatient",
            "Fees are far too high", "The mobile app keeps crashing when I log in",
            "Waited long for the hotline", "The ATM swallowed my card",
            "Paying my utility bills here is inconvenient",
        ],
        ["More counters at weekends, please", "It was ok", "Nothing special"],
        ["The teller was patient and clear", "Mobile transfers are easy", "Quick and professional service"],
    ),
}  # fmt: skip
ATTEMPTS_PER_SCREEN = 20
SCREENED_OUT = 0.05


def _value(question: Question, latent: float, language: str, rng, today: date) -> list[str]:
    """Form values for one answer id of the question."""

    def comment() -> str:
        unhappy, between, happy = COMMENTS.get(language, COMMENTS["en"])
        mood = unhappy if latent < 0.45 else happy if latent > 0.7 else between
        return str(rng.choice(mood))

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
