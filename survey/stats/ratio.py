"""Ratios of totals, as R's svyratio: the expectation/perception ratio, per-capita rates."""

from __future__ import annotations

import numpy as np

from .design import SampleDesign
from .errors import EstimationError
from .estimate import Estimate


def ratio(design: SampleDesign, numerator, denominator, domain=None, df_rows=None) -> Estimate:
    """Σ w·numerator / Σ w·denominator, with the linearised variance of a ratio.

    Rows missing either value are out of the estimate but stay in the design.
    """
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    present = ~np.isnan(a) & ~np.isnan(b)
    rows = present if domain is None else present & domain
    w = np.where(rows, design.weights, 0.0)
    bottom = float(np.sum(w * np.where(rows, b, 0.0)))
    if bottom == 0:
        raise EstimationError("the denominator's total is zero in this domain")
    estimate = float(np.sum(w * np.where(rows, a, 0.0))) / bottom
    influence = w * np.where(rows, a - estimate * b, 0.0) / bottom
    top, below = np.where(rows, a, 0.0), np.where(rows, b, 0.0)
    variance = design.spread(lambda weights: (top @ weights) / (below @ weights), influence, rows)
    df = design.degrees_of_freedom(present if df_rows is None else df_rows)
    nobs = int((rows & (design.weights != 0)).sum())
    return Estimate(
        estimate,
        variance,
        df,
        nobs,
        "ratio",
        rows=int(rows.sum()),
        domain_df=design.degrees_of_freedom(rows),
    )
