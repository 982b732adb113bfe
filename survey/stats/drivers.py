"""Key drivers of overall satisfaction, and the importance–performance quadrant.

Correlations (Pearson, Spearman) say how each attribute moves with overall satisfaction;
Johnson's relative weights and Shapley/LMG values split the model's R² among correlated
attributes, so their shares add up. All are weighted by the design's weights on the
respondents who answered every item.

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. Multivariate Behavioral Research 35(1).
Lindeman, Merenda and Gold (1980); Grömping, U. (2006). relaimpo. J. Stat. Software 17(1).
Martilla, J. A. and James, J. C. (1977). Importance-performance analysis. J. Marketing 41(1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy import stats as dist

from .errors import EstimationError

MAX_SHAPLEY_ATTRIBUTES = 15


@dataclass(frozen=True)
class Drivers:
    """Importance of each attribute for the outcome."""

    names: tuple[str, ...]
    pearson: tuple[float, ...]
    spearman: tuple[float, ...]
    relative_weights: tuple[float, ...]  # sum to r_squared
    shapley: tuple[float, ...]  # LMG; sum to r_squared
    r_squared: float
    n: int


def _weighted_correlation(matrix: np.ndarray, w: np.ndarray) -> np.ndarray:
    centre = (w[:, None] * matrix).sum(axis=0) / w.sum()
    deviations = matrix - centre
    covariance = (w[:, None] * deviations).T @ deviations / w.sum()
    scale = np.sqrt(np.diag(covariance))
    if (scale == 0).any():
        raise EstimationError("an attribute or the outcome does not vary among the respondents")
    return covariance / np.outer(scale, scale)


def _r_squared(correlation: np.ndarray, subset: tuple[int, ...]) -> float:
    if not subset:
        return 0.0
    index = list(subset)
    rxx = correlation[np.ix_(index, index)]
    rxy = correlation[index, -1]
    return float(rxy @ np.linalg.solve(rxx, rxy))


def relative_weights(correlation: np.ndarray) -> np.ndarray:
    """Johnson's relative weights from the correlation matrix (predictors first, outcome last)."""
    rxx, rxy = correlation[:-1, :-1], correlation[:-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    if values.min() <= 1e-12:
        raise EstimationError("the attributes are collinear: relative weights are undefined")
    half = vectors @ np.diag(np.sqrt(values)) @ vectors.T  # correlations of X with orthogonal Z
    beta = np.linalg.solve(half, rxy)
    return (half**2) @ (beta**2)


def shapley_values(correlation: np.ndarray) -> np.ndarray:
    """LMG: each attribute's R² increment averaged over all orders of entry."""
    p = correlation.shape[0] - 1
    if p > MAX_SHAPLEY_ATTRIBUTES:
        raise EstimationError(
            f"Shapley values over {p} attributes are too many to enumerate (at most {MAX_SHAPLEY_ATTRIBUTES})"
        )
    r2 = {s: _r_squared(correlation, s) for k in range(p + 1) for s in combinations(range(p), k)}
    values = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            weight = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for subset in combinations(others, k):
                values[j] += weight * (r2[tuple(sorted((*subset, j)))] - r2[subset])
    return values


def key_drivers(outcome, attributes: Mapping[str, Sequence], weights=None) -> Drivers:
    """Importance of each attribute for the outcome, on complete cases."""
    names = tuple(attributes)
    matrix = np.column_stack(
        [np.asarray(attributes[n], dtype=float) for n in names] + [np.asarray(outcome, dtype=float)]
    )
    w = np.ones(len(matrix)) if weights is None else np.asarray(weights, dtype=float)
    keep = ~np.isnan(matrix).any(axis=1) & (w > 0)
    if keep.sum() < len(names) + 2:
        raise EstimationError(
            f"only {int(keep.sum())} respondents answered every item: too few for {len(names)} attributes"
        )
    data, w = matrix[keep], w[keep]
    correlation = _weighted_correlation(data, w)
    ranks = np.column_stack([dist.rankdata(data[:, j]) for j in range(data.shape[1])])
    rank_correlation = _weighted_correlation(ranks, w)
    rw = relative_weights(correlation)
    return Drivers(
        names,
        tuple(correlation[:-1, -1]),
        tuple(rank_correlation[:-1, -1]),
        tuple(rw),
        tuple(shapley_values(correlation)),
        _r_squared(correlation, tuple(range(len(names)))),
        int(keep.sum()),
    )


def drivers_from_correlation(names: Sequence[str], correlation: np.ndarray, n: int) -> Drivers:
    """Importance from a correlation matrix (attributes first, outcome last), as a database
    aggregate gives it; rank correlations need the rows, so ``spearman`` is left empty."""
    if n < len(names) + 2:
        raise EstimationError(
            f"only {n} respondents answered every item: too few for {len(names)} attributes"
        )
    return Drivers(
        tuple(names),
        tuple(correlation[:-1, -1]),
        (),
        tuple(relative_weights(correlation)),
        tuple(shapley_values(correlation)),
        _r_squared(correlation, tuple(range(len(names)))),
        n,
    )


def pairwise_correlation(w, sx, sy, sxx, syy, sxy) -> np.ndarray:
    """Weighted correlations, each pair over the respondents who answered both.

    Each argument is a k×k matrix of sums over those respondents: Σw, Σw·xᵢ, Σw·xⱼ,
    Σw·xᵢ², Σw·xⱼ², Σw·xᵢxⱼ. Batteries where customers rate only the channels they use
    leave few complete cases, so a report needs the pairwise matrix.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = sx / w, sy / w
        covariance = sxy / w - mx * my
        spread = np.sqrt((sxx / w - mx**2) * (syy / w - my**2))
        correlation = covariance / spread
    if not np.isfinite(correlation).all():
        raise EstimationError("two items were never answered together, or one does not vary")
    np.fill_diagonal(correlation, 1.0)
    return correlation


QUADRANTS = {
    (True, False): "concentrate_here",
    (True, True): "keep_up_the_good_work",
    (False, False): "low_priority",
    (False, True): "possible_overkill",
}


def importance_performance(
    importance: Mapping[str, float], performance: Mapping[str, float]
) -> dict[str, str]:
    """Each attribute's quadrant, split at the mean importance and the mean performance."""
    if set(importance) != set(performance) or not importance:
        raise EstimationError("importance and performance need the same attributes")
    cut_i = sum(importance.values()) / len(importance)
    cut_p = sum(performance.values()) / len(performance)
    return {
        name: QUADRANTS[(importance[name] >= cut_i, performance[name] >= cut_p)]
        for name in importance
    }
