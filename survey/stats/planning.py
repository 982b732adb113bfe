"""Planning a survey: the sample needed for a margin of error, and its allocation to strata.

References
----------
Cochran, W. G. (1977). Sampling Techniques, 3rd ed., §4.4 and §5.5 (Neyman allocation).
Kish, L. (1965). Survey Sampling, §8.2 (design effects in planning).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scipy import special

ALLOCATIONS = ("proportional", "neyman", "equal")


@dataclass(frozen=True)
class SampleSizePlan:
    """From the margin asked for to the cases to release."""

    simple_random: float  # n for a simple random sample from an infinite population
    with_design_effect: float
    completes: int  # after the finite-population correction, rounded up
    release: int  # completes / expected response rate, rounded up
    margin_of_error: float
    confidence_level: float


def _plan(
    variance: float,
    margin: float,
    confidence_level: float,
    deff: float,
    population: float | None,
    response_rate: float,
) -> SampleSizePlan:
    if margin <= 0:
        raise ValueError(f"the margin of error must be positive, not {margin}")
    if not 0 < response_rate <= 1:
        raise ValueError(f"the response rate is a share in (0, 1], not {response_rate}")
    if deff <= 0:
        raise ValueError(f"the design effect must be positive, not {deff}")
    z = float(special.ndtri(1 - (1 - confidence_level) / 2))
    n0 = z * z * variance / (margin * margin)
    n1 = n0 * deff
    n = n1 / (1 + (n1 - 1) / population) if population else n1
    completes = math.ceil(n - 1e-9)
    return SampleSizePlan(
        n0, n1, completes, math.ceil(completes / response_rate - 1e-9), margin, confidence_level
    )


def sample_size_proportion(
    margin: float,
    p: float = 0.5,
    confidence_level: float = 0.95,
    deff: float = 1.0,
    population: float | None = None,
    response_rate: float = 1.0,
) -> SampleSizePlan:
    """Completes for a proportion within ±margin (a share, 0.03 = 3 points)."""
    if not 0 < p < 1:
        raise ValueError(f"the expected proportion must be in (0, 1), not {p}")
    return _plan(p * (1 - p), margin, confidence_level, deff, population, response_rate)


def sample_size_mean(
    margin: float,
    sd: float,
    confidence_level: float = 0.95,
    deff: float = 1.0,
    population: float | None = None,
    response_rate: float = 1.0,
) -> SampleSizePlan:
    """Completes for a mean within ±margin, given the expected standard deviation."""
    return _plan(sd * sd, margin, confidence_level, deff, population, response_rate)


def sample_size_nps(
    margin_points: float,
    promoters: float,
    detractors: float,
    confidence_level: float = 0.95,
    deff: float = 1.0,
    population: float | None = None,
    response_rate: float = 1.0,
) -> SampleSizePlan:
    """Completes for an NPS within ±margin points, given the expected promoter and detractor shares."""
    if promoters < 0 or detractors < 0 or promoters + detractors > 1:
        raise ValueError("promoter and detractor shares must be non-negative and sum to at most 1")
    variance = promoters + detractors - (promoters - detractors) ** 2  # of the +1/0/−1 score
    plan = _plan(variance, margin_points / 100, confidence_level, deff, population, response_rate)
    return SampleSizePlan(
        plan.simple_random,
        plan.with_design_effect,
        plan.completes,
        plan.release,
        margin_points,
        confidence_level,
    )


def allocate(
    total: int,
    population: Mapping[str, float],
    method: str = "proportional",
    sd: Mapping[str, float] | None = None,
    minimum: int = 0,
) -> dict[str, int]:
    """Split ``total`` across strata: proportional (N_h), Neyman (N_h·S_h) or equal, with a
    floor per stratum and never more than a stratum holds; the parts sum to ``total``."""
    if method not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {method!r}; choose one of {', '.join(ALLOCATIONS)}")
    if method == "neyman" and (sd is None or set(sd) != set(population)):
        raise ValueError("Neyman allocation needs a standard deviation for every stratum")
    strata = list(population)
    capacity = {h: float(population[h]) for h in strata}
    if total > sum(capacity.values()):
        raise ValueError(f"cannot draw {total} from a population of {int(sum(capacity.values()))}")
    floors = {h: min(minimum, capacity[h]) for h in strata}
    if sum(floors.values()) > total:
        raise ValueError(
            f"a floor of {minimum} in {len(strata)} strata needs more than {total} cases"
        )
    size = {
        h: capacity[h] * (sd[h] if method == "neyman" else 1.0) if method != "equal" else 1.0
        for h in strata
    }
    fixed: dict[str, float] = {}
    while True:  # allocate, pin strata below their floor or above their size, repeat
        free = [h for h in strata if h not in fixed]
        remaining = total - sum(fixed.values())
        weight = sum(size[h] for h in free)
        share = {h: remaining * size[h] / weight if weight else remaining / len(free) for h in free}
        pinned = {h: floors[h] for h in free if share[h] < floors[h]}
        pinned |= {h: capacity[h] for h in free if share[h] > capacity[h]}
        if not pinned:
            break
        fixed |= pinned
    exact = {**fixed, **share}
    counts = {h: int(math.floor(exact[h])) for h in strata}
    shortfall = total - sum(counts.values())
    order = sorted(strata, key=lambda h: exact[h] - counts[h], reverse=True)
    for h in order:
        if shortfall <= 0:
            break
        if counts[h] < capacity[h]:
            counts[h] += 1
            shortfall -= 1
    return counts
