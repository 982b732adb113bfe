"""Quotas: target completes per segment cell (branch, tier, channel, …), closed when met.

A quota is ``{"attribute": "branch", "value": "SZ-001", "target": 50}`` in the survey's
settings. Completes are counted from the segment attributes copied onto responses. When a
cell is full, its phone cases still waiting are closed as 4.80 (quota filled, not eligible
in AAPOR's terms), so interviewers stop calling a cell that needs no more interviews.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..aapor.dispositions import DispositionCode
from ..models import CaseStatus, CatiCase, Contact, Response, ResponseStatus, Survey
from ..surveys.settings import quotas_of

QUOTA_FILLED = DispositionCode.QUOTA_FILLED
ATTRIBUTES = ("branch", "tier", "channel", "queue", "age_band", "staff_id")


@dataclass(frozen=True)
class QuotaStatus:
    attribute: str
    value: str
    target: int
    complete: int

    @property
    def met(self) -> bool:
        return self.complete >= self.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.complete / self.target)) if self.target else 100


def quota_status(session: Session, survey: Survey) -> list[QuotaStatus]:
    """Each quota with its completes so far: one grouped query per attribute used."""
    quotas = quotas_of(survey)
    counts: dict[tuple[str, str], int] = {}
    for attribute in sorted({q["attribute"] for q in quotas}):
        cell = Response.attributes[attribute].as_string()
        for value, count in session.execute(
            select(cell, func.count())
            .where(Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE)
            .group_by(cell)
        ):
            counts[(attribute, value)] = count
    return [
        QuotaStatus(
            q["attribute"],
            q["value"],
            int(q["target"]),
            counts.get((q["attribute"], q["value"]), 0),
        )
        for q in quotas
    ]


def close_full_cells(session: Session, survey: Survey) -> int:
    """Close the waiting phone cases of every full cell as quota filled; returns how many."""
    closed = 0
    for quota in quota_status(session, survey):
        if not quota.met:
            continue
        in_cell = select(Contact.id).where(
            Contact.survey_id == survey.id,
            Contact.attributes[quota.attribute].as_string() == quota.value,
        )
        closed += session.execute(
            update(CatiCase)
            .where(
                CatiCase.survey_id == survey.id,
                CatiCase.status == CaseStatus.PENDING,
                CatiCase.claimed_by.is_(None),
                CatiCase.contact_id.in_(in_cell),
            )
            .values(status=CaseStatus.FINAL, final_disposition=QUOTA_FILLED, next_call_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    return closed
