"""Confidence intervals for proportions, as R's svyciprop (and Wilson on the effective n).

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small
expected number of positive counts estimated from survey data. Survey Methodology 24.
Lumley, T. survey package: ``svyciprop`` methods logit, beta, mean, xlogit, asin.
"""

from __future__ import annotations

import math

from scipy import special

from .intervals import ConfidenceInterval, critical_value
from .likelihood import likelihood_interval


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def exact_at_bound(p: float, rows: int, confidence_level: float) -> ConfidenceInterval:
    """Clopper–Pearson for 0 (or all) of ``rows`` answers: [0, 1 − (α/2)^(1/n)] or its mirror.

    At p̂ = 0 or 1 no method has a spread to work with, and a zero-width "100 % (100–100)"
    would claim certainty from a handful of answers; the design effect is taken as 1, as
    Korn and Graubard (1998) do when it cannot be estimated."""
    alpha = 1 - confidence_level
    if p == 0.0:
        return ConfidenceInterval(0.0, float(special.betaincinv(1, rows, 1 - alpha / 2)))
    return ConfidenceInterval(float(special.betaincinv(rows, 1, alpha / 2)), 1.0)


def proportion_interval(
    p: float,
    variance: float,
    df: int,
    rows: int | None,
    domain_df: int | None,
    confidence_level: float,
    method: str,
    logit_variance: float | None = None,
    profile=None,
) -> ConfidenceInterval:
    """The interval for a proportion ``p`` with design variance ``variance`` (a proportion
    of 0 or 1 gets ``exact_at_bound`` from ``Estimate``; a quantile's CDF there, as R's
    Woodruff, gets the point). ``logit_variance``: with replicate weights, the spread of
    the replicates' logits, which R's svyglm uses for 'logit' in place of the delta method.
    ``profile``: the sums the likelihood interval profiles (``likelihood.ProfileSums``)."""
    if variance == 0 or p in (0.0, 1.0):
        return ConfidenceInterval(p, p)  # no spread observed: the interval is the point
    se = math.sqrt(variance)
    q = critical_value(confidence_level, df)
    if method == "likelihood":
        if profile is None:
            raise ValueError(
                "the likelihood interval needs the answers themselves (survey stats or the "
                "stats library), not a database's sums or replicate weights"
            )
        return likelihood_interval(p, variance, df, profile, confidence_level)
    if method in ("logit", "xlogit"):
        # The logit of p with the delta-method SE: R fits svyglm(quasibinomial) for 'logit',
        # whose intercept and sandwich SE are exactly these at convergence.
        centre, half = math.log(p / (1 - p)), q * se / (p * (1 - p))
        if method == "logit" and logit_variance is not None:
            half = q * math.sqrt(logit_variance)
        return ConfidenceInterval(_expit(centre - half), _expit(centre + half))
    if method == "asin":
        # As R: sin² of the bounds on the arcsine scale, unclamped, so a bound past 0 or π/2
        # reflects back into [0, 1] rather than stopping at the edge.
        centre, half = math.asin(math.sqrt(p)), q * se / (2 * math.sqrt(p * (1 - p)))
        return ConfidenceInterval(math.sin(centre - half) ** 2, math.sin(centre + half) ** 2)
    if method == "beta":
        alpha = 1 - confidence_level
        n_eff = p * (1 - p) / variance
        # Korn–Graubard's df adjustment; R uses the domain's own degf() here, not ``df``.
        n_eff *= (
            special.stdtrit(rows - 1, alpha / 2) / special.stdtrit(domain_df or df, alpha / 2)
        ) ** 2
        low = special.betaincinv(n_eff * p, n_eff * (1 - p) + 1, alpha / 2)
        high = special.betaincinv(n_eff * p + 1, n_eff * (1 - p), 1 - alpha / 2)
        return ConfidenceInterval(float(low), float(high))
    # Wilson's score interval on the effective sample size, with the design's t quantile.
    n = p * (1 - p) / variance
    denominator = 1 + q * q / n
    centre = (p + q * q / (2 * n)) / denominator
    half = q / denominator * math.sqrt(p * (1 - p) / n + q * q / (4 * n * n))
    return ConfidenceInterval(centre - half, centre + half)
