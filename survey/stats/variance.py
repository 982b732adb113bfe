"""The one linearisation variance every estimate uses, whatever it starts from.

Rows (``SampleDesign.variance``), per-stratum sums from a database's GROUP BY
(``aggregates``) and all domains at once (``estimators.by``) each reduce the influence
of an estimate to two things per stratum h: the sum of its PSU totals, Σt, and the sum
of their cross-products, Σt tᵀ. This module turns those into the variance, as R's
``svyrecvar``: Σ_h f_h n_h/(n_h − 1) (Σt tᵀ − Σt Σtᵀ/n_h), with R's
``survey.lonely.psu`` rules for a stratum holding one PSU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import DesignError
from .names import LONELY_PSU  # noqa: F401 (re-exported)


@dataclass(frozen=True, eq=False)
class Strata:
    """What the variance needs of a design's strata (of the whole design, not a domain)."""

    labels: tuple
    n_psu: np.ndarray  # PSUs sampled in each stratum
    fpc_factor: np.ndarray  # 1 − the sampling fraction (1 without fpc)
    lonely_psu: str = "fail"

    def variance(self, first: np.ndarray, second: np.ndarray, in_data: np.ndarray) -> np.ndarray:
        """The (co)variance matrix (k × k) from Σt per stratum (H × k) and Σt tᵀ (H × k × k).

        ``in_data`` marks the strata with rows in the data: R iterates over those only, so
        a stratum without any contributes nothing and counts for nothing in "average".
        """
        n_h, f = self.n_psu, self.fpc_factor
        centred = second - first[:, :, None] * first[:, None, :] / np.maximum(n_h, 1)[:, None, None]
        scale = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
        lonely = (n_h == 1) & in_data
        if lonely.any():
            if self.lonely_psu == "fail":
                name = self.labels[int(np.flatnonzero(lonely)[0])]
                raise DesignError(
                    f"stratum {name!r} has only one PSU (lonely_psu='fail'; choose remove, certainty, adjust or average)"
                )
            # adjust: centred at the population mean rather than the stratum's (R's
            # "adjust"); remove and certainty: no contribution.
            centred[lonely] = second[lonely] if self.lonely_psu == "adjust" else 0.0
        contributions = centred * scale[:, None, None]
        # A stratum sampled completely (f = 0) contributes nothing.
        contributions[(f < 1e-7) | ~in_data] = 0.0
        total = contributions.sum(axis=0)
        if self.lonely_psu == "average" and lonely.any():
            kept = int((in_data & ~lonely).sum())
            if kept == 0:
                raise DesignError(
                    "every stratum has one PSU: lonely_psu='average' has nothing to average"
                )
            total = total * int(in_data.sum()) / kept
        return total

    def scalar_variance(self, first: np.ndarray, second: np.ndarray, in_data: np.ndarray) -> float:
        """The variance of one estimate from Σt and Σt² per stratum (length-H arrays)."""
        variance = float(self.variance(first[:, None], second[:, None, None], in_data)[0, 0])
        # A share of 0 or 1 has no spread; rounding can leave -1e-20 where 0 is meant.
        return max(variance, 0.0)
