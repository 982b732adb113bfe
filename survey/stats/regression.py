"""A design-based straight line: how a mean outcome changes with one variable.

The slope of a weighted least-squares fit, with the linearisation variance R's ``svyglm``
gives (its sandwich estimator): the slope is a function of totals whose influence for row i
is wᵢ·(xᵢ − x̄)·eᵢ / Σ wⱼ(xⱼ − x̄)², with eᵢ the residual; its variance is the design's
variance of that total. Degrees of freedom: the design's minus one, as svyglm's
``df.residual`` for two coefficients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .design import SampleDesign
from .errors import EstimationError
from .estimate import Estimate


@dataclass(frozen=True)
class Line:
    intercept: float
    slope: Estimate  # per unit of x


def simple_regression(design: SampleDesign, y, x) -> Line:
    """Fit y = a + b·x over the rows where both are present (others stay in their strata)."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    rows = ~np.isnan(y) & ~np.isnan(x)
    w = np.where(rows, design.weights, 0.0)
    if (w > 0).sum() < 3:
        raise EstimationError("a line needs at least three observations")
    total = w.sum()
    x_bar = float(np.sum(w * np.where(rows, x, 0)) / total)
    y_bar = float(np.sum(w * np.where(rows, y, 0)) / total)
    dx = np.where(rows, x - x_bar, 0.0)
    spread = float(np.sum(w * dx * dx))
    if spread == 0:
        raise EstimationError("the variable does not vary: no slope can be estimated")
    slope = float(np.sum(w * dx * np.where(rows, y - y_bar, 0.0)) / spread)
    intercept = y_bar - slope * x_bar
    residual = np.where(rows, y - intercept - slope * x, 0.0)
    influence = w * dx * residual / spread
    xs, ys, inside = np.where(rows, x, 0.0), np.where(rows, y, 0.0), rows.astype(float)

    def slope_of(weights):  # the least-squares slope from the weighted sums
        n, sx, sy = inside @ weights, xs @ weights, ys @ weights
        return ((xs * ys) @ weights - sx * sy / n) / ((xs * xs) @ weights - sx * sx / n)

    variance = design.spread(slope_of, influence, rows)
    df = design.degrees_of_freedom(rows) - 1
    return Line(intercept, Estimate(slope, variance, df, int(rows.sum()), "mean"))
