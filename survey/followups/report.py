"""The follow-up report: on-time rate and median working days to close by branch,
category and month; the followed-up customers' satisfaction with the outcome and their
"would stay", with intervals; and loyalty by how fast the case was resolved.

Intervals treat the cases as a sample of the bank's follow-up process (each case its own
PSU, equal weights): the spread the figures would show from month to month, not a
sampling error of the cases themselves, which are all counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FollowupCase, FollowupStatus, utcnow
from ..stats.design import SampleDesign
from ..stats.estimators import mean, proportion
from .calendar import CalendarError
from .opening import calendar_for

GROUPINGS = ("branch", "category", "month")
SPEEDS = ("on_time", "late", "open")


@dataclass(frozen=True)
class Figure:
    estimate: float | None
    low: float | None
    high: float | None
    n: int


def _figure(values: list[float], kind: str) -> Figure:
    if not values:
        return Figure(None, None, None, 0)
    y = np.asarray(values, dtype=float)
    if len(values) == 1 or np.all(y == y[0]):
        return Figure(float(y[0]), None, None, len(values))
    estimator = proportion if kind == "proportion" else mean
    result = estimator(SampleDesign.build(len(values)), y)
    interval = result.confidence_interval(0.95)
    return Figure(result.estimate, interval.low, interval.high, len(values))


@dataclass(frozen=True)
class Row:
    label: str
    cases: int
    closed: int
    on_time: Figure  # share of closed cases closed by their deadline
    median_days: float | None  # working days from opening to closing
    satisfaction: Figure  # outcome satisfaction 1–5
    would_stay: Figure


def _working_days(case: FollowupCase) -> int | None:
    try:
        calendar = calendar_for(case.region, weekdays_beyond_data=True)
        return max(0, calendar.working_days_left(case.created_at, case.closed_at))
    except CalendarError:
        return None


def speed_of(case: FollowupCase) -> str:
    if case.closed_at is None:
        return "open"
    return "on_time" if case.closed_at <= case.due_at else "late"


def _row(label: str, cases: list[FollowupCase]) -> Row:
    closed = [c for c in cases if c.status == FollowupStatus.CLOSED and c.closed_at]
    days = [d for d in (_working_days(c) for c in closed) if d is not None]
    return Row(
        label=label,
        cases=len(cases),
        closed=len(closed),
        on_time=_figure([float(c.closed_at <= c.due_at) for c in closed], "proportion"),
        median_days=float(median(days)) if days else None,
        satisfaction=_figure(
            [c.outcome_satisfaction for c in cases if c.outcome_satisfaction], "mean"
        ),
        would_stay=_figure(
            [float(c.would_stay) for c in cases if c.would_stay is not None], "proportion"
        ),
    )


def _key(case: FollowupCase, grouping: str) -> str:
    if grouping == "month":
        return f"{case.created_at:%Y-%m}"
    return getattr(case, grouping) or "—"


def followup_report(session: Session, survey_ids=None, branches=None) -> dict:
    """Every grouping's rows, the whole, and would-stay by speed of resolution."""
    query = select(FollowupCase)
    if survey_ids is not None:
        query = query.where(FollowupCase.survey_id.in_(survey_ids))
    if branches is not None:
        query = query.where(FollowupCase.branch.in_(branches))
    cases = session.scalars(query.order_by(FollowupCase.id)).all()
    tables = {}
    for grouping in GROUPINGS:
        groups: dict[str, list] = {}
        for case in cases:
            groups.setdefault(_key(case, grouping), []).append(case)
        tables[grouping] = [_row(label, groups[label]) for label in sorted(groups)]
    loyalty = {
        speed: _figure(
            [
                float(c.would_stay)
                for c in cases
                if c.would_stay is not None and speed_of(c) == speed
            ],
            "proportion",
        )
        for speed in SPEEDS
    }
    overdue = sum(1 for c in cases if c.is_open and c.due_at < utcnow())
    return {"all": _row("all", cases), "tables": tables, "loyalty": loyalty, "overdue": overdue}
