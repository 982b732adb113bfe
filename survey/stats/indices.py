"""Satisfaction indices built on the estimators: top-2-box, 0–100 scores, CSI, SERVQUAL.

References
----------
Fornell, C. et al. (1996). The American Customer Satisfaction Index. Journal of Marketing 60(4).
Parasuraman, A., Zeithaml, V. and Berry, L. (1988). SERVQUAL. Journal of Retailing 64(1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .design import SampleDesign
from .errors import EstimationError
from .estimate import Estimate
from .estimators import mean, proportion


def top_box(y, top_codes: Sequence[float]) -> np.ndarray:
    """1 where the answer is in the top box, 0 otherwise, missing stays missing."""
    y = np.asarray(y, dtype=float)
    return np.where(
        np.isnan(y), np.nan, np.isin(y, np.asarray(top_codes, dtype=float)).astype(float)
    )


def top_box_share(design: SampleDesign, y, top_codes, domain=None, df_rows=None) -> Estimate:
    """The share answering in the top box (top-2-box CSAT), a proportion."""
    return proportion(design, top_box(y, top_codes), domain, df_rows)


def rescale_0_100(y, low: float, high: float) -> np.ndarray:
    """A score on a low..high scale as 0–100 (low → 0, high → 100)."""
    if high <= low:
        raise EstimationError(f"a scale needs its top ({high}) above its bottom ({low})")
    return (np.asarray(y, dtype=float) - low) / (high - low) * 100.0


def score_0_100(
    design: SampleDesign, y, low: float, high: float, domain=None, df_rows=None
) -> Estimate:
    """The mean score rescaled to 0–100."""
    return mean(design, rescale_0_100(y, low, high), domain, df_rows)


def csi_scores(
    indicators: Mapping[str, tuple[np.ndarray, float, float]],
    weights: Mapping[str, float],
    complete: bool = False,
) -> np.ndarray:
    """Each row's 0–100 index: the weighted mean of its indicators rescaled to 0–100.

    By default a row's weights are renormalised over the indicators it answered (a row
    that answered none is missing): a customer who never used the ATM still counts, on
    the items they could judge. ``complete`` keeps only rows that answered every
    indicator (R's ``na.omit``), which in bank surveys often drops a third of them.
    Indicators are (values, scale bottom, scale top).
    """
    if not indicators or set(indicators) != set(weights):
        raise EstimationError("every CSI indicator needs a weight, and every weight an indicator")
    numerator = denominator = 0.0
    missing = False
    for name, (values, low, high) in indicators.items():
        scores = rescale_0_100(values, low, high)
        answered = ~np.isnan(scores)
        missing = missing | ~answered
        numerator = numerator + np.where(answered, scores, 0.0) * weights[name]
        denominator = denominator + answered * float(weights[name])
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan
        )
    return np.where(missing, np.nan, scores) if complete else scores


def csi(
    design: SampleDesign, indicators, weights, domain=None, df_rows=None, complete: bool = False
) -> Estimate:
    """The weighted 0–100 customer-satisfaction index and its design-based SE."""
    return mean(design, csi_scores(indicators, weights, complete), domain, df_rows)


def servqual_gaps(perception: Sequence, expectation: Sequence, complete: bool = False):
    """Each row's gap: the mean of perception − expectation over its item pairs.

    By default over the pairs it answered on both sides, so a respondent's perception and
    expectation always come from the same items; ``complete`` keeps only rows that
    answered every item on both sides (R's ``na.omit``).
    """
    if len(perception) != len(expectation):
        raise EstimationError("SERVQUAL pairs each perception item with one expectation item")
    gaps = np.vstack(
        [
            np.asarray(p, float) - np.asarray(e, float)
            for p, e in zip(perception, expectation, strict=True)
        ]
    )
    answered = ~np.isnan(gaps)
    counts = answered.sum(axis=0)
    means = np.where(counts > 0, np.nansum(gaps, axis=0) / np.maximum(counts, 1), np.nan)
    return np.where(counts == len(gaps), means, np.nan) if complete else means


def servqual_gap(
    design: SampleDesign,
    perception: Sequence,
    expectation: Sequence,
    domain=None,
    df_rows=None,
    complete: bool = False,
) -> Estimate:
    """The mean gap perception − expectation of a dimension, paired within each respondent
    (never the difference of two independent means), so its SE reflects the pairing."""
    return mean(design, servqual_gaps(perception, expectation, complete), domain, df_rows)
