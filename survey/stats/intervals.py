"""Interval building blocks shared by every estimator."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from .names import MEAN_METHODS, PROPORTION_METHODS  # noqa: F401 (re-exported)


@dataclass(frozen=True)
class ConfidenceInterval:
    low: float
    high: float


class IntervalError(ValueError):
    """No interval can be given for these data (a design without degrees of freedom)."""


def _check_level(confidence_level: float) -> None:
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, not {confidence_level}")


def critical_value(confidence_level: float, df: float, method: str = "t") -> float:
    """The two-sided critical value: Student's t with the design df, or the normal."""
    _check_level(confidence_level)
    upper = 1 - (1 - confidence_level) / 2
    if method == "normal" or df == math.inf:
        return float(special.ndtri(upper))
    if df <= 0:
        raise IntervalError(
            f"the design has {df} degrees of freedom: no t interval; use method='normal'"
        )
    return float(special.stdtrit(df, upper))
