"""Quantiles (the median, quartiles…) with Woodruff intervals, as R 4.x's svyquantile.

The estimate is the weighted quantile by R's default rule (``qrule="math"``: the
smallest value whose cumulative weight share reaches p). The interval inverts the
design-based interval of the estimated CDF at the quantile (Woodruff, 1952).

References
----------
Woodruff, R. S. (1952). Confidence intervals for medians and other position measures.
JASA 47. Lumley, T. survey package ``svyquantile`` (version 4 rewrite).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .design import SampleDesign
from .errors import EstimationError
from .estimators import mean
from .intervals import ConfidenceInterval, critical_value
from .names import QUANTILE_METHODS  # noqa: F401 (re-exported)
from .proportions import proportion_interval


def weighted_quantile(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's ``qrule_math``: the first value whose cumulative weight share is at least p.

    The weights are summed as R sums them, in long double and rounded to double once, so a
    share that lands exactly on p (100 weights of 0.1 out of 200) is exactly p here too."""
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    x = x[order]
    cumulative = np.cumsum(w[order], dtype=np.longdouble).astype(float)
    total = float(np.sum(w, dtype=np.longdouble))
    below = np.flatnonzero(cumulative <= p * total)
    position = below[-1] if len(below) else 0
    following = min(position + 1, len(x) - 1)
    return float(x[position] if p - cumulative[position] / total == 0 else x[following])


@dataclass(frozen=True)
class QuantileEstimate:
    """A quantile with its Woodruff interval at the level it was computed for."""

    p: float
    estimate: float
    ci_low: float
    ci_high: float
    confidence_level: float
    method: str
    df: int
    n: int

    @property
    def se(self) -> float:
        """As R: the interval's width over twice the critical value."""
        return (self.ci_high - self.ci_low) / (2 * critical_value(self.confidence_level, self.df))

    def confidence_interval(
        self, confidence_level: float | None = None, method: str | None = None
    ) -> ConfidenceInterval:
        if (confidence_level or self.confidence_level) != self.confidence_level or (
            method or self.method
        ) != self.method:
            raise ValueError(
                "a quantile's interval is computed with the estimate; call quantile() with that level and method"
            )
        return ConfidenceInterval(self.ci_low, self.ci_high)


def quantile(
    design: SampleDesign,
    y,
    p: float,
    domain=None,
    confidence_level: float = 0.95,
    method: str = "mean",
    df_rows=None,
) -> QuantileEstimate:
    """The p-th quantile of y (within a domain) and its Woodruff interval."""
    if method not in QUANTILE_METHODS:
        raise ValueError(
            f"unknown interval method {method!r} for a quantile; choose one of {', '.join(QUANTILE_METHODS)}"
        )
    if not 0 < p < 1:
        raise ValueError(f"a quantile needs 0 < p < 1, not {p}")
    y = np.asarray(y, dtype=float)
    rows = ~np.isnan(y) if domain is None else ~np.isnan(y) & domain
    if not (rows & (design.weights != 0)).any():
        raise EstimationError("the domain has no observation with a non-zero weight")
    values, weights = y[rows], design.weights[rows]
    estimate = weighted_quantile(values, weights, p)
    below = np.where(np.isnan(y), np.nan, (y <= estimate).astype(float))
    cdf = mean(design, below, domain, df_rows)
    df = cdf.df
    if method == "mean":
        half = critical_value(confidence_level, df) * cdf.se
        bounds = (cdf.estimate - half, cdf.estimate + half)
    else:
        interval = proportion_interval(
            cdf.estimate,
            cdf.variance,
            df,
            cdf.rows,
            cdf.domain_df,
            confidence_level,
            "logit" if method == "xlogit" else method,
        )
        bounds = (interval.low, interval.high)
    low = weighted_quantile(values, weights, bounds[0]) if bounds[0] >= 0 else math.nan
    high = weighted_quantile(values, weights, bounds[1]) if bounds[1] <= 1 else math.nan
    return QuantileEstimate(
        p,
        estimate,
        low,
        high,
        confidence_level,
        method,
        df,
        int((rows & (design.weights != 0)).sum()),
    )
