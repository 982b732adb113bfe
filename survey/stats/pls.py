"""Estimated index weights: a PLS path model, as ACSI-type satisfaction indices are built.

Instead of weights a bank sets by hand (``indices.csi``), the index's items are weighted by
how well they carry the satisfaction that its antecedents (perceived quality, value,
expectations) and consequences (loyalty, complaints) explain. The model is fitted by
Wold's and Lohmöller's PLS algorithm with the path weighting scheme and reflective
(mode A) blocks; every mean, variance and regression is weighted by the sampling weights
(weighted PLS), so the model describes the population, not the sample. The index weights
are the satisfaction block's outer weights unstandardised (divided by each item's standard
deviation on the 0–100 scale) and rescaled to sum to one, as the ACSI does.

Their uncertainty comes from replicate weights that respect the design — the design's own
or a Rao–Wu bootstrap of its strata and PSUs (``replicates.as_replicate``): the whole model
is refitted with each replicate's weights and the spread taken as R's ``svrVar``. The same
replicates give the index's standard error with its weights re-estimated each time.

References
----------
Lohmöller, J.-B. (1989). Latent Variable Path Modeling with Partial Least Squares. Physica.
Fornell, C. et al. (1996). The American Customer Satisfaction Index. Journal of Marketing 60(4).
Becker, J.-M. and Ismail, I. R. (2016). Accounting for sampling weights in PLS path
modeling. European Management Journal 34(6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .design import SampleDesign
from .errors import EstimationError
from .indices import rescale_0_100
from .intervals import critical_value
from .names import SCHEMES
from .replicates import as_replicate

TOLERANCE = 1e-12
MAX_ITERATIONS = 300


@dataclass(frozen=True)
class PathModel:
    """Blocks of items per latent variable, and the paths between them (cause, effect)."""

    blocks: Mapping[str, Sequence[str]]
    paths: Sequence[tuple[str, str]]

    def check(self) -> None:
        names = list(self.blocks)
        for cause, effect in self.paths:
            for name in (cause, effect):
                if name not in self.blocks:
                    raise EstimationError(
                        f"the path {cause} → {effect} names {name!r}, which has no block"
                    )
        seen: dict[str, str] = {}
        for name, items in self.blocks.items():
            if not items:
                raise EstimationError(f"block {name!r} has no items")
            for item in items:
                if item in seen:
                    raise EstimationError(f"item {item!r} is in blocks {seen[item]!r} and {name!r}")
                seen[item] = name
        linked = {n for path in self.paths for n in path}
        for name in names:
            if len(names) > 1 and name not in linked:
                raise EstimationError(f"block {name!r} is on no path")


@dataclass(frozen=True)
class PlsFit:
    """Outer weights (for standardised items), loadings, path coefficients, R² and the
    iterations it took."""

    weights: dict[str, float]
    loadings: dict[str, float]
    paths: dict[tuple[str, str], float]
    r_squared: dict[str, float]
    iterations: int


def _wmean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (w @ x) / w.sum()


def _standardise(x: np.ndarray, w: np.ndarray, scaled: bool = True) -> np.ndarray:
    centred = x - _wmean(x, w)
    sd = np.sqrt(_wmean(centred * centred, w))
    if np.any(sd == 0):
        raise EstimationError("an item does not vary among the respondents: it cannot be weighted")
    return centred / sd if scaled else centred


def _regression(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares without intercept (everything is centred)."""
    root = np.sqrt(w)[:, None]
    return np.linalg.lstsq(x * root, y * root[:, 0], rcond=None)[0]


def fit(
    model: PathModel,
    items: Mapping[str, np.ndarray],
    w: np.ndarray,
    scheme: str = "path",
    scaled: bool = True,
) -> PlsFit:
    """Fit the model to complete rows of ``items`` with sampling weights ``w`` (rows with a
    zero weight take no part: a replicate leaves them out). ``scheme``: the inner weighting,
    path (regression on causes, correlation with effects; the default) or centroid (the
    sign of the correlation). ``scaled``: items standardised (R plspm's default), or only
    centred, for items on one answer scale, as satisfaction indices often are."""
    if scheme not in SCHEMES:
        raise EstimationError(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    model.check()
    names = list(model.blocks)
    position = {name: j for j, name in enumerate(names)}
    keep = w > 0
    w = w[keep]
    x = {
        item: _standardise(np.asarray(items[item], float)[keep], w, scaled)
        for b in names
        for item in model.blocks[b]
    }
    outer = {b: np.ones(len(model.blocks[b])) for b in names}

    def scores_of(weights):
        out = np.empty((len(w), len(names)))
        for j, b in enumerate(names):
            block = np.column_stack([x[item] for item in model.blocks[b]])
            score = block @ weights[b]
            out[:, j] = score / np.sqrt(_wmean(score * score, w))
        return out

    predecessors = {b: [position[c] for c, e in model.paths if e == b] for b in names}
    successors = {b: [position[e] for c, e in model.paths if c == b] for b in names}
    for iteration in range(1, MAX_ITERATIONS + 1):  # noqa: B007 (reported in PlsFit)
        scores = scores_of(outer)
        inner = np.zeros((len(names), len(names)))
        for j, b in enumerate(names):
            if scheme == "centroid":
                for k in predecessors[b] + successors[b]:
                    inner[k, j] = np.sign(_wmean(scores[:, j] * scores[:, k], w))
                continue
            if predecessors[b]:
                inner[predecessors[b], j] = _regression(scores[:, j], scores[:, predecessors[b]], w)
            for k in successors[b]:
                inner[k, j] = _wmean(scores[:, j] * scores[:, k], w)
        proxy = scores @ inner
        updated = {}
        for j, b in enumerate(names):
            block = np.column_stack([x[item] for item in model.blocks[b]])
            raw = (w * proxy[:, j]) @ block / w.sum()
            score = block @ raw
            updated[b] = raw / np.sqrt(_wmean(score * score, w))
        change = sum(float(np.sum((np.abs(outer[b]) - np.abs(updated[b])) ** 2)) for b in names)
        outer = updated
        if change < TOLERANCE:
            break
    else:
        raise EstimationError(f"the PLS algorithm did not converge in {MAX_ITERATIONS} iterations")
    scores = scores_of(outer)
    loadings = {}
    for j, b in enumerate(names):
        signs = [np.sign(_wmean(x[item] * scores[:, j], w)) for item in model.blocks[b]]
        if sum(signs) < 0:  # orient each latent variable with its items, as plspm does
            outer[b] = -outer[b]
            scores[:, j] = -scores[:, j]
        for item in model.blocks[b]:
            sd = np.sqrt(_wmean(x[item] * x[item], w))
            loadings[item] = float(_wmean(x[item] * scores[:, j], w) / sd)
    paths, r_squared = {}, {}
    for j, b in enumerate(names):
        if predecessors[b]:
            coefficients = _regression(scores[:, j], scores[:, predecessors[b]], w)
            for k, c in zip(predecessors[b], coefficients, strict=True):
                paths[(names[k], b)] = float(c)
            fitted = scores[:, predecessors[b]] @ coefficients
            r_squared[b] = float(_wmean(fitted * fitted, w))
    weights = {
        item: float(v) for b in names for item, v in zip(model.blocks[b], outer[b], strict=True)
    }
    return PlsFit(weights, loadings, paths, r_squared, iteration)


def index_weights(
    model: PathModel, fitted: PlsFit, items, w, index: str, scale
) -> dict[str, float]:
    """The index block's weights for its items on the 0–100 scale, summing to one."""
    raw = {}
    keep = w > 0
    for item in model.blocks[index]:
        values = rescale_0_100(np.asarray(items[item], float)[keep], *scale)
        centred = values - _wmean(values, w[keep])
        raw[item] = fitted.weights[item] / np.sqrt(_wmean(centred * centred, w[keep]))
    total = sum(raw.values())
    if total <= 0:
        raise EstimationError(
            f"the items of {index!r} do not point the same way: no index can be made"
        )
    return {item: value / total for item, value in raw.items()}


@dataclass(frozen=True)
class WeightedIndex:
    """The estimated index: its item weights with replicate SEs and intervals, the model's
    paths, and the index's mean (0–100) whose SE includes the weights' estimation."""

    weights: dict[str, float]
    weight_se: dict[str, float]
    weight_intervals: dict[str, tuple[float, float]]
    fit: PlsFit
    estimate: float
    se: float
    interval: tuple[float, float]
    df: int
    n: int
    replicates: int
    replicate_type: str


def estimate_index(
    design: SampleDesign,
    model: PathModel,
    items: Mapping[str, np.ndarray],
    index: str,
    scale: tuple[float, float],
    replicates: int = 200,
    seed: int | None = None,
    confidence_level: float = 0.95,
    scheme: str = "path",
    scaled: bool = True,
) -> WeightedIndex:
    """Fit the model on the respondents who answered every item, weight the index, and
    refit with each set of replicate weights (the design's, else a Rao–Wu bootstrap)."""
    if index not in model.blocks:
        raise EstimationError(
            f"the index {index!r} is not one of the blocks: {', '.join(model.blocks)}"
        )
    every = [item for b in model.blocks for item in model.blocks[b]]
    missing = [item for item in every if item not in items]
    if missing:
        raise EstimationError(f"no column for the item(s) {', '.join(missing)}")
    complete = np.all([~np.isnan(np.asarray(items[i], float)) for i in every], axis=0)
    complete &= design.weights > 0
    if complete.sum() < 3 * len(every):
        raise EstimationError(
            f"{int(complete.sum())} respondents answered every item: too few to fit {len(every)} items"
        )
    replicated = (
        design
        if design.replicates is not None
        else as_replicate(design, "bootstrap", replicates, seed=seed)
    )
    data = {item: np.asarray(items[item], float) for item in every}

    def weights_and_index(w):
        w = np.where(complete, w, 0.0)
        fitted = fit(model, data, w, scheme, scaled)
        a = index_weights(model, fitted, data, w, index, scale)
        row = sum(a[i] * rescale_0_100(np.where(complete, data[i], 0.0), *scale) for i in a)
        return fitted, a, float((w @ row) / w.sum())

    fitted, weights, value = weights_and_index(design.weights)
    names = list(weights)
    thetas = []
    for column in replicated.replicates.weights.T:
        _, a, v = weights_and_index(column)
        thetas.append([a[i] for i in names] + [v])
    thetas = np.asarray(thetas)
    centre = np.array([weights[i] for i in names] + [value])
    variance = np.diag(np.atleast_2d(replicated.replicates.variance(thetas, centre)))
    df = replicated.replicates.degrees_of_freedom(complete)
    q = critical_value(confidence_level, df)
    se = np.sqrt(variance)
    return WeightedIndex(
        weights,
        {i: float(se[k]) for k, i in enumerate(names)},
        {i: (weights[i] - q * se[k], weights[i] + q * se[k]) for k, i in enumerate(names)},
        fitted,
        value,
        float(se[-1]),
        (value - q * se[-1], value + q * se[-1]),
        df,
        int(complete.sum()),
        len(thetas),
        replicated.replicates.type,
    )
