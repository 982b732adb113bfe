"""What waiting does to post-call satisfaction: the overall score by wait-time band, and the
estimated change per extra 10 seconds of waiting (a design-based straight line with its
interval), so the centre sees what its 15-second target buys.

The wait comes with the call record onto the drawn contact and so onto the response
(``wait_seconds``); the score is the questionnaire's overall question on its own scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.scope import attribute, period_bounds
from ..models import Answer, Response, ResponseStatus, Survey
from ..responses.export import design_over
from ..stats import Estimate, EstimationError, mean
from ..stats.regression import simple_regression
from ..surveys.versions import questionnaire_of

BANDS = ((15, "0–15 s"), (30, "16–30 s"), (60, "31–60 s"), (120, "61–120 s"), (math.inf, "> 120 s"))
PER = 10  # seconds: the slope is reported per this much extra waiting


@dataclass(frozen=True)
class BandRow:
    """One waiting-time band: its answers and their design-based mean (None: nobody);
    the page prints it through ``analysis.figures`` and its presentation standard."""

    label: str
    n: int
    result: Estimate | None = None


@dataclass(frozen=True)
class WaitEffect:
    question: str
    scale: tuple[float, float]
    n: int
    bands: list[BandRow]
    per_10s: float | None
    ci: tuple[float, float] | None
    df: int | None


def _rows(session: Session, survey: Survey, question: str, period: str | None):
    conditions = [
        Response.survey_id == survey.id,
        Response.status == ResponseStatus.COMPLETE,
        Answer.question_id == question,
    ]
    if period:
        start, end = period_bounds(period)
        conditions += [Response.completed_at >= start, Response.completed_at < end]
    wait = attribute("wait_seconds")
    rows = []
    for stratum, waited, value in session.execute(
        select(Response.stratum, wait, Answer.value_num)
        .join(Answer, Answer.response_id == Response.id)
        .where(*conditions, wait.is_not(None))
    ):
        try:
            seconds = float(waited)
        except ValueError:
            continue
        rows.append((stratum or "", seconds, np.nan if value is None else float(value)))
    return rows


def wait_effect(
    session: Session, survey: Survey, period: str | None = None, confidence_level: float = 0.95
) -> WaitEffect | None:
    """The survey's satisfaction by wait band and per 10 s; None without an overall question
    or without responses that carry a wait."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    question = questionnaire.analysis.overall
    if question is None:
        return None
    rows = _rows(session, survey, question, period)
    design, inside = design_over(session, survey, [r[0] for r in rows])
    if design is None:
        return None
    rows = [r for r, keep in zip(rows, inside, strict=True) if keep]
    waits = np.array([r[1] for r in rows])
    scores = np.array([r[2] for r in rows])
    bands, low = [], -math.inf
    for high, label in BANDS:
        domain = (waits > low) & (waits <= high)
        bands.append(_band(design, scores, domain, label))
        low = high
    slope = ci = df = None
    try:
        line = simple_regression(design, scores, waits)
        interval = line.slope.confidence_interval(confidence_level)
        slope, ci, df = (
            line.slope.estimate * PER,
            (interval.low * PER, interval.high * PER),
            line.slope.df,
        )
    except (EstimationError, ValueError):
        pass
    spec = questionnaire.question(question)
    scale = (float(spec.options.get("min", 1)), float(spec.options.get("max", 5)))
    return WaitEffect(question, scale, int((~np.isnan(scores)).sum()), bands, slope, ci, df)


def _band(design, scores, domain, label) -> BandRow:
    n = int((domain & ~np.isnan(scores)).sum())
    return BandRow(label, n, mean(design, scores, domain) if n else None)
