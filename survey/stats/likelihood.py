"""The likelihood interval for a proportion, as R's ``svyciprop(method = "likelihood")``.

R fits the proportion as an intercept-only quasibinomial ``svyglm`` and profiles its
deviance (Rao–Scott scaled): the intercept is stepped away from its estimate by fifths of
the largest distance needed, each step's deviance change divided by the Pearson
dispersion, its signed square root interpolated by a cubic spline (Forsythe, Malcolm and
Moler's, R's ``spline``) and read off at the cut-offs; the critical value is rescaled by the
design effect (``lambda``) and the design's df. For an intercept-only model the profile
needs only a few sums per answer (0 or 1), kept with the estimate (``ProfileSums``).

References
----------
Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency
tables with cell proportions estimated from survey data. Annals of Statistics 12.
Lumley, T. and Scott, A. (2014). Tests for regression models fitted to survey data.
Australian & New Zealand Journal of Statistics 56. R: survey ``confint.svyglm``,
``MASSprofile_glm``, ``confint_profile``; stats ``spline(method = "fmm")``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .intervals import ConfidenceInterval

MAX_STEPS = 10


@dataclass(frozen=True)
class ProfileSums:
    """Per answer (index 0: no, 1: yes) over the rows of the estimate: the count of rows
    and the sum of their weights."""

    count: tuple[int, int]
    w: tuple[float, float]
    nonzero: int  # rows with a non-zero weight

    @classmethod
    def of(cls, y: np.ndarray, w: np.ndarray) -> ProfileSums:
        """From the 0/1 answers and weights of the rows in the estimate."""
        parts = [w[y == k] for k in (0, 1)]
        return cls(
            tuple(len(p) for p in parts),
            tuple(float(p.sum()) for p in parts),
            int((w != 0).sum()),
        )


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def likelihood_interval(
    p: float, variance: float, df: float, sums: ProfileSums, confidence_level: float
) -> ConfidenceInterval:
    """R's interval for the proportion ``p`` with linearised variance ``variance``."""
    rows = sum(sums.count)
    total = sum(sums.w)
    scale = rows / total  # svyglm rescales the weights to mean 1
    weight = (scale * sums.w[0], scale * sums.w[1])
    beta = math.log(p / (1 - p))
    spread = p * (1 - p)
    se = math.sqrt(variance) / spread  # the sandwich SE of the logit
    naive = 1 / (spread * (weight[0] + weight[1]))
    lam = se * se / naive
    ddf = math.inf if not math.isfinite(df) else df
    t = (
        special.ndtri((1 - confidence_level) / 2)
        if ddf == math.inf
        else special.stdtrit(ddf, (1 - confidence_level) / 2)
    )
    alpha = special.ndtr(t * math.sqrt(lam)) / 2
    z_max = math.sqrt(special.fdtri(1, rows - 1, 1 - alpha))  # qf(alpha, 1, n − 1, upper)
    step_size = z_max / 5

    def deviance(b: float) -> float:
        mu = _expit(b)
        return -2 * (weight[1] * math.log(mu) + weight[0] * math.log(1 - mu))

    # svyvar of svyglm's Pearson residuals (y − μ)/√(μ(1 − μ)) over the design's weights:
    # at μ = p̂ their weighted mean is 0 and mean square 1, so it is n/(n − 1).
    dispersion = sums.nonzero / (sums.nonzero - 1)
    original = deviance(beta)
    points = [(0.0, beta)]
    for sign in (-1, 1):
        step, z = 0, 0.0
        while (step := step + 1) < MAX_STEPS and abs(z) < z_max:
            b = beta + sign * step * step_size * se
            change = (deviance(b) - original) / dispersion
            z = sign * math.sqrt(max(change, 0.0))
            points.append((z, b))
    points.sort()
    zs = np.array([z for z, _ in points])
    bs = np.array([b for _, b in points])
    grid = np.linspace(bs.min(), bs.max(), 3 * len(bs))
    curve = fmm_spline(bs, zs, grid)
    cut = special.ndtri(2 * alpha)  # R profiles out to alpha, reads the interval at 2·alpha
    order = np.argsort(curve, kind="stable")
    low, high = np.interp([cut, -cut], curve[order], grid[order], left=np.nan, right=np.nan)
    return ConfidenceInterval(_expit(low), _expit(high))


def fmm_spline(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """R's ``spline(method = "fmm")``: the cubic spline whose ends match the cubics through
    the first and last four points (Forsythe, Malcolm and Moler, 1977), evaluated at ``at``."""
    n = len(x)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 3:
        slope = (y[1] - y[0]) / (x[1] - x[0])
        return y[0] + slope * (at - x[0])
    last = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, last):
        d[i] = x[i + 1] - x[i]
        b[i] = 2 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[last] = -d[0], -d[n - 2]
    c[0] = c[last] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[last] = c[n - 2] / (x[last] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[last] = -c[last] * d[n - 2] * d[n - 2] / (x[last] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[last] /= b[last]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[last] = (y[last] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2 * c[last])
    for i in range(last):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] *= 3
    c[last] *= 3
    d[last] = d[n - 2]
    index = np.clip(np.searchsorted(x, at, side="right") - 1, 0, last)
    dx = at - x[index]
    return y[index] + dx * (b[index] + dx * (c[index] + dx * d[index]))
