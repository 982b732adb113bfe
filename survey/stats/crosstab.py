"""Two-way tables of a complex sample: cell shares, their covariance, and the Rao–Scott test.

Built from per-stratum sums of each cell (Σw and Σw² of its rows), so a cross-tab of a
million responses needs one GROUP BY stratum, row, column. The test is R's
``svychisq(~a + b, design, statistic = "F")``: Pearson's X² on the estimated table scaled to
the sample size, divided by the trace of the design-effect matrix Δ, referred to
F(d₀, d₀·ν) with the Satterthwaite d₀ = tr(Δ)²/tr(Δ²).

References
----------
Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency tables
with cell proportions estimated from survey data. Annals of Statistics 12(1).
Lumley, T. (2010). Complex Surveys, section 6.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as dist

from .errors import EstimationError


@dataclass(frozen=True)
class CellSums:
    """Per stratum (rows) and cell (columns, row categories varying fastest): Σw and Σw².

    ``n_psu``, ``fpc_factor`` describe the design's strata; ``present`` marks strata holding
    a row of the table; ``rows`` is the number of rows of the design (R's N) and ``df`` its
    degrees of freedom (ν).
    """

    w: np.ndarray
    ww: np.ndarray
    n_psu: np.ndarray
    fpc_factor: np.ndarray
    present: np.ndarray
    row_levels: int
    column_levels: int
    rows: int
    df: int
    lonely_psu: str = "adjust"


@dataclass(frozen=True)
class RaoScott:
    shares: np.ndarray  # cell shares of the whole table, (row levels × column levels)
    covariance: np.ndarray  # of the cell shares, cells in row-fastest order
    pearson: float
    statistic: float  # F
    ndf: float
    ddf: float
    p_value: float


def _covariance(sums: CellSums, shares: np.ndarray) -> np.ndarray:
    total = sums.w.sum()
    w_h = sums.w.sum(axis=1)
    ww_h = sums.ww.sum(axis=1)
    first = (sums.w - np.outer(w_h, shares)) / total
    second = (
        np.einsum("hk,kl->hkl", sums.ww, np.eye(len(shares)))
        - np.einsum("hk,l->hkl", sums.ww, shares)
        - np.einsum("k,hl->hkl", shares, sums.ww)
        + np.einsum("h,k,l->hkl", ww_h, shares, shares)
    ) / total**2
    n_h, f = sums.n_psu, sums.fpc_factor
    lonely = (n_h == 1) & sums.present
    if lonely.any() and sums.lonely_psu == "fail":
        raise EstimationError("a stratum of the table has only one PSU")
    centred = second - np.einsum("hk,hl->hkl", first, first) / np.maximum(n_h, 1)[:, None, None]
    if sums.lonely_psu == "adjust":
        centred = np.where(lonely[:, None, None], second, centred)
    else:
        centred = np.where(lonely[:, None, None], 0.0, centred)
    scale = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
    keep = sums.present & (f >= 1e-7)
    return np.einsum("h,hkl->kl", np.where(keep, scale, 0.0), centred)


def rao_scott(sums: CellSums) -> RaoScott:
    """Cell shares and the second-order Rao–Scott F test of independence."""
    r, c = sums.row_levels, sums.column_levels
    if r < 2 or c < 2:
        raise EstimationError("a test of independence needs at least two rows and two columns")
    total = float(sums.w.sum())
    if total <= 0:
        raise EstimationError("the table is empty")
    shares = sums.w.sum(axis=0) / total
    covariance = _covariance(sums, shares)
    table = shares.reshape(c, r).T  # cells run row-fastest
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        pearson = float(
            sums.rows * np.nansum(np.where(expected > 0, (table - expected) ** 2 / expected, 0.0))
        )
    cells = np.array([(i, j) for j in range(c) for i in range(r)])
    main = np.column_stack(
        [np.ones(r * c)]
        + [(cells[:, 0] == i).astype(float) for i in range(1, r)]
        + [(cells[:, 1] == j).astype(float) for j in range(1, c)]
    )
    interactions = np.column_stack(
        [
            ((cells[:, 0] == i) & (cells[:, 1] == j)).astype(float)
            for j in range(1, c)
            for i in range(1, r)
        ]
    )
    fitted, *_ = np.linalg.lstsq(main, interactions, rcond=None)
    contrast = interactions - main @ fitted  # qr.resid(qr(X1), X12[, interactions])
    inverse = np.diag(np.where(shares == 0, 0.0, 1.0 / np.where(shares == 0, 1.0, shares)))
    denominator = contrast.T @ (inverse / sums.rows) @ contrast
    numerator = contrast.T @ inverse @ covariance @ inverse @ contrast
    delta = np.linalg.solve(denominator, numerator)
    trace = float(np.trace(delta))
    d0 = trace**2 / float(np.trace(delta @ delta))
    statistic = pearson / trace
    p_value = float(dist.f.sf(statistic, d0, d0 * sums.df))
    return RaoScott(table, covariance, pearson, statistic, d0, d0 * sums.df, p_value)
