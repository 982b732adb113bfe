"""The response rate a report quotes, for the branches the reader may see."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..analysis.scope import ReportScope
from ..models import Survey
from .dispositions import CLASSES, Rates, outcome_rates
from .rates import rates_by, survey_rates


def report_rates(session: Session, survey: Survey, scope: ReportScope) -> Rates | None:
    """AAPOR rates of the whole survey, or of the chosen / allowed branches (their class
    counts added, with the survey's own e); None before any case was released."""
    whole = survey_rates(session, survey)
    if not sum(whole.counts.values()):
        return None
    branch = scope.segments.get("branch")
    wanted = {branch} if branch else set(scope.branches) if scope.branches else None
    if wanted is None:
        return whole
    groups = rates_by(session, survey, "branch")
    counts = {k: sum(groups[b].counts[k] for b in wanted if b in groups) for k in CLASSES}
    return outcome_rates(counts, whole.e) if sum(counts.values()) else None
