"""Design-based survey statistics in pure NumPy/SciPy, agreeing with R's survey package.

No Flask and no ORM: arrays in, immutable estimates out. The package's names load their
modules on first use, so a command that only lists the choices (``names``) starts without
NumPy or SciPy.
"""

from importlib import import_module

from .names import LONELY_PSU, MEAN_METHODS, PROPORTION_METHODS

_HOMES = {
    "ESTIMATORS": "estimators",
    "ConfidenceInterval": "intervals",
    "DesignError": "errors",
    "Estimate": "estimate",
    "EstimationError": "errors",
    "SampleDesign": "design",
    "by": "estimators",
    "mean": "estimators",
    "nps": "estimators",
    "nps_score": "estimators",
    "proportion": "estimators",
    "total": "estimators",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["LONELY_PSU", "MEAN_METHODS", "PROPORTION_METHODS", *_HOMES]
