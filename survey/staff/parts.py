"""The service star's parts for each member: the customers' design-weighted score with its
moderated variance, the peers' mean as a sample of colleagues, the managers' ratings (the
method is in league.py and docs/staff.md)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.scope import attribute, period_bounds
from ..models import (
    Answer,
    RatingSource,
    Response,
    ResponseStatus,
    StaffMember,
    StaffRating,
    StaffRole,
    Survey,
)
from ..responses.export import design_over
from ..stats import SampleDesign, mean
from ..stats.ranking import Part

# Degrees of freedom the league's pooled spread counts for in a member's customer variance:
# chosen by simulation (docs/staff.md) for coverage near 95 % from 10 responses up.
PRIOR_DF = 10


@dataclass(frozen=True)
class Internal:
    """One internal part of one member: the mean rating, how many, and its variance."""

    mean: float
    count: int
    variance: float = 0.0
    df: float = math.inf


def customer_scores(session: Session, survey: Survey, month: str, scoring):
    """Per complete response of the month: (staff number, stratum, 0–100 score by the
    questionnaire's ``scoring``)."""
    start, end = period_bounds(month)
    conditions = [
        Response.survey_id == survey.id,
        Response.status == ResponseStatus.COMPLETE,
        Response.completed_at >= start,
        Response.completed_at < end,
    ]
    staff = attribute("staff_id")
    responses = {
        rid: (number, stratum)
        for rid, number, stratum in session.execute(
            select(Response.id, staff, Response.stratum).where(*conditions, staff.is_not(None))
        )
    }
    answers: dict[int, dict] = defaultdict(dict)
    for rid, qid, code in session.execute(
        select(Answer.response_id, Answer.question_id, Answer.code)
        .join(Response, Response.id == Answer.response_id)
        .where(*conditions, Answer.question_id.in_(scoring.answer_ids), staff.is_not(None))
    ):
        answers[rid][qid] = code
    rows = []
    for rid, (number, stratum) in responses.items():
        score = scoring.score(answers.get(rid, {}))
        if score is not None:
            rows.append((number, stratum, score))
    return rows


def customer_parts_of(session: Session, survey: Survey, rows) -> dict[str, tuple[int, Part]]:
    """Each staff number's customer part (n, Part) under the survey's design."""
    design, inside = design_over(session, survey, [r[1] or "" for r in rows])
    if design is None:
        return {}
    rows = [r for r, keep in zip(rows, inside, strict=True) if keep]
    numbers = np.array([r[0] for r in rows], dtype=object)
    scores = np.array([r[2] for r in rows], dtype=float)
    return customer_parts(design, scores, numbers)


def customer_parts(design: SampleDesign, scores: np.ndarray, numbers: np.ndarray) -> dict:
    """Each staff number's (n, customer Part): the domain's design-weighted mean with a
    moderated variance — its design variance (n − 1 degrees of freedom) combined with the
    league's pooled spread over n, times the member's weighting effect, counted as
    ``PRIOR_DF`` more degrees of freedom (Smyth 2004)."""
    pooled, _ = pooled_variance(scores[numbers == number] for number in set(numbers.tolist()))
    parts = {}
    for number in sorted(set(numbers.tolist())):
        domain = numbers == number
        n = int(domain.sum())
        estimate = mean(design, scores, domain)
        weights = design.weights[domain]
        kish = n * float(np.sum(weights**2)) / float(np.sum(weights)) ** 2
        own = n - 1
        variance = (PRIOR_DF * pooled * kish / n + own * estimate.variance) / (PRIOR_DF + own)
        parts[number] = (n, Part(estimate.estimate, variance, own + PRIOR_DF))
    return parts


def peer_part(values, pooled: float, df: float, possible: int) -> Internal:
    """The mean of ``values`` (peer ratings) as a sample of the ``possible`` colleagues who
    could have rated, with the pooled within-teller variance and the finite-population
    correction (everyone rated: no sampling error)."""
    count = len(values)
    possible = max(possible, count)
    variance = pooled / count * (1 - count / possible) if pooled else 0.0
    return Internal(float(np.mean(values)), count, variance, df)


def internal_parts(session: Session, members: list[StaffMember], month: str, first, last):
    """Each member's internal parts: peer (a sample of colleagues), ops and lobby (census)."""
    ids = {m.id: m for m in members}
    scores: dict[tuple[int, str], list[float]] = defaultdict(list)
    for ratee_id, source, score in session.execute(
        select(StaffRating.ratee_id, StaffRating.source, StaffRating.score).where(
            StaffRating.month == month, StaffRating.ratee_id.in_(ids)
        )
    ):
        scores[(ratee_id, source)].append(score)
    pooled, df = pooled_variance(v for k, v in scores.items() if k[1] == RatingSource.PEER)
    colleagues = _colleague_counts(session, first, last)
    found: dict[int, dict] = defaultdict(dict)
    for (ratee_id, source), values in scores.items():
        if source == RatingSource.PEER:
            possible = colleagues.get(ids[ratee_id].branch, 1) - 1
            found[ratee_id]["peer"] = peer_part(values, pooled, df, possible)
        else:
            found[ratee_id][source] = Internal(float(np.mean(values)), len(values))
    return found


def pooled_variance(groups) -> tuple[float, float]:
    """The within-group variance pooled over groups (one-way analysis of variance) and its
    degrees of freedom."""
    total, df = 0.0, 0
    for values in groups:
        if len(values) > 1:
            array = np.asarray(values)
            total += float(((array - array.mean()) ** 2).sum())
            df += len(values) - 1
    return (total / df, df) if df else (0.0, math.inf)


def _colleague_counts(session: Session, first, last) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for member in session.scalars(select(StaffMember).where(StaffMember.role == StaffRole.TELLER)):
        if member.active_in(first, last):
            counts[member.branch] += 1
    return counts
