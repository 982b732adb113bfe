"""Cronbach's alpha of a multi-item scale, plain and survey-weighted (R's svycralpha).

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
