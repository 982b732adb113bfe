"""Whether an estimate is fit to print: the effective sample size and a reliability flag,
by one rule applied wherever an estimate is shown.

For proportions the rule is the NCHS Data Presentation Standards for Proportions (Parker
et al. 2017, Vital Health Stat 2(175)):

1. the effective sample size ``n_eff`` below 30 → **suppress**;
2. the Korn–Graubard 95 % interval 0.30 wide or wider → **suppress**; wider than 0.05 with
   a relative width (width ÷ p̂) above 130 % → **suppress**; with the complement's
   (width ÷ (1 − p̂)) above 130 % → **review**;
3. fewer than 8 degrees of freedom, or p̂ of exactly 0 or 1 (whose width the standard takes
   as 0) → **review** (shown, marked for a statistician's look).

As NCHS's own implementation (CDC's ``surveytable``, ``.lpe_percents``) applies it.

The standards cover proportions only. For means, totals and NPS the same effective-size
floor and df rule apply, and the relative standard error above 30 % (NCHS's earlier rule
for other statistics) marks **review**; NPS, which runs through zero, has no RSE test.

``n_eff`` has one definition everywhere: the size of a simple random sample (with
replacement) that would give the same variance, ``n / deff_replace`` — for a proportion
p̂(1 − p̂)/var(p̂), NCHS's effective sample size — never more than n; n itself where the
design effect is undefined (no spread, as at p̂ = 0 or 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .estimate import Estimate

MIN_EFFECTIVE_N = 30
MAX_WIDTH = 0.30
NARROW_WIDTH = 0.05
MAX_RELATIVE_WIDTH = 1.30
MIN_DF = 8
MAX_RSE = 0.30
SUPPRESS, REVIEW = "suppress", "review"


@dataclass(frozen=True)
class Reliability:
    n_eff: float
    flag: str | None  # None: fit to print; "review"; "suppress"
    reasons: tuple[str, ...] = ()


def effective_n(estimate: Estimate) -> float:
    """n ÷ the design effect against simple random sampling with replacement, at most n."""
    deff = estimate.deff_replace
    if deff is None or not math.isfinite(deff) or deff <= 0:
        return float(estimate.n)
    return min(float(estimate.n), estimate.n / deff)


def _korn_graubard_width(estimate: Estimate) -> float:
    interval = estimate.confidence_interval(0.95, "beta")
    return interval.high - interval.low


def floor_flag(n_eff: float, df: int) -> str | None:
    """The rule's part for any statistic: too few effective responses, too few df."""
    if n_eff < MIN_EFFECTIVE_N:
        return SUPPRESS
    return REVIEW if df < MIN_DF else None


def reliability(estimate: Estimate) -> Reliability:
    """The rule's verdict on one estimate (see the module's docstring)."""
    n_eff = effective_n(estimate)
    if estimate.df < 1:  # a domain inside one PSU a stratum: no interval can be given
        return Reliability(n_eff, SUPPRESS, (f"{estimate.df} degrees of freedom: no interval",))
    suppress, review = [], []
    if n_eff < MIN_EFFECTIVE_N:
        suppress.append(f"effective sample size {n_eff:.1f} < {MIN_EFFECTIVE_N}")
    if estimate.df < MIN_DF:
        review.append(f"{estimate.df} degrees of freedom < {MIN_DF}")
    if estimate.kind == "proportion":
        p = estimate.estimate
        # At 0 or 100 % the standard takes the width as 0 (the estimate is reviewed instead).
        width = 0.0 if p in (0.0, 1.0) else _korn_graubard_width(estimate)
        if width >= MAX_WIDTH:
            suppress.append(f"Korn–Graubard interval width {width:.3f} ≥ {MAX_WIDTH}")
        elif width > NARROW_WIDTH and width / p > MAX_RELATIVE_WIDTH:
            suppress.append(f"relative interval width above {MAX_RELATIVE_WIDTH:.0%}")
        elif width > NARROW_WIDTH and width / (1 - p) > MAX_RELATIVE_WIDTH:
            review.append(
                f"the complement's relative interval width above {MAX_RELATIVE_WIDTH:.0%}"
            )
        if p in (0.0, 1.0):
            review.append(f"estimate of exactly {p:.0%}")
    elif estimate.kind != "nps" and estimate.estimate != 0:
        rse = estimate.se / abs(estimate.estimate)
        if rse > MAX_RSE:
            review.append(f"relative standard error {rse:.0%} > {MAX_RSE:.0%}")
    flag = SUPPRESS if suppress else REVIEW if review else None
    return Reliability(n_eff, flag, tuple(suppress + review))
