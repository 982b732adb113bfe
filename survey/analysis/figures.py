"""Estimates as a report prints them: point, interval, n, margin of error, design effect,
and the small-base rules (greyed under 30 responses, withheld under 10)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..stats.estimate import Estimate

SMALL_BASE = 30
SUPPRESS_BELOW = 10
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Figure:
    """One printed estimate; percentages (CSAT) and points (NPS) are already ×100."""

    label: str
    n: int
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    se: float | None = None
    moe: float | None = None
    deff: float | None = None
    df: int | None = None
    flag: str | None = None  # above, below (significantly, after adjustment)
    p_value: float | None = None  # adjusted

    @property
    def suppressed(self) -> bool:
        return self.n < SUPPRESS_BELOW or self.estimate is None

    @property
    def small(self) -> bool:
        return self.n < SMALL_BASE


def figure(label: str, estimate: Estimate | None, percent: bool = False) -> Figure:
    """A Figure from an engine estimate (None: nobody answered)."""
    if estimate is None:
        return Figure(label, 0)
    factor = 100.0 if percent else 1.0
    ci = estimate.confidence_interval(CONFIDENCE)
    point = estimate.estimate * estimate.scale
    deff = estimate.deff if estimate.deff is not None and math.isfinite(estimate.deff) else None
    return Figure(
        label,
        estimate.n,
        point * factor,
        ci.low * factor,
        ci.high * factor,
        estimate.se * estimate.scale * factor,
        estimate.margin_of_error(CONFIDENCE) * factor,
        deff,
        estimate.df,
    )


def with_test(fig: Figure, difference: float, p_value: float, alpha: float = 0.05) -> Figure:
    """The figure flagged above or below the rest where the adjusted p-value is under alpha."""
    flag = None
    if p_value < alpha and not fig.suppressed:
        flag = "above" if difference > 0 else "below"
    return Figure(**{**fig.__dict__, "flag": flag, "p_value": p_value})
