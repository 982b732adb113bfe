"""Design-based survey statistics in pure NumPy/SciPy, agreeing with R's survey package.

No Flask and no ORM: arrays in, immutable estimates out.
"""

from .design import LONELY_PSU, SampleDesign
from .errors import DesignError, EstimationError
from .estimate import Estimate
from .estimators import ESTIMATORS, by, mean, nps, nps_score, proportion, total
from .intervals import MEAN_METHODS, PROPORTION_METHODS, ConfidenceInterval

__all__ = [
    "ESTIMATORS",
    "LONELY_PSU",
    "MEAN_METHODS",
    "PROPORTION_METHODS",
    "ConfidenceInterval",
    "DesignError",
    "Estimate",
    "EstimationError",
    "SampleDesign",
    "by",
    "mean",
    "nps",
    "nps_score",
    "proportion",
    "total",
]
