"""Is a difference real? Domain contrasts (with their covariance), independent samples,
and multiple-comparison adjustments (Holm, Benjamini–Hochberg)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .design import SampleDesign
from .estimators import rows_of
from .intervals import ConfidenceInterval, critical_value


@dataclass(frozen=True)
class Comparison:
    """The difference first − second, its SE, df and two-sided p-value."""

    difference: float
    se: float
    df: float
    covariance: float = 0.0

    @property
    def p_value(self) -> float:
        if self.se == 0:
            return 0.0 if self.difference else 1.0
        statistic = abs(self.difference) / self.se
        tail = (
            special.ndtr(-statistic) if math.isinf(self.df) else special.stdtr(self.df, -statistic)
        )
        return float(2 * tail)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        half = critical_value(confidence_level, self.df) * self.se
        return ConfidenceInterval(self.difference - half, self.difference + half)


def domain_means_covariance(design: SampleDesign, y, domains: list[np.ndarray]):
    """Means of several domains of one design and their covariance matrix.

    Domains that cut across strata share PSUs' strata, so their estimates covary;
    the influence functions are stacked and their (co)variance taken together.
    """
    y = np.asarray(y, dtype=float)
    means, columns = [], []
    for domain in domains:
        _, rows = rows_of(design, y, domain)
        w = np.where(rows, design.weights, 0.0)
        total_weight = float(w.sum())
        centre = float(np.sum(w * np.where(rows, y, 0.0)) / total_weight)
        means.append(centre)
        columns.append(w * np.where(rows, y - centre, 0.0) / total_weight)
    present = ~np.isnan(y)
    values = np.where(present, y, 0.0)
    masks = np.column_stack([present & d for d in domains]).astype(float)

    def point(weights):
        return ((masks * values[:, None]).T @ weights / (masks.T @ weights)).T

    return np.array(means), np.atleast_2d(design.spread(point, np.column_stack(columns), present))


def contrast_domains(design: SampleDesign, y, first: np.ndarray, second: np.ndarray) -> Comparison:
    """first − second for two domains of the same sample, with their covariance."""
    means, covariance = domain_means_covariance(design, y, [first, second])
    variance = covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1]
    df = design.degrees_of_freedom(~np.isnan(np.asarray(y, dtype=float)))
    return Comparison(
        float(means[0] - means[1]), math.sqrt(max(variance, 0.0)), df, float(covariance[0, 1])
    )


def compare_independent(first, second) -> Comparison:
    """first − second for two independent samples (two periods): variances add.

    The df is the smaller of the two designs' (conservative).
    """
    difference = first.estimate * first.scale - second.estimate * second.scale
    se = math.sqrt(first.variance * first.scale**2 + second.variance * second.scale**2)
    return Comparison(difference, se, min(first.df, second.df))


def adjust_p_values(p_values, method: str = "holm") -> np.ndarray:
    """Adjusted p-values for many tests at once: holm (family-wise) or bh (false discovery)."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p)
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum((m - np.arange(m)) * ranked, 1.0))
    elif method == "bh":
        adjusted = np.minimum.accumulate(m / np.arange(m, 0, -1) * ranked[::-1])[::-1]
        adjusted = np.minimum(adjusted, 1.0)
    else:
        raise ValueError(f"unknown adjustment {method!r}; choose holm or bh")
    result = np.empty(m)
    result[order] = adjusted
    return result
