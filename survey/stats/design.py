"""The sample design: strata, clusters, weights and finite-population corrections.

Built once, as R's ``svydesign(ids, strata, weights, fpc)``, and used by every estimator.
Clusters are taken as nested in strata (R's ``nest=TRUE``).

References
----------
Lumley, T. (2004). Analysis of complex survey samples. Journal of Statistical Software 9(8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import DesignError
from .variance import LONELY_PSU, Strata


def factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..k-1 in sorted order of the labels, and the sorted labels.

    Text goes through a dictionary (far faster than sorting a million strings); a column
    already coded (``codes`` and sorted ``labels``, as the CSV reader gives) is taken as is.
    """
    if hasattr(values, "codes") and hasattr(values, "labels"):
        return np.asarray(values.codes, dtype=np.int64), np.asarray(values.labels)
    if isinstance(values, np.ndarray) and values.dtype.kind not in "OUS":
        labels, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int64), labels
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    labels = sorted(set(values))
    index = {label: code for code, label in enumerate(labels)}
    return np.fromiter(map(index.__getitem__, values), np.int64, len(values)), np.asarray(labels)


def _as_text(column):
    """A column of labels as factorize takes it: coded, a list, or numbers read as text."""
    if isinstance(column, list) or hasattr(column, "codes"):
        return column
    return np.asarray(column).astype(str).tolist()


@dataclass(frozen=True, eq=False)
class SampleDesign:
    """A one-stage stratified cluster design (element sampling when each row is a PSU).

    Attributes
    ----------
    weights : per-row sampling weights.
    stratum : per-row stratum code (0..H-1); ``stratum_labels`` names them.
    psu : per-row PSU code (0..P-1), unique across strata.
    psu_stratum : the stratum of each PSU.
    n_psu : PSUs sampled in each stratum (of the whole design).
    fpc_factor : 1 - sampling fraction of each stratum (1 without fpc).
    lonely_psu : what a stratum with one PSU does, as R's ``survey.lonely.psu``.
    """

    weights: np.ndarray
    stratum: np.ndarray
    psu: np.ndarray
    psu_stratum: np.ndarray
    n_psu: np.ndarray
    fpc_factor: np.ndarray
    stratum_labels: tuple
    lonely_psu: str = "fail"
    # Weight adjustments (post-stratification, raking, calibration) whose residuals the
    # variance uses; see calibration.py.
    adjustments: tuple = ()
    # Replicate weights (replicates.py): when present they, not the strata, give variances.
    replicates: object = None

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def strata(self) -> Strata:
        return Strata(self.stratum_labels, self.n_psu, self.fpc_factor, self.lonely_psu)

    @classmethod
    def build(
        cls,
        n: int,
        strata: Sequence[Sequence] | None = None,
        ids: Sequence | None = None,
        weights: Sequence[float] | None = None,
        fpc: Sequence[float] | None = None,
        lonely_psu: str = "fail",
    ) -> SampleDesign:
        """Build a design for ``n`` rows.

        Parameters
        ----------
        strata : columns whose crossed values form the strata (none: one stratum).
        ids : PSU (cluster) identifiers (none: each row is its own PSU).
        weights : sampling weights (none: N_h/n_h from ``fpc``, else 1, as R does).
        fpc : per row, the stratum's population size (of PSUs), or a sampling fraction ≤ 1.
        lonely_psu : fail, remove, certainty, adjust or average.
        """
        if lonely_psu not in LONELY_PSU:
            raise ValueError(
                f"unknown lonely_psu {lonely_psu!r}; choose one of {', '.join(LONELY_PSU)}"
            )
        if strata:
            coded = [factorize(_as_text(c)) for c in strata]
            stratum, names = coded[0]
            labels = [str(name) for name in names]
            for codes, names in coded[1:]:  # crossed: in the order of the tuples of labels
                present, stratum = np.unique(stratum * len(names) + codes, return_inverse=True)
                labels = [f"{labels[k // len(names)]},{names[k % len(names)]}" for k in present]
            labels = tuple(labels)
        else:
            stratum, labels = np.zeros(n, dtype=np.int64), ("",)
        if ids is None:  # element sampling: each row is its own PSU
            psu = np.arange(n, dtype=np.int64)
        else:
            cluster = factorize(_as_text(ids))[0]
            nested = stratum * (int(cluster.max()) + 1 if n else 1) + cluster
            psu = np.unique(nested, return_inverse=True)[1].astype(np.int64)
        n_psus = int(psu.max()) + 1 if n else 0
        psu_stratum = np.zeros(n_psus, dtype=np.int64)
        psu_stratum[psu] = stratum
        n_psu = np.bincount(psu_stratum, minlength=len(labels)).astype(float)
        fpc_factor, population = cls._fpc(fpc, stratum, n_psu, labels)
        if weights is None:
            w = np.ones(n) if population is None else (population / n_psu)[stratum]
        else:
            w = np.asarray(weights, dtype=float)
            if np.isnan(w).any() or (w < 0).any():
                row = int(np.flatnonzero(np.isnan(w) | (w < 0))[0])
                raise DesignError(f"weights: row {row + 1} has a missing or negative weight")
        return cls(w, stratum, psu, psu_stratum, n_psu, fpc_factor, labels, lonely_psu)

    @staticmethod
    def _fpc(fpc, stratum, n_psu, labels):
        if fpc is None:
            return np.ones(len(labels)), None
        values = np.asarray(fpc, dtype=float)
        if np.isnan(values).any():
            row = int(np.flatnonzero(np.isnan(values))[0])
            raise DesignError(f"fpc: row {row + 1} is empty")
        low = np.full(len(labels), np.inf)
        high = np.full(len(labels), -np.inf)
        np.minimum.at(low, stratum, values)
        np.maximum.at(high, stratum, values)
        for h in np.flatnonzero(low != high):
            raise DesignError(
                f"fpc varies within stratum {labels[h]!r} ({low[h]:g} to {high[h]:g})"
            )
        population = np.where(low <= 1, n_psu / np.where(low > 0, low, np.nan), low)
        for h in np.flatnonzero(~(population >= n_psu)):
            raise DesignError(
                f"fpc of stratum {labels[h]!r} ({low[h]:g}) is below its sample of {int(n_psu[h])} PSUs"
            )
        return (population - n_psu) / population, population

    def degrees_of_freedom(self, rows: np.ndarray | None = None) -> int:
        """R's ``degf()``: PSUs with a non-zero weight minus the strata that contain them
        (for replicate weights, their rank minus one)."""
        if self.replicates is not None:
            return self.replicates.degrees_of_freedom(rows)
        inset = self.weights != 0 if rows is None else rows & (self.weights != 0)
        psus = np.bincount(self.psu[inset], minlength=len(self.psu_stratum)) > 0
        strata = np.bincount(self.psu_stratum[psus], minlength=len(self.stratum_labels)) > 0
        return int(psus.sum()) - int(strata.sum())

    def spread(self, point, influence: np.ndarray, present: np.ndarray | None = None):
        """An estimate's variance (a matrix for several): by linearisation from its
        ``influence``, or with replicate weights by recomputing ``point`` — the estimate as
        a function of the weights, given one column or n × R of them — for every column."""
        if self.replicates is not None:
            return self.replicates.variance(point(self.replicates.weights), point(self.weights))
        covariance = self.variance(influence, present)
        return float(covariance[0, 0]) if covariance.shape == (1, 1) else covariance

    def variance(self, influence: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
        """Linearisation (co)variance of totals of ``influence`` (rows × k), as R's svyrecvar.

        Rows outside ``present`` (missing, or out of the domain) must carry zero influence;
        they stay in their stratum, which keeps its full number of PSUs.
        """
        z = influence.reshape(self.n, -1)
        for adjustment in self.adjustments:
            z = adjustment.residuals(z)
            present = None  # adjusted designs keep every row in every domain (as R does)
        k = z.shape[1]
        totals = np.stack(
            [np.bincount(self.psu, z[:, j], minlength=len(self.psu_stratum)) for j in range(k)],
            axis=1,
        )
        strata = len(self.stratum_labels)
        sums = np.stack(
            [np.bincount(self.psu_stratum, totals[:, j], minlength=strata) for j in range(k)],
            axis=1,
        )
        cross = np.zeros((strata, k, k))
        for a in range(k):
            for b in range(a, k):
                cross[:, a, b] = cross[:, b, a] = np.bincount(
                    self.psu_stratum, totals[:, a] * totals[:, b], minlength=strata
                )
        rows = self.stratum[present] if present is not None else self.stratum
        in_data = np.bincount(rows, minlength=strata) > 0
        return self.strata.variance(sums, cross, in_data)
