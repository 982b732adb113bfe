"""Weighted composites of independent parts, and rank groups that claim only the order the
intervals support.

A composite Σ aₖ·xₖ of independent estimates has variance Σ aₖ²·vₖ; its degrees of freedom
are Satterthwaite's (Σ aₖ²vₖ)² / Σ (aₖ²vₖ)²/dfₖ, so a part estimated from few observations
widens the interval as it should. A part without sampling error (a census: the manager's own
rating) adds to the estimate and nothing to the variance.

Rank groups: sorted from the highest, a group's first member leads it; each next member
joins the group unless it is significantly below the leader, when it leads a new group. The
tests are two-sided at the confidence level, Bonferroni-adjusted over the k(k − 1)/2 pairs of
a league of k (the leader is the top of a sorted list, so the comparisons made are chosen
from all pairs), so the chance that a board separates anyone who is truly level stays below
1 − the confidence level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .intervals import ConfidenceInterval, critical_value


@dataclass(frozen=True)
class Part:
    """One independent component: its estimate, sampling variance and degrees of freedom
    (variance 0 for a part measured without sampling error)."""

    estimate: float
    variance: float = 0.0
    df: float = math.inf


@dataclass(frozen=True)
class Composite:
    estimate: float
    variance: float
    df: float

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        if self.variance == 0:
            return ConfidenceInterval(self.estimate, self.estimate)
        half = critical_value(confidence_level, self.df) * self.se
        return ConfidenceInterval(self.estimate - half, self.estimate + half)


def satterthwaite(variances: Sequence[float], dfs: Sequence[float]) -> float:
    """The degrees of freedom of a sum of independent variance estimates."""
    total = sum(variances)
    if total == 0:
        return math.inf
    denominator = sum(v * v / d for v, d in zip(variances, dfs, strict=True) if v > 0)
    return total * total / denominator if denominator > 0 else math.inf


def compose(parts: Sequence[Part], weights: Sequence[float]) -> Composite:
    """Σ weightₖ · partₖ with its variance and Satterthwaite degrees of freedom."""
    terms = [
        (w * p.estimate, w * w * p.variance, p.df) for p, w in zip(parts, weights, strict=True)
    ]
    variances = [v for _, v, _ in terms]
    return Composite(
        sum(e for e, _, _ in terms),
        sum(variances),
        satterthwaite(variances, [d for *_, d in terms]),
    )


def rank_groups(entries: Sequence[Composite], confidence_level: float = 0.95) -> list[int]:
    """Each entry's rank group (1 = the top), the entries taken in any order."""
    order = sorted(range(len(entries)), key=lambda i: -entries[i].estimate)
    groups = [0] * len(entries)
    comparisons = max(len(entries) * (len(entries) - 1) // 2, 1)
    level = 1 - (1 - confidence_level) / comparisons
    group, leader = 0, None
    for index in order:
        if leader is None or _separated(entries[leader], entries[index], level):
            group, leader = group + 1, index
        groups[index] = group
    return groups


def _separated(higher: Composite, lower: Composite, level: float) -> bool:
    """Whether ``higher`` is significantly above ``lower`` (a two-sided test at ``level``)."""
    variance = higher.variance + lower.variance
    difference = higher.estimate - lower.estimate
    if variance == 0:
        return difference > 0
    df = satterthwaite([higher.variance, lower.variance], [higher.df, lower.df])
    return difference / math.sqrt(variance) > critical_value(level, df)
