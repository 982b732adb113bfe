"""Cronbach's alpha of a multi-item scale, plain and survey-weighted (R's svycralpha), raw
and standardised (from the mean inter-item correlation, for items on different scales).

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika 16.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .design import SampleDesign
from .errors import EstimationError


def _complete(items: Sequence) -> np.ndarray:
    matrix = np.column_stack([np.asarray(i, dtype=float) for i in items])
    if matrix.shape[1] < 2:
        raise EstimationError("Cronbach's alpha needs at least two items")
    return matrix


def _alpha(item_variances: np.ndarray, total_variance: float) -> float:
    k = len(item_variances)
    if total_variance <= 0:
        raise EstimationError("the items do not vary, so alpha is undefined")
    return k / (k - 1) * (1 - float(item_variances.sum()) / total_variance)


def cronbach_alpha(items: Sequence) -> float:
    """Alpha on the complete cases, with sample variances."""
    matrix = _complete(items)
    rows = matrix[~np.isnan(matrix).any(axis=1)]
    if len(rows) < 2:
        raise EstimationError("fewer than two respondents answered every item")
    return _alpha(rows.var(axis=0, ddof=1), float(rows.sum(axis=1).var(ddof=1)))


def survey_alpha(design: SampleDesign, items: Sequence) -> float:
    """Alpha with design-weighted variances on the complete cases, as R's svycralpha(na.rm=TRUE)."""
    matrix = _complete(items)
    rows = ~np.isnan(matrix).any(axis=1) & (design.weights != 0)
    n = int(rows.sum())
    if n < 2:
        raise EstimationError("fewer than two respondents answered every item")
    w = design.weights[rows]
    data = matrix[rows]

    def weighted_variance(values):
        centre = np.sum(w * values) / w.sum()
        return float(np.sum(w * (values - centre) ** 2) / w.sum() * n / (n - 1))

    items_variance = np.array([weighted_variance(data[:, j]) for j in range(data.shape[1])])
    return _alpha(items_variance, weighted_variance(data.sum(axis=1)))


def _standardised(correlation: np.ndarray) -> float:
    k = correlation.shape[0]
    mean_r = float(correlation[np.triu_indices(k, 1)].mean())
    return k * mean_r / (1 + (k - 1) * mean_r)


def standardised_alpha(items: Sequence, design: SampleDesign | None = None) -> float:
    """Standardised alpha, k·r̄ / (1 + (k − 1)·r̄), r̄ the mean inter-item correlation on the
    complete cases: design-weighted with a design (R: cov2cor of svyvar), plain without."""
    matrix = _complete(items)
    weights = np.ones(len(matrix)) if design is None else design.weights
    rows = ~np.isnan(matrix).any(axis=1) & (weights != 0)
    if int(rows.sum()) < 2:
        raise EstimationError("fewer than two respondents answered every item")
    data, w = matrix[rows], weights[rows]
    centred = data - (w @ data) / w.sum()
    covariance = (centred * w[:, None]).T @ centred
    spread = np.sqrt(np.diag(covariance))
    if (spread == 0).any():
        raise EstimationError("an item does not vary, so its correlations are undefined")
    return _standardised(covariance / np.outer(spread, spread))
