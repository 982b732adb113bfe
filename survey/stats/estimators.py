"""Design-based estimators: mean, total, proportion and NPS, overall or within domains.

A missing value (NaN) or a row outside the domain stays in its stratum contributing
zero, exactly as R's ``svymean(…, na.rm=TRUE)`` on ``subset(design, …)``: the stratum
keeps all its PSUs, so domain variances are not understated.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .design import SampleDesign, factorize
from .errors import EstimationError
from .estimate import Estimate, design_effects
from .likelihood import ProfileSums


def rows_of(design: SampleDesign, y: np.ndarray, domain: np.ndarray | None):
    """The rows where ``y`` is present, and those of them in the domain (which must hold a
    row with a non-zero weight)."""
    present = ~np.isnan(y)
    rows = present if domain is None else present & domain
    if not (rows & (design.weights != 0)).any():
        raise EstimationError("the domain has no observation with a non-zero weight")
    return present, rows


def _srs_variance(design, y, rows, centre, total_weight):
    """Weighted variance of y in the rows, with R's n/(n-1) (svyvar), and the row count."""
    nobs = int((rows & (design.weights != 0)).sum())
    w = np.where(rows, design.weights, 0.0)
    deviations = np.where(rows, y - centre, 0.0)
    spread = float(np.sum(w * deviations * deviations) / total_weight)
    return (spread * nobs / (nobs - 1) if nobs > 1 else np.nan), nobs


def mean(
    design: SampleDesign, y, domain=None, df_rows=None, kind: str = "mean", scale: float = 1.0
) -> Estimate:
    """The weighted mean (a ratio of totals) with its linearisation variance, as svymean."""
    y = np.asarray(y, dtype=float)
    present, rows = rows_of(design, y, domain)
    w = np.where(rows, design.weights, 0.0)
    total_weight = float(w.sum())
    centre = float(np.sum(w * np.where(rows, y, 0.0)) / total_weight)
    influence = w * np.where(rows, y - centre, 0.0) / total_weight
    values, inside = np.where(rows, y, 0.0), rows.astype(float)

    def share(weights):
        return (values @ weights) / (inside @ weights)

    variance = design.spread(share, influence, present if domain is None else rows)
    logit_variance = None
    if design.replicates is not None and kind == "proportion" and 0 < centre < 1:
        with np.errstate(divide="ignore"):
            logit_variance = design.spread(lambda weights: _logit(share(weights)), None)
    svyvar, nobs = _srs_variance(design, y, rows, centre, total_weight)
    deff, deff_replace = design_effects(variance, svyvar, total_weight, nobs)
    df = design.degrees_of_freedom(present if df_rows is None else df_rows)
    return Estimate(
        centre,
        variance,
        df,
        nobs,
        kind,
        deff,
        deff_replace,
        int(rows.sum()),
        scale,
        domain_df=design.degrees_of_freedom(rows),
        logit_variance=logit_variance,
        profile=ProfileSums.of(y[rows], design.weights[rows])
        if kind == "proportion" and design.replicates is None
        else None,
    )


def _logit(p):
    return np.log(p / (1 - p))


def total(design: SampleDesign, y, domain=None, df_rows=None) -> Estimate:
    """The weighted total with its linearisation variance, as svytotal."""
    y = np.asarray(y, dtype=float)
    present, rows = rows_of(design, y, domain)
    w = np.where(rows, design.weights, 0.0)
    values = np.where(rows, y, 0.0)
    estimate = float(np.sum(w * values))
    variance = design.spread(
        lambda weights: values @ weights, w * values, present if domain is None else rows
    )
    total_weight = float(w.sum())
    centre = estimate / total_weight
    svyvar, nobs = _srs_variance(design, y, rows, centre, total_weight)
    deff, deff_replace = design_effects(variance, svyvar, total_weight, nobs, total_weight**2)
    df = design.degrees_of_freedom(present if df_rows is None else df_rows)
    return Estimate(estimate, variance, df, nobs, "total", deff, deff_replace, int(rows.sum()))


def proportion(design: SampleDesign, y, domain=None, df_rows=None) -> Estimate:
    """The share of rows where ``y`` is 1, for a 0/1 variable (svyciprop's estimate)."""
    y = np.asarray(y, dtype=float)
    bad = ~np.isnan(y) & (y != 0) & (y != 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EstimationError(f"a proportion needs 0/1 values; data row {row + 1} holds {y[row]:g}")
    return mean(design, y, domain, df_rows, kind="proportion")


def nps_score(y) -> np.ndarray:
    """+1 for promoters (9–10), 0 for passives (7–8), −1 for detractors (0–6)."""
    y = np.asarray(y, dtype=float)
    bad = ~np.isnan(y) & ((y < 0) | (y > 10) | (y != np.round(y)))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EstimationError(
            f"an NPS needs whole numbers 0–10; data row {row + 1} holds {y[row]:g}"
        )
    return np.where(np.isnan(y), np.nan, np.where(y >= 9, 1.0, np.where(y >= 7, 0.0, -1.0)))


def nps(design: SampleDesign, y, domain=None, df_rows=None) -> Estimate:
    """Net Promoter Score in points: the mean of the +1/0/−1 score × 100, SE by linearisation."""
    return mean(design, nps_score(y), domain, df_rows, kind="nps", scale=100.0)


ESTIMATORS: dict[str, Callable] = {"mean": mean, "total": total, "prop": proportion, "nps": nps}


def by(design: SampleDesign, y, groups, estimator: Callable) -> list[tuple[str, Estimate]]:
    """One estimate per domain, in sorted order, as svyby; every domain uses the df of the
    design restricted to the rows where ``y`` is present (svyby's confint).

    Means, proportions, NPS and totals are computed for all domains in one pass over the
    rows (the same numbers as one call per domain, which other estimators use).
    """
    y = np.asarray(y, dtype=float)
    present = ~np.isnan(y)
    if not (isinstance(groups, list) or hasattr(groups, "codes")):
        groups = np.asarray(groups).astype(str).tolist()
    every, labels = factorize(groups)
    seen = np.bincount(every[present], minlength=len(labels)) > 0
    if not seen.any():
        raise EstimationError("no domain has an observation")
    names = [str(label) for label in labels[seen]]
    renumber = np.cumsum(seen) - 1
    domain = np.where(present & seen[every], renumber[every], -1)
    kind = {mean: "mean", proportion: "proportion", nps: "nps", total: "total"}.get(estimator)
    if kind is None or design.adjustments or design.replicates is not None:
        return [
            (name, estimator(design, y, domain == j, df_rows=present))
            for j, name in enumerate(names)
        ]
    if kind == "proportion":
        proportion(design, y)  # checks the 0/1 values, naming a bad row
    values = nps_score(y) if kind == "nps" else y
    return list(zip(names, _all_domains(design, values, domain, len(names), kind), strict=True))


def _all_domains(
    design: SampleDesign, y: np.ndarray, domain: np.ndarray, count: int, kind: str
) -> list[Estimate]:
    rows = domain >= 0
    d, w, v = domain[rows], design.weights[rows], y[rows]
    strata, psus = len(design.stratum_labels), len(design.psu_stratum)
    total_weight = np.bincount(d, w, minlength=count)
    weighted = np.bincount(d, w * v, minlength=count)
    nobs = np.bincount(d[w != 0], minlength=count)
    if (total_weight == 0).any():
        empty = int(np.flatnonzero(total_weight == 0)[0])
        raise EstimationError(f"domain {empty + 1} has no observation with a non-zero weight")
    centre = weighted / total_weight
    z = w * v if kind == "total" else w * (v - centre[d]) / total_weight[d]
    h = design.stratum[rows]
    if psus == design.n and (np.bincount(design.psu, minlength=psus) == 1).all():
        first = np.bincount(d * strata + h, z, minlength=count * strata).reshape(count, strata)
        second = np.bincount(d * strata + h, z * z, minlength=count * strata).reshape(count, strata)
    else:
        key = d * psus + design.psu[rows]
        totals = np.bincount(key, z, minlength=count * psus)
        owner, psu = np.divmod(np.arange(count * psus), psus)
        index = owner * strata + design.psu_stratum[psu]
        first = np.bincount(index, totals, minlength=count * strata).reshape(count, strata)
        second = np.bincount(index, totals * totals, minlength=count * strata).reshape(
            count, strata
        )
    in_data = np.bincount(d * strata + h, minlength=count * strata).reshape(count, strata) > 0
    df = design.degrees_of_freedom(domain >= 0)
    domain_dfs = _domain_degrees_of_freedom(design, domain, count)
    row_counts = np.bincount(d, minlength=count)
    spread = np.bincount(d, w * (v - centre[d]) ** 2, minlength=count) / total_weight
    strata_of_design = design.strata
    profiles = _profiles(d, v, w, nobs, count) if kind == "proportion" else [None] * count
    results = []
    for j in range(count):
        variance = strata_of_design.scalar_variance(first[j], second[j], in_data[j])
        n = int(nobs[j])
        svyvar = spread[j] * n / (n - 1) if n > 1 else float("nan")
        scale = total_weight[j] ** 2 if kind == "total" else 1.0
        deff, deff_replace = design_effects(variance, svyvar, float(total_weight[j]), n, scale)
        estimate = float(weighted[j]) if kind == "total" else float(centre[j])
        results.append(
            Estimate(
                estimate,
                variance,
                df,
                n,
                kind,
                deff,
                deff_replace,
                int(row_counts[j]),
                100.0 if kind == "nps" else 1.0,
                domain_df=int(domain_dfs[j]),
                profile=profiles[j],
            )
        )
    return results


def _domain_degrees_of_freedom(design: SampleDesign, domain: np.ndarray, count: int):
    """Every domain's own ``degrees_of_freedom`` in one pass: its PSUs with a non-zero
    weight minus the strata that hold them."""
    rows = (domain >= 0) & (design.weights != 0)
    d, psu = domain[rows], design.psu[rows]
    psus, strata = len(design.psu_stratum), len(design.stratum_labels)
    if psus == design.n:  # each row its own PSU
        per_domain = np.bincount(d, minlength=count)
    else:
        per_domain = np.bincount(np.unique(d * psus + psu) // psus, minlength=count)
    held = np.bincount(d * strata + design.psu_stratum[psu], minlength=count * strata)
    return per_domain - (held.reshape(count, strata) > 0).sum(axis=1)


def _profiles(d, v, w, nobs, count) -> list[ProfileSums]:
    """Each domain's ProfileSums in one pass: sums keyed by (domain, answer)."""
    key = d * 2 + v.astype(np.int64)
    counts = np.bincount(key, minlength=2 * count).reshape(count, 2)
    weights = np.bincount(key, w, minlength=2 * count).reshape(count, 2)
    return [
        ProfileSums(
            tuple(int(c) for c in counts[j]), tuple(float(x) for x in weights[j]), int(nobs[j])
        )
        for j in range(count)
    ]
