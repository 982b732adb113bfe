"""Immutable estimates with their standard error, design effect and confidence intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .intervals import (
    MEAN_METHODS,
    PROPORTION_METHODS,
    ConfidenceInterval,
    IntervalError,
    critical_value,
)
from .proportions import exact_at_bound, proportion_interval
from .standards import effective_n, reliability


@dataclass(frozen=True)
class Estimate:
    """A design-based estimate, as R's svystat: estimate, se, variance, df, deff, n.

    ``kind`` is mean, total, proportion or nps; ``scale`` multiplies estimate and se
    (100 for NPS in points). ``rows`` is the number of rows present for the variable and
    domain (R's ``nrow`` of the subset design); with ``domain_df`` it feeds ``beta``.
    """

    estimate: float
    variance: float
    df: int
    n: int
    kind: str = "mean"
    deff: float | None = None
    deff_replace: float | None = None
    rows: int | None = None
    scale: float = 1.0
    domain_df: int | None = None  # degf() of the domain alone (R's beta interval uses it)
    logit_variance: float | None = None  # replicate weights only: the logits' spread
    profile: object = None  # a proportion's likelihood.ProfileSums (from rows, not sums)

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)

    @property
    def effective_n(self) -> float:
        """The sample size a simple random sample would need for the same precision (one
        definition everywhere: ``standards.effective_n``)."""
        return effective_n(self)

    def default_method(self) -> str:
        return "logit" if self.kind == "proportion" else "t"

    def confidence_interval(
        self, confidence_level: float = 0.95, method: str | None = None
    ) -> ConfidenceInterval:
        """The interval; ``method`` t or normal, or for proportions one of PROPORTION_METHODS."""
        method = method or self.default_method()
        valid = MEAN_METHODS + (PROPORTION_METHODS if self.kind == "proportion" else ())
        if method not in valid:
            raise ValueError(
                f"unknown interval method {method!r}; the methods for a {self.kind} are {', '.join(valid)}"
            )
        if self.kind == "proportion" and self.estimate in (0.0, 1.0) and self.rows:
            return exact_at_bound(self.estimate, self.rows, confidence_level)
        if method in MEAN_METHODS or method == "mean":
            q = critical_value(confidence_level, self.df, "normal" if method == "normal" else "t")
            half = q * self.se
            return ConfidenceInterval(
                (self.estimate - half) * self.scale, (self.estimate + half) * self.scale
            )
        return proportion_interval(
            self.estimate,
            self.variance,
            self.df,
            self.rows,
            self.domain_df,
            confidence_level,
            method,
            self.logit_variance,
            self.profile,
        )

    def margin_of_error(self, confidence_level: float = 0.95, method: str | None = None) -> float:
        """Half the interval's width (the larger side for an asymmetric interval)."""
        ci = self.confidence_interval(confidence_level, method)
        point = self.estimate * self.scale
        return max(point - ci.low, ci.high - point)

    def entry(self, var, stat, domain, by_column, confidence_level, method) -> dict:
        """The estimate as one entry of the JSON that `survey stats` prints (DESIGN.md), with
        its effective sample size and the presentation standard's flag."""
        verdict = reliability(self)
        try:
            ci = self.confidence_interval(confidence_level, method)
        except IntervalError:  # no degrees of freedom: the flag says suppress
            ci = ConfidenceInterval(None, None)
        return {
            "by": None if by_column is None else {by_column: domain},
            "var": var,
            "stat": stat,
            "estimate": self.estimate * self.scale,
            "se": self.se * self.scale,
            "ci_low": ci.low,
            "ci_high": ci.high,
            "confidence_level": confidence_level,
            "ci_method": method,
            "df": self.df,
            "deff": self.deff,
            "n": self.n,
            "n_eff": verdict.n_eff,
            "flag": verdict.flag,
        }


def design_effects(
    variance: float, svyvar: float, total_weight: float, nobs: int, scale: float = 1.0
) -> tuple[float | None, float | None]:
    """R's ``deff=TRUE`` and ``deff="replace"``: the variance against simple random sampling
    without and with replacement. ``svyvar`` is R's weighted variance (with n/(n−1));
    ``scale`` is N̂² for a total. None where undefined (one observation, no spread)."""
    if nobs < 2 or not svyvar > 0:
        return None, None
    srs = svyvar * scale
    without = (
        variance / (srs * (total_weight - nobs) / (total_weight * nobs))
        if total_weight > nobs
        else None
    )
    return without, variance / (srs / nobs)


def own_df(estimate: Estimate) -> Estimate:
    """The estimate with its domain's own degrees of freedom (R's estimate on
    ``subset(design, …)``) in place of the whole design's (R's ``svyby``)."""
    if estimate.domain_df is None:
        return estimate
    return replace(estimate, df=estimate.domain_df)
