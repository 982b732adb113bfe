"""Touchpoints and attributes, key drivers with the importance–performance quadrant, and
the SERVQUAL gaps: each from database sums, never the rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from ..models import Answer, Response
from ..stats.drivers import (
    Drivers,
    drivers_from_correlation,
    importance_performance,
    pairwise_correlation,
)
from ..stats.errors import EstimationError
from .figures import Figure, figure
from .measures import answer_of, attribute_measures, scale_of, servqual_measures
from .scope import ReportScope
from .sums import SurveyDesign, collect


def touchpoint_figures(session, questionnaire, scope, design) -> dict[str, list[Figure]]:
    """Per touchpoint: its 0–100 score first, then each attribute's."""
    return {
        touchpoint: [
            figure(measure.key, collect(session, design, measure.source, scope).estimate(measure))
            for measure in measures
        ]
        for touchpoint, measures in attribute_measures(questionnaire).items()
    }


@dataclass(frozen=True)
class ServqualRow:
    dimension: str
    expectation: Figure
    perception: Figure
    gap: Figure


def servqual_rows(session, questionnaire, scope, design) -> list[ServqualRow]:
    rows = []
    for name, *measures in servqual_measures(questionnaire):
        figures = [
            figure(name, collect(session, design, m.source, scope).estimate(m)) for m in measures
        ]
        rows.append(ServqualRow(name, *figures))
    return rows


@dataclass(frozen=True)
class DriverRow:
    attribute: str
    correlation: float
    relative_weight: float  # share of R², %
    shapley: float  # share of R², %
    performance: float  # 0–100
    quadrant: str


def attribute_ids(questionnaire) -> list[str]:
    """The distinct attributes of the touchpoints, without the overall question itself."""
    overall = questionnaire.analysis.overall
    seen = []
    for ids in questionnaire.analysis.touchpoints.values():
        seen += [a for a in ids if a != overall and a not in seen]
    return seen


def _pair_sums(session: Session, design: SurveyDesign, scope: ReportScope, ids: list[str]):
    """For every pair of items, weighted sums over respondents who answered both (one GROUP BY
    stratum): returns Σw, Σwxᵢ, Σwxⱼ, Σwxᵢ², Σwxⱼ², Σwxᵢxⱼ as k×k matrices, the pairs' counts,
    and each item's own Σw and Σwx (for its performance)."""
    query_from, x = Response.__table__, []
    for answer_id in ids:
        answer = aliased(Answer)
        query_from = query_from.outerjoin(answer, answer_of(answer, answer_id))
        x.append(answer.value_num)
    k = len(ids)
    pairs = [(i, j) for i in range(k) for j in range(k)]

    def both(i, j, value):
        return func.sum(case((and_(x[i].is_not(None), x[j].is_not(None)), value), else_=0.0))

    aggregates = []
    for i, j in pairs:
        aggregates += [
            both(i, j, 1.0),
            both(i, j, x[i]),
            both(i, j, x[i] * x[i]),
            both(i, j, x[i] * x[j]),
        ]
    groups = [Response.stratum] if design.weighted else []
    query = select(*groups, *aggregates).select_from(query_from).where(*design.completes(scope))
    if groups:
        query = query.group_by(*groups)
    index = {label: h for h, label in enumerate(design.labels)}
    count, w, sx, sxx, sxy = (np.zeros((k, k)) for _ in range(5))
    for row in session.execute(query):
        row = list(row)
        weight = design.weights[index[row.pop(0)]] if design.weighted else 1.0
        values = np.array([float(v or 0.0) for v in row]).reshape(k, k, 4)
        count += values[:, :, 0]
        w += weight * values[:, :, 0]
        sx += weight * values[:, :, 1]
        sxx += weight * values[:, :, 2]
        sxy += weight * values[:, :, 3]
    # sx[i, j] sums xᵢ over the pair's respondents; xⱼ's sums are the transpose.
    return w, sx, sx.T, sxx, sxx.T, sxy, count


def key_drivers(
    session, questionnaire, scope, design
) -> tuple[Drivers | None, list[DriverRow], str | None]:
    """Importance of each attribute for overall satisfaction, with its quadrant; or why not."""
    overall = questionnaire.analysis.overall
    ids = attribute_ids(questionnaire)
    if not overall or len(ids) < 2:
        return None, [], "roles"
    w, sx, sy, sxx, syy, sxy, count = _pair_sums(session, design, scope, ids + [overall])
    try:
        n = int(count.min())
        if n == 0:
            raise EstimationError("two items were never answered together")
        drivers = drivers_from_correlation(ids, pairwise_correlation(w, sx, sy, sxx, syy, sxy), n)
    except EstimationError as error:
        return None, [], str(error)
    performance = {}
    for i, answer_id in enumerate(ids):
        scale = scale_of(questionnaire, answer_id)
        mean = sx[i, i] / w[i, i]
        performance[answer_id] = (mean - scale.low) / (scale.high - scale.low) * 100
    share = {
        a: w / drivers.r_squared * 100 for a, w in zip(ids, drivers.relative_weights, strict=True)
    }
    quadrants = importance_performance(share, performance)
    rows = [
        DriverRow(
            a,
            drivers.pearson[i],
            share[a],
            drivers.shapley[i] / drivers.r_squared * 100,
            performance[a],
            quadrants[a],
        )
        for i, a in enumerate(ids)
    ]
    return drivers, sorted(rows, key=lambda r: -r.relative_weight), None
