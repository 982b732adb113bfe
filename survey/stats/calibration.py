"""Weight adjustment with the matching variance: post-stratification, raking, linear calibration.

Each adjustment returns a new design whose weights hit the population figures and whose
variance uses the residuals of the influence values, exactly as R's ``postStratify``,
``rake`` and ``calibrate(calfun="linear")`` do (svyrecvar).

References
----------
Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling. JASA 87.
Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R, chapter 7.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .design import SampleDesign
from .errors import DesignError


def _group_codes(labels) -> tuple[np.ndarray, np.ndarray]:
    names, codes = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    return codes, names


@dataclass(frozen=True, eq=False)
class PostStratification:
    """One post-stratification step: its groups and the weights before and after."""

    groups: np.ndarray
    old_weights: np.ndarray
    new_weights: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        psw = self.new_weights.copy()
        psw[(psw == 0) & (self.old_weights == 0)] = 1.0
        k = int(self.groups.max()) + 1
        ratio = (self.old_weights / psw)[:, None] * z
        numerator = np.stack(
            [np.bincount(self.groups, ratio[:, j], minlength=k) for j in range(z.shape[1])], axis=1
        )
        denominator = np.bincount(self.groups, self.old_weights, minlength=k)
        return z - (numerator / denominator[:, None])[self.groups] * psw[:, None]


@dataclass(frozen=True, eq=False)
class Raking:
    """The margins of the last raking pass; their residuals are taken ten times over, as R."""

    margins: tuple[PostStratification, ...]

    def residuals(self, z: np.ndarray) -> np.ndarray:
        for _ in range(10):
            for margin in self.margins:
                k = int(margin.groups.max()) + 1
                counts = np.bincount(margin.groups, minlength=k)
                scaled = z / margin.new_weights[:, None]
                means = (
                    np.stack(
                        [
                            np.bincount(margin.groups, scaled[:, j], minlength=k)
                            for j in range(z.shape[1])
                        ],
                        axis=1,
                    )
                    / counts[:, None]
                )
                z = z - margin.new_weights[:, None] * means[margin.groups]
        return z


@dataclass(frozen=True, eq=False)
class LinearCalibration:
    """GREG weights g = 1 + xᵀ(XᵀWX)⁻¹(T − t̂); variance from regression residuals."""

    x: np.ndarray
    root_weights: np.ndarray
    g: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        scale = (self.g * self.root_weights)[:, None]
        design = self.x * self.root_weights[:, None]
        u = np.divide(z, scale, out=np.zeros_like(z), where=scale != 0)
        beta = np.linalg.lstsq(design, u, rcond=None)[0]
        return (u - design @ beta) * scale


def _with(design: SampleDesign, weights: np.ndarray, adjustment) -> SampleDesign:
    if design.replicates is not None:
        raise DesignError(
            "calibrating a design with replicate weights is not offered; calibrated weights "
            "take their variance by linearisation"
        )
    return replace(design, weights=weights, adjustments=(*design.adjustments, adjustment))


def _post_stratify_step(
    weights: np.ndarray, labels, population: Mapping[str, float]
) -> PostStratification:
    codes, names = _group_codes(labels)
    sample = np.bincount(codes, weights, minlength=len(names))
    targets = {str(k): float(v) for k, v in population.items()}
    missing = [str(n) for n in names if n not in targets]
    if missing:
        raise DesignError(
            f"post-stratum {missing[0]!r} is in the sample but has no population figure"
        )
    absent = [n for n in targets if n not in set(names) and targets[n] > 0]
    if absent:
        raise DesignError(
            f"post-stratum {absent[0]!r} has a population but no respondent; merge it with another"
        )
    factor = np.array([targets[n] for n in names]) / sample
    return PostStratification(codes, weights, weights * factor[codes])


def post_stratify(design: SampleDesign, labels, population: Mapping[str, float]) -> SampleDesign:
    """Weights scaled so each post-stratum's weighted count equals its population."""
    step = _post_stratify_step(design.weights, labels, population)
    return _with(design, step.new_weights, step)


@dataclass(frozen=True)
class RakingResult:
    design: SampleDesign
    iterations: int
    converged: bool


def rake(
    design: SampleDesign,
    margins: Sequence[tuple[Sequence, Mapping[str, float]]],
    max_iterations: int = 10,
    epsilon: float = 1.0,
) -> RakingResult:
    """Iterative proportional fitting to several margins, as R's ``rake``.

    Stops when no cell of the margins' cross-table moves by epsilon or more between passes
    (R's default ``epsilon=1``, in weight units; below 1 it is a share of the total weight),
    or after ``max_iterations`` passes.
    """
    tolerance = epsilon * float(design.weights.sum()) if epsilon < 1 else epsilon
    cells = _group_codes(
        ["\x1f".join(map(str, parts)) for parts in zip(*[m[0] for m in margins], strict=True)]
    )[0]
    old = np.bincount(cells, design.weights)
    weights, iteration = design.weights, 0
    while iteration < max_iterations:
        steps = []  # each pass continues from the weights of the one before
        for labels, population in margins:
            step = _post_stratify_step(weights, labels, population)
            steps.append(step)
            weights = step.new_weights
        new = np.bincount(cells, weights)
        if np.max(np.abs(old - new)) < tolerance:
            return RakingResult(_with(design, weights, Raking(tuple(steps))), iteration, True)
        old = new
        iteration += 1
    return RakingResult(_with(design, weights, Raking(tuple(steps))), iteration, False)


def calibrate_linear(design: SampleDesign, x: np.ndarray, totals: Sequence[float]) -> SampleDesign:
    """Linear (GREG) calibration: weights whose weighted totals of the columns of x equal ``totals``."""
    x = np.asarray(x, dtype=float)
    totals = np.asarray(totals, dtype=float)
    w = design.weights
    root = np.sqrt(w)
    cross = (x * w[:, None]).T @ x
    try:
        coefficients = np.linalg.solve(cross, totals - x.T @ w)
    except np.linalg.LinAlgError:
        raise DesignError(
            "the calibration variables are collinear (or a column is all zero)"
        ) from None
    g = 1 + x @ coefficients
    return _with(design, w * g, LinearCalibration(x, root, g))


def calibrate_raking(
    design: SampleDesign,
    x: np.ndarray,
    totals: Sequence[float],
    max_iterations: int = 50,
    epsilon: float = 1e-7,
) -> SampleDesign:
    """Raking calibration (R's ``calibrate(…, calfun = "raking")``): weights w·exp(xᵀη) whose
    weighted totals of the columns of x equal ``totals``, found by Newton's method as R's
    ``grake`` (weights first rescaled when every total is over 20 times the sample's, the
    same stopping rule, step halving). The variance uses the same regression residuals as
    linear calibration, with these g-weights, as R does."""
    x = np.asarray(x, dtype=float)
    population = np.asarray(totals, dtype=float)
    w = design.weights.copy()
    sample_total = x.T @ w
    with np.errstate(divide="ignore"):
        scales = population / sample_total
    scale = float(np.mean(scales)) if scales.min() > 20 else None
    if scale is not None:
        w, sample_total = w * scale, sample_total * scale
    eta = np.zeros(x.shape[1])
    for _ in range(max_iterations):
        g = np.exp(x @ eta)
        hessian = (x * (w * g)[:, None]).T @ x
        misfit = population - sample_total - x.T @ (w * (g - 1))
        step = np.linalg.pinv(hessian, rcond=256 * np.finfo(float).eps) @ misfit
        eta = eta + step
        g = np.exp(x @ eta)
        while not np.isfinite(g).all():
            step = step / 2
            eta = eta - step
            g = np.exp(x @ eta)
        misfit = population - sample_total - x.T @ (w * (g - 1))
        if (np.abs(misfit) / (1 + np.abs(population)) < epsilon).all():
            break
    else:
        raise DesignError(f"raking calibration did not converge in {max_iterations} iterations")
    if scale is not None:
        g = g * scale
    weights = design.weights * g
    return _with(design, weights, LinearCalibration(x, np.sqrt(design.weights), g))
