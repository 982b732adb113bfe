"""Estimates as a report prints them: point, interval, n, margin of error, design effect,
and whether each is fit to print by the one presentation standard every estimate meets
(``stats.standards``: withheld when NCHS says suppress, marked when it says review).

A figure uses its domain's own degrees of freedom (R on ``subset(design, …)``): for
domains of 25–60 respondents cutting across strata this brought the default intervals
back towards 95 % where the whole design's df left them at 91–93 % (bench/coverage.py,
docs/statistics.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..stats.estimate import Estimate, own_df
from ..stats.standards import MIN_EFFECTIVE_N, REVIEW, SUPPRESS, reliability

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
    n_eff: float | None = None
    standard: str | None = None  # the presentation standard's verdict: suppress, review
    reasons: tuple[str, ...] = ()

    @property
    def suppressed(self) -> bool:
        return self.estimate is None or self.standard == SUPPRESS

    @property
    def review(self) -> bool:
        return self.standard == REVIEW

    @property
    def too_few(self) -> bool:
        """Withheld for its effective sample size (rather than its interval's width)."""
        return self.n_eff is None or self.n_eff < MIN_EFFECTIVE_N or self.estimate is None


def figure(label: str, estimate: Estimate | None, percent: bool = False) -> Figure:
    """A Figure from an engine estimate (None: nobody answered)."""
    if estimate is None:
        return Figure(label, 0)
    estimate = own_df(estimate)
    verdict = reliability(estimate)
    if estimate.df < 1:  # a domain within one PSU a stratum: no interval at all
        return Figure(label, estimate.n, n_eff=verdict.n_eff, standard=verdict.flag,
                      reasons=verdict.reasons)  # fmt: skip
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
        n_eff=verdict.n_eff,
        standard=verdict.flag,
        reasons=verdict.reasons,
    )


def with_test(fig: Figure, difference: float, p_value: float, alpha: float = 0.05) -> Figure:
    """The figure flagged above or below the rest where the adjusted p-value is under alpha."""
    flag = None
    if p_value < alpha and not fig.suppressed:
        flag = "above" if difference > 0 else "below"
    return Figure(**{**fig.__dict__, "flag": flag, "p_value": p_value})
