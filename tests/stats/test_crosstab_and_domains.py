"""The sums path's new pieces against the row path and R: the Rao–Scott test (values from
tests/reference/rao_scott.R), domain contrasts, totals and pairwise key drivers."""

import json
from pathlib import Path

import numpy as np
import pytest

from survey.stats import total
from survey.stats.aggregates import StratumSums, combine, contrast_from_sums, total_from_sums
from survey.stats.comparisons import contrast_domains
from survey.stats.crosstab import CellSums, rao_scott
from survey.stats.drivers import drivers_from_correlation, key_drivers, pairwise_correlation
from tests.stats.test_aggregates import BANK, DESIGN, sums

REFERENCE = json.loads((Path(__file__).parents[1] / "reference" / "rao_scott.json").read_text())


def cell_sums(first, second, subset=None) -> CellSums:
    """Per-stratum Σw and Σw² of each cell of first × second (row-fastest), as SQL groups them."""
    d = DESIGN
    inside = np.ones(d.n, bool) if subset is None else subset
    ok = inside & (first != "") & (second != "")
    rows, columns = sorted(set(first[ok])), sorted(set(second[ok]), key=float)
    cell = np.array(
        [
            rows.index(a) + len(rows) * columns.index(b) if k else -1
            for a, b, k in zip(first, second, ok, strict=True)
        ]
    )
    strata, cells = len(d.stratum_labels), len(rows) * len(columns)
    w = np.zeros((strata, cells))
    ww = np.zeros((strata, cells))
    np.add.at(w, (d.stratum[ok], cell[ok]), d.weights[ok])
    np.add.at(ww, (d.stratum[ok], cell[ok]), d.weights[ok] ** 2)
    in_scope = np.bincount(d.stratum[inside], minlength=strata) > 0
    present = np.bincount(d.stratum[ok], minlength=strata) > 0
    return CellSums(
        w,
        ww,
        d.n_psu,
        d.fpc_factor,
        present,
        len(rows),
        len(columns),
        int(inside.sum()),
        int(inside.sum()) - int(in_scope.sum()),
        "fail",
    )


@pytest.mark.parametrize("case", ["branch_by_overall", "with_missing", "subset_tier_by_overall"])
def test_rao_scott_equals_r_svychisq(case):
    branch = BANK.text("branch")
    overall = np.array(["" if np.isnan(v) else f"{v:g}" for v in BANK.numbers("q_overall")])
    subset = None
    first = branch
    if case != "branch_by_overall":
        overall[:7] = ""
    if case == "subset_tier_by_overall":
        subset, first = branch == "B02", BANK.text("tier")
    result = rao_scott(cell_sums(first, overall, subset))
    expected = REFERENCE[case]
    assert result.statistic == pytest.approx(expected["statistic"], rel=1e-10)
    assert result.ndf == pytest.approx(expected["ndf"], rel=1e-10)
    assert result.ddf == pytest.approx(expected["ddf"], rel=1e-10)
    assert result.p_value == pytest.approx(expected["p_value"], rel=1e-8)


def test_a_segment_against_the_rest_from_sums_equals_the_row_contrast():
    y = BANK.numbers("q_overall")
    branch = BANK.text("branch")
    for name in sorted(set(branch))[:4]:
        inside = branch == name
        from_sums = contrast_from_sums(sums(y, inside), sums(y, ~inside))
        from_rows = contrast_domains(DESIGN, y, inside, ~inside)
        assert from_sums.difference == pytest.approx(from_rows.difference, rel=1e-12)
        assert from_sums.se == pytest.approx(from_rows.se, rel=1e-10)
        assert from_sums.df == from_rows.df
        assert from_sums.p_value == pytest.approx(from_rows.p_value, rel=1e-8)


def test_combined_domains_equal_their_union():
    y = BANK.numbers("q_overall")
    branch = BANK.text("branch")
    merged = combine([sums(y, branch == "B01"), sums(y, branch == "B02")])
    union = sums(y, (branch == "B01") | (branch == "B02"))
    for name in ("count", "w", "wy", "wyy", "ww", "wwy", "wwyy"):
        assert np.allclose(getattr(merged, name), getattr(union, name))
    assert isinstance(merged, StratumSums)


def test_total_from_sums_equals_svytotal_on_rows():
    y = BANK.numbers("wait")
    from_sums = total_from_sums(sums(y))
    from_rows = total(DESIGN, y)
    for name in ("estimate", "se", "deff"):
        assert getattr(from_sums, name) == pytest.approx(getattr(from_rows, name), rel=1e-10), name
    assert (from_sums.df, from_sums.n) == (from_rows.df, from_rows.n)


def test_pairwise_drivers_equal_complete_case_drivers_when_all_answered():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 3))
    outcome = x @ np.array([0.6, 0.3, 0.1]) + rng.normal(scale=0.5, size=400)
    w = rng.uniform(0.5, 2.0, 400)
    data = np.column_stack([x, outcome])
    k = data.shape[1]
    sums = np.einsum("r,ri->i", w, data)
    sw = np.full((k, k), w.sum())
    sx = np.tile(sums[:, None], (1, k))
    sxx = np.tile(np.einsum("r,ri->i", w, data**2)[:, None], (1, k))
    sxy = np.einsum("r,ri,rj->ij", w, data, data)
    correlation = pairwise_correlation(sw, sx, sx.T, sxx, sxx.T, sxy)
    from_sums = drivers_from_correlation(["a", "b", "c"], correlation, 400)
    from_rows = key_drivers(outcome, {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2]}, w)
    assert np.allclose(from_sums.pearson, from_rows.pearson)
    assert np.allclose(from_sums.relative_weights, from_rows.relative_weights)
    assert np.allclose(from_sums.shapley, from_rows.shapley)
    assert from_sums.relative_weights[0] > from_sums.relative_weights[2]
