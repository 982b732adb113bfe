"""The sufficient-statistics path: estimates from per-stratum sums, not from rows.

For element sampling (each response its own PSU) a stratum's contribution to the
linearisation variance of a mean needs only n, Σw, Σwy, Σwy², Σw², Σw²y and Σw²y² of
the rows in the domain. Reports ask the database for these with one GROUP BY and feed
them here, so millions of responses move a few kilobytes (DESIGN.md, statistics at scale).
The results equal the row path's (``estimators.mean``) to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .comparisons import Comparison
from .errors import EstimationError
from .estimate import Estimate, design_effects
from .variance import Strata


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


def _design_effects(sums, variance: float, centre: float, total_weight: float, nobs: int):
    """deff both ways from Σwy and Σwy²: R's svyvar is Σw(y − ȳ)²/Σw · n/(n − 1)."""
    spread = float(
        (sums.wyy.sum() - 2 * centre * sums.wy.sum() + centre**2 * total_weight) / total_weight
    )
    svyvar = spread * nobs / (nobs - 1) if nobs > 1 else float("nan")
    return design_effects(variance, svyvar, total_weight, nobs)


def _strata(sums) -> Strata:
    return Strata(sums.labels, sums.n_psu, sums.fpc_factor, sums.lonely_psu)


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
    in_data = sums.present_count > 0
    variance = _strata(sums).scalar_variance(first, second, in_data)
    deff, deff_replace = _design_effects(sums, variance, centre, total_weight, nobs)
    df = int(sums.present_count.sum()) - int(in_data.sum())
    domain_df = nobs - int((sums.count > 0).sum())
    return Estimate(
        centre, variance, df, nobs, kind, deff, deff_replace, nobs, scale, domain_df=domain_df
    )


@dataclass(frozen=True)
class PsuSums:
    """Sums per PSU for clustered designs (one entry per PSU in the data).

    ``psu_stratum`` gives each PSU's stratum code; ``present`` marks PSUs with a row where
    the variable is present (they set the df); count and the sums cover the domain's rows.
    """

    labels: tuple
    n_psu: np.ndarray  # per stratum, whole design
    fpc_factor: np.ndarray  # per stratum
    psu_stratum: np.ndarray
    present: np.ndarray
    count: np.ndarray
    w: np.ndarray
    wy: np.ndarray
    wyy: np.ndarray
    lonely_psu: str = "fail"

    @classmethod
    def from_rows(cls, design, y, domain=None) -> PsuSums:
        """Build the sums from rows (what a GROUP BY psu computes in SQL)."""
        y = np.asarray(y, dtype=float)
        present = ~np.isnan(y)
        rows = present if domain is None else present & domain
        psus = len(design.psu_stratum)
        w = design.weights

        def total(values):
            return np.bincount(design.psu[rows], values[rows], minlength=psus)

        return cls(
            design.stratum_labels,
            design.n_psu,
            design.fpc_factor,
            design.psu_stratum,
            np.bincount(design.psu[present & (w != 0)], minlength=psus) > 0,
            np.bincount(design.psu[rows & (w != 0)], minlength=psus).astype(float),
            total(w),
            total(w * y),
            total(w * y * y),
            design.lonely_psu,
        )


def mean_from_psu_sums(sums: PsuSums, kind: str = "mean", scale: float = 1.0) -> Estimate:
    """The weighted mean and its linearisation variance from per-PSU sums."""
    total_weight = float(sums.w.sum())
    nobs = int(sums.count.sum())
    if total_weight == 0 or nobs == 0:
        raise EstimationError("the domain has no observation with a non-zero weight")
    centre = float(sums.wy.sum()) / total_weight
    psu_totals = (sums.wy - centre * sums.w) / total_weight
    strata = len(sums.labels)
    first = np.bincount(sums.psu_stratum, psu_totals, minlength=strata)
    second = np.bincount(sums.psu_stratum, psu_totals**2, minlength=strata)
    in_data = np.bincount(sums.psu_stratum[sums.present], minlength=strata) > 0
    variance = _strata(sums).scalar_variance(first, second, in_data)
    deff, deff_replace = _design_effects(sums, variance, centre, total_weight, nobs)
    df = int(sums.present.sum()) - int(in_data.sum())
    used = sums.count > 0
    domain_df = int(used.sum()) - int(
        (np.bincount(sums.psu_stratum[used], minlength=strata) > 0).sum()
    )
    return Estimate(
        centre, variance, df, nobs, kind, deff, deff_replace, nobs, scale, domain_df=domain_df
    )


def _influence_sums(sums: StratumSums) -> tuple[np.ndarray, np.ndarray]:
    """Per stratum, Σz and Σz² of the domain mean's influence z = w (y − ȳ)/W."""
    total_weight = float(sums.w.sum())
    if total_weight == 0:
        raise EstimationError("the domain has no observation with a non-zero weight")
    centre = float(sums.wy.sum()) / total_weight
    first = (sums.wy - centre * sums.w) / total_weight
    second = (sums.wwyy - 2 * centre * sums.wwy + centre**2 * sums.ww) / total_weight**2
    return first, second


def contrast_from_sums(first: StratumSums, second: StratumSums, scale: float = 1.0) -> Comparison:
    """first − second for two disjoint domains of one design (a segment against the rest,
    one month against the next), with their covariance: the influence of the difference
    is z₁ − z₂, and no row is in both, so Σ(z₁ − z₂)² = Σz₁² + Σz₂²."""
    first_1, second_1 = _influence_sums(first)
    first_2, second_2 = _influence_sums(second)
    in_data = first.present_count > 0
    variance = _strata(first).scalar_variance(first_1 - first_2, second_1 + second_2, in_data)
    difference = float(first.wy.sum() / first.w.sum() - second.wy.sum() / second.w.sum())
    df = int(first.present_count.sum()) - int(in_data.sum())
    return Comparison(difference * scale, math.sqrt(max(variance, 0.0)) * scale, df)


def combine(parts: list[StratumSums]) -> StratumSums:
    """The sums of the union of disjoint domains of one design (months into a quarter)."""
    head = parts[0]
    return replace(
        head,
        **{
            name: sum(getattr(p, name) for p in parts)
            for name in ("count", "w", "wy", "wyy", "ww", "wwy", "wwyy")
        },
    )


def total_from_sums(sums: StratumSums) -> Estimate:
    """The weighted total (svytotal) from per-stratum sums: the influence is w·y itself."""
    total_weight = float(sums.w.sum())
    nobs = int(sums.count.sum())
    if total_weight == 0 or nobs == 0:
        raise EstimationError("the domain has no observation with a non-zero weight")
    estimate = float(sums.wy.sum())
    in_data = sums.present_count > 0
    variance = _strata(sums).scalar_variance(sums.wy, sums.wwyy, in_data)
    centre = estimate / total_weight
    spread = float(
        (sums.wyy.sum() - 2 * centre * sums.wy.sum() + centre**2 * total_weight) / total_weight
    )
    svyvar = spread * nobs / (nobs - 1) if nobs > 1 else float("nan")
    deff, deff_replace = design_effects(variance, svyvar, total_weight, nobs, total_weight**2)
    df = int(sums.present_count.sum()) - int(in_data.sum())
    return Estimate(estimate, variance, df, nobs, "total", deff, deff_replace, nobs)
