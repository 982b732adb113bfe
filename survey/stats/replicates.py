"""Replicate-weight designs: jackknife (JK1, JKn), BRR (and Fay's), bootstrap, as R's
``svrepdesign`` and ``as.svrepdesign``.

A replicate design carries, besides the full-sample weights, R columns of replicate
weights. An estimate's variance is the spread of the estimate recomputed with each
column, ``scale · Σ_r rscale_r (θ_r − θ̄)²`` (R's ``svrVar``; θ̄ the replicates' mean, or
the full-sample estimate with ``mse``). Estimators stay as they are: each hands the design
a function of the weights (``SampleDesign.spread``), evaluated once for all columns.
Its degrees of freedom are the rank of the replicate weights minus one (R's ``degf``).

Data providers publish replicate weights with their files (statistical agencies'
public-use files mostly do); a bank's own stratified sample can be given them with
``as_replicate`` when a client or auditor asks for jackknife or bootstrap variances.

References
----------
Wolter, K. (2007). Introduction to Variance Estimation, 2nd ed. Springer.
Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey data. JASA 83.
Lumley, T. survey package: ``svrepdesign``, ``as.svrepdesign``, ``svrVar``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .errors import DesignError
from .names import CREATED_TYPES, REPLICATE_TYPES  # noqa: F401 (re-exported)


@dataclass(frozen=True, eq=False)
class Replicates:
    """R columns of analysis weights (n × R, the sampling weight included) and how their
    estimates' spread becomes a variance."""

    weights: np.ndarray
    scale: float
    rscales: np.ndarray
    type: str
    mse: bool = False

    def variance(self, thetas: np.ndarray, estimate) -> np.ndarray | float:
        """R's svrVar: thetas are the replicates' estimates (R, or R × k for several)."""
        thetas = np.asarray(thetas, dtype=float)
        if np.isnan(thetas).any():
            bad = int(np.flatnonzero(np.isnan(thetas).reshape(len(thetas), -1).any(axis=1))[0])
            raise DesignError(
                f"replicate {bad + 1} leaves no observation with weight in this estimate; "
                "its domain is too small for these replicate weights"
            )
        centre = np.asarray(estimate) if self.mse else thetas[self.rscales > 0].mean(axis=0)
        deviations = (thetas - centre) * np.sqrt(self.rscales).reshape(
            -1, *([1] * (thetas.ndim - 1))
        )
        if thetas.ndim == 1:
            return float(np.sum(deviations**2) * self.scale)
        return deviations.T @ deviations * self.scale

    def degrees_of_freedom(self, rows: np.ndarray | None = None) -> int:
        """The rank of the rows' replicate weights minus one (R's ``degf`` of the design, or
        of its subset: R recomputes it when rows are dropped).

        R's QR with tolerance 1e-5 on the columns is taken here as the eigenvalues of
        WᵀW above 1e-10 of the largest (the squares of W's singular values)."""
        w = self.weights if rows is None else self.weights[rows]
        if not len(w):
            return -1
        eigenvalues = np.linalg.eigvalsh(w.T @ w)
        return (
            int((eigenvalues > 1e-10 * eigenvalues.max()).sum()) - 1
            if eigenvalues.max() > 0
            else -1
        )


def replicate_design(
    weights,
    repweights,
    rep_type: str,
    scale: float | None = None,
    rscales=None,
    combined: bool = True,
    mse: bool = False,
    rho: float | None = None,
):
    """A design from columns of replicate weights, as ``svrepdesign(type=…)``.

    ``weights`` are the full-sample weights; ``repweights`` n × R replicate weights (or a
    list of R columns), either
    combined (the sampling weight included, R's default) or factors multiplying it. The
    scale follows R's defaults where not given: BRR 1/R, Fay 1/(R(1 − ρ)²), bootstrap
    1/(R − 1), JK1 (R − 1)/R; JKn needs its rscales (per column (n_h − 1)/n_h) when
    the weights are combined.
    """
    from .design import SampleDesign

    if rep_type not in REPLICATE_TYPES:
        raise DesignError(
            f"unknown replicate type {rep_type!r}; choose one of {', '.join(REPLICATE_TYPES)}"
        )
    if isinstance(repweights, list | tuple):  # one array per replicate
        repweights = np.column_stack(repweights)
    repweights = np.asarray(repweights, dtype=float)
    if repweights.ndim != 2 or repweights.shape[1] < 2:
        raise DesignError("replicate weights need at least two columns")
    if np.isnan(repweights).any():
        row, column = np.argwhere(np.isnan(repweights))[0]
        raise DesignError(
            f"replicate weights: row {row + 1}, column {column + 1} is missing (R refuses it too)"
        )
    count = repweights.shape[1]
    weights = np.ones(len(repweights)) if weights is None else np.asarray(weights, dtype=float)
    rscales = None if rscales is None else np.broadcast_to(np.asarray(rscales, float), (count,))
    if rep_type == "BRR":
        scale = 1 / count
    elif rep_type == "Fay":
        if rho is None or not 0 <= rho < 1:
            raise DesignError("Fay's replicates need their rho (0 ≤ rho < 1), as R asks")
        scale = 1 / (count * (1 - rho) ** 2)
    elif rep_type == "bootstrap" and scale is None:
        scale = 1 / (count - 1)
    elif rep_type == "JK1" and scale is None:
        scale = (count - 1) / count if combined else 1 / float(repweights[:, 0].max())
    elif rep_type == "JKn" and rscales is None:
        if combined:
            raise DesignError(
                "JKn replicate weights that include the sampling weight need their rscales "
                "((n_h − 1)/n_h of each column's stratum), as R asks"
            )
        rscales = 1 / repweights.max(axis=0)
    analysis = repweights if combined else repweights * weights[:, None]
    replicates = Replicates(
        analysis,
        1.0 if scale is None else float(scale),
        np.ones(count) if rscales is None else np.array(rscales, dtype=float),
        rep_type,
        mse,
    )
    return replace(SampleDesign.build(len(weights), weights=weights), replicates=replicates)


def as_replicate(design, rep_type: str = "auto", replicates: int = 50, rho: float = 0.0,
                 seed: int | None = None, mse: bool = False):  # fmt: skip
    """The design with replicate weights made from its strata and PSUs, as
    ``as.svrepdesign``: JK1 (unstratified), JKn, BRR or Fay (two PSUs a stratum) and the
    Rao–Wu bootstrap. Jackknives keep the finite-population correction (in rscales, as R),
    BRR drops it (as R, which warns); ``auto`` is JKn when stratified, else JK1.
    """
    stratified = len(design.stratum_labels) > 1
    if design.adjustments or design.replicates is not None:
        raise DesignError(
            "replicate weights are made from a design as sampled, before any adjustment"
        )
    if rep_type == "auto":
        rep_type = "JKn" if stratified else "JK1"
    if rep_type not in CREATED_TYPES:
        raise DesignError(
            f"cannot make {rep_type!r} replicates from a design; choose one of {', '.join(CREATED_TYPES)}"
        )
    if rep_type == "JK1" and stratified:
        raise DesignError("JK1 is for an unstratified design; use JKn for a stratified one (as R)")
    if rep_type in ("JKn", "BRR", "Fay") and not stratified:
        raise DesignError(
            f"{rep_type} needs strata; use JK1 or bootstrap for an unstratified design"
        )
    if rep_type in ("JK1", "JKn"):
        factors, scale, rscales = _jackknife(design)
    elif rep_type == "bootstrap":
        factors, scale, rscales = _bootstrap(design, replicates, np.random.default_rng(seed))
    else:
        factors, scale, rscales = _brr(design, rho if rep_type == "Fay" else 0.0)
    analysis = factors[design.psu] * design.weights[:, None]
    return replace(design, replicates=Replicates(analysis, scale, rscales, rep_type, mse))


def _jackknife(design):
    """One replicate per PSU: drop it, weight its stratum's other PSUs by n_h/(n_h − 1);
    rscale (1 − f_h)(n_h − 1)/n_h (R's jknweights; JK1 is the one-stratum case)."""
    n_h, f = design.n_psu, design.fpc_factor
    columns, rscales = [], []
    strata = len(design.stratum_labels)
    for h in range(strata):
        psus = np.flatnonzero(design.psu_stratum == h)
        if len(psus) == 0 or f[h] == 0:
            continue  # a stratum taken whole has no sampling variance (R drops its replicates)
        if len(psus) == 1:
            if design.lonely_psu == "fail":
                raise DesignError(
                    f"stratum {design.stratum_labels[h]!r} has only one PSU (lonely_psu='fail')"
                )
            if design.lonely_psu == "adjust":
                column = np.where(design.psu_stratum == h, 0.0, strata / (strata - 1))
                columns.append(column)
                rscales.append((strata - 1) / strata)
            continue
        for psu in psus:
            column = np.ones(len(design.psu_stratum))
            column[psus] = n_h[h] / (n_h[h] - 1)
            column[psu] = 0.0
            columns.append(column)
            rscales.append(f[h] * (n_h[h] - 1) / n_h[h])
    if not columns:
        raise DesignError("every stratum was sampled whole: there is no sampling variance")
    scale = 1.0
    if design.lonely_psu == "average" and len(columns) < len(design.psu_stratum):
        scale = len(design.psu_stratum) / len(columns)
    if strata == 1:  # JK1: R puts (1 − f)(n − 1)/n in scale, rscales 1
        return np.column_stack(columns), float(rscales[0]), np.ones(len(columns))
    return np.column_stack(columns), scale, np.asarray(rscales)


def _bootstrap(design, replicates: int, rng):
    """Rao–Wu rescaling bootstrap as R's bootweights: in each stratum, n_h PSUs drawn with
    replacement (without, from N_h copies, under an fpc); a PSU's factor is its count;
    scale n̄/((n̄ − 1)(R − 1)) with n̄ the harmonic mean of the n_h."""
    if replicates < 2:
        raise DesignError("a bootstrap needs at least two replicates")
    factors = np.zeros((len(design.psu_stratum), replicates))
    for h in range(len(design.stratum_labels)):
        psus = np.flatnonzero(design.psu_stratum == h)
        n = len(psus)
        if n == 0:
            continue
        population = None if design.fpc_factor[h] == 1 else round(n / (1 - design.fpc_factor[h]))
        for r in range(replicates):
            if population is None:
                drawn = rng.integers(0, n, n)
            else:
                drawn = rng.choice(np.resize(np.arange(n), population), n, replace=False)
            factors[psus, r] = np.bincount(drawn, minlength=n)
    counts = np.bincount(design.psu_stratum, minlength=len(design.stratum_labels))
    mean_n = 1 / np.mean(1 / counts[counts > 0])
    if mean_n <= 1:
        raise DesignError("a bootstrap needs strata with two PSUs or more")
    return factors, mean_n / ((mean_n - 1) * (replicates - 1)), np.ones(replicates)


def hadamard(size: int) -> np.ndarray:
    """A 0/1 Hadamard matrix with more than ``size`` rows: Sylvester's doubling of R's 4×4,
    the one R uses whenever its choice is a power of two."""
    h = np.array([[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]])
    while len(h) <= size:
        h = np.block([[h, h], [h, 1 - h]])
    return h


def _brr(design, rho: float):
    """Balanced half-samples (R's brrweights): each stratum's two PSUs take the Hadamard
    matrix's row for that stratum: where it is 1 the PSU first in the data is weighted
    2 − ρ and the other ρ, where it is 0 the other way round."""
    strata = len(design.stratum_labels)
    first_row = np.full(len(design.psu_stratum), design.n)
    np.minimum.at(first_row, design.psu, np.arange(design.n))
    pairs = [  # each stratum's PSUs in the order they first appear in the data, as R
        (lambda psus: psus[np.argsort(first_row[psus], kind="stable")])(
            np.flatnonzero(design.psu_stratum == h)
        )
        for h in range(strata)
    ]
    for h, psus in enumerate(pairs):
        if len(psus) != 2:
            raise DesignError(
                f"BRR needs exactly two PSUs in every stratum; stratum {design.stratum_labels[h]!r} has {len(psus)}"
            )
    matrix = hadamard(strata)
    factors = np.zeros((len(design.psu_stratum), len(matrix)))
    for h, (first, second) in enumerate(pairs):
        chosen = matrix[1 + h] == 1
        factors[first] = np.where(chosen, 2 - rho, rho)
        factors[second] = np.where(chosen, rho, 2 - rho)
    return factors, 1 / (len(matrix) * (1 - rho) ** 2), np.ones(len(matrix))
