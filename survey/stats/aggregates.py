"""The sufficient-statistics path: estimates from per-stratum sums, not from rows.

For element sampling (each response its own PSU) a stratum's contribution to the
linearisation variance of a mean needs only n, Σw, Σwy, Σwy², Σw², Σw²y and Σw²y² of
the rows in the domain. Reports ask the database for these with one GROUP BY and feed
them here, so millions of responses move a few kilobytes (DESIGN.md, statistics at scale).
The results equal the row path's (``estimators.mean``) to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .design import DesignError
from .estimate import Estimate
from .estimators import EstimationError


@dataclass(frozen=True)
class StratumSums:
    """Sums per stratum (arrays of equal length, one entry per stratum of the design).

    n_psu and fpc_factor describe the whole design; count and the sums cover the rows of
    the domain where the variable is present; present_count counts the rows where the
    variable is present in any domain (they set the degrees of freedom, as svyby).
    """

    labels: tuple
    n_psu: np.ndarray
    fpc_factor: np.ndarray
    present_count: np.ndarray
    count: np.ndarray
    w: np.ndarray
    wy: np.ndarray
    wyy: np.ndarray
    ww: np.ndarray
    wwy: np.ndarray
    wwyy: np.ndarray
    lonely_psu: str = "fail"

    @classmethod
    def from_rows(
        cls, stratum, weights, y, n_psu, fpc_factor, labels, domain=None, lonely_psu="fail"
    ) -> StratumSums:
        """Build the sums from rows (what a GROUP BY stratum computes in SQL)."""
        y = np.asarray(y, dtype=float)
        present = ~np.isnan(y)
        rows = present if domain is None else present & domain
        strata = len(labels)

        def total(values, mask):
            return np.bincount(stratum[mask], values[mask], minlength=strata)

        w = np.asarray(weights, dtype=float)
        nonzero = w != 0
        return cls(
            tuple(labels),
            np.asarray(n_psu, float),
            np.asarray(fpc_factor, float),
            np.bincount(stratum[present & nonzero], minlength=strata).astype(float),
            np.bincount(stratum[rows & nonzero], minlength=strata).astype(float),
            total(w, rows),
            total(w * y, rows),
            total(w * y * y, rows),
            total(w * w, rows),
            total(w * w * y, rows),
            total(w * w * y * y, rows),
            lonely_psu,
        )


def mean_from_sums(sums: StratumSums, kind: str = "mean", scale: float = 1.0) -> Estimate:
    """The weighted mean and its linearisation variance from per-stratum sums."""
    total_weight = float(sums.w.sum())
    nobs = int(sums.count.sum())
    if total_weight == 0 or nobs == 0:
        raise EstimationError("the domain has no observation with a non-zero weight")
    centre = float(sums.wy.sum()) / total_weight
    # Influence z = w (y − ȳ)/W: its per-stratum sum and sum of squares.
    first = (sums.wy - centre * sums.w) / total_weight
    second = (sums.wwyy - 2 * centre * sums.wwy + centre**2 * sums.ww) / total_weight**2
    n_h, f = sums.n_psu, sums.fpc_factor
    in_data = sums.present_count > 0
    lonely = (n_h == 1) & in_data
    centred = second - first**2 / np.maximum(n_h, 1)
    if lonely.any():
        if sums.lonely_psu == "fail":
            raise DesignError(
                f"stratum {sums.labels[int(np.flatnonzero(lonely)[0])]!r} has only one PSU"
            )
        centred = np.where(lonely, second if sums.lonely_psu == "adjust" else 0.0, centred)
    scale_h = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
    contributions = np.where(in_data & (f >= 1e-7), centred * scale_h, 0.0)
    variance = float(contributions.sum())
    if sums.lonely_psu == "average" and lonely.any():
        variance *= int(in_data.sum()) / int((in_data & ~lonely).sum())
    spread = float(
        (sums.wyy.sum() - 2 * centre * sums.wy.sum() + centre**2 * total_weight) / total_weight
    )
    svyvar = spread * nobs / (nobs - 1) if nobs > 1 else float("nan")
    deff = (
        variance / (svyvar * (total_weight - nobs) / (total_weight * nobs))
        if nobs > 1 and total_weight > nobs
        else None
    )
    deff_replace = variance / (svyvar / nobs) if nobs > 1 else None
    df = int(sums.present_count.sum()) - int(in_data.sum())
    domain_df = nobs - int((sums.count > 0).sum())
    return Estimate(
        centre, variance, df, nobs, kind, deff, deff_replace, nobs, scale, domain_df=domain_df
    )
