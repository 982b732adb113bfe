"""Estimated index weights (stats/pls.py): the PLS path model equals R's plspm on the ECSI
customer-satisfaction data it ships (outer weights, loadings and the centroid scheme's
paths, published with plspm's outputs), sampling weights act as replicated rows, and the
index, its weights' bootstrap intervals and the command behave."""

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from survey.stats import SampleDesign
from survey.stats.errors import EstimationError
from survey.stats.indices import csi
from survey.stats.pls import PathModel, estimate_index, fit

REFERENCE = Path(__file__).parent.parent / "reference"
ECSI = REFERENCE / "ecsi_satisfaction.csv"
BLOCKS = {
    "IMAG": [f"imag{i}" for i in range(1, 6)],
    "EXPE": [f"expe{i}" for i in range(1, 6)],
    "QUAL": [f"qual{i}" for i in range(1, 6)],
    "VAL": [f"val{i}" for i in range(1, 5)],
    "SAT": [f"sat{i}" for i in range(1, 5)],
    "LOY": [f"loy{i}" for i in range(1, 5)],
}
PATHS = [("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
         ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "LOY")]  # fmt: skip
MODEL = PathModel(BLOCKS, PATHS)


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as file:
        return list(csv.DictReader(file))


def ecsi() -> dict[str, np.ndarray]:
    rows = rows_of(ECSI)
    return {item: np.array([float(r[item]) for r in rows]) for b in BLOCKS.values() for item in b}


def reference(name: str) -> dict[str, dict]:
    return {row["name"]: row for row in rows_of(REFERENCE / name)}


@pytest.mark.parametrize(
    ("scheme", "published"),
    [("path", "ecsi_plspm_path.csv"), ("centroid", "ecsi_plspm_centroid.csv")],
)
def test_the_model_equals_r_plspm_on_the_ecsi_data(scheme, published):
    data = ecsi()
    fitted = fit(MODEL, data, np.ones(250), scheme=scheme, scaled=False)
    # plspm stops at a squared change of 1e-6, we at 1e-12: equal to 1e-5.
    for item, row in reference(published).items():
        assert fitted.weights[item] == pytest.approx(float(row["weight"]), rel=1e-5), item
        assert fitted.loadings[item] == pytest.approx(float(row["loading"]), rel=1e-5), item
    if scheme == "centroid":
        with open(REFERENCE / "ecsi_plspm_centroid_sat_paths.csv", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                cause = row[""]
                assert fitted.paths[(cause, "SAT")] == pytest.approx(
                    float(row["Estimate"]), abs=1e-5
                )


def test_sampling_weights_act_as_replicated_respondents():
    data = ecsi()
    rng = np.random.default_rng(4)
    copies = rng.integers(1, 4, 250)
    weighted = fit(MODEL, data, copies.astype(float))
    repeated = fit(MODEL, {k: np.repeat(v, copies) for k, v in data.items()}, np.ones(copies.sum()))
    for item in weighted.weights:
        assert weighted.weights[item] == pytest.approx(repeated.weights[item], rel=1e-9)
    for path, value in weighted.paths.items():
        assert value == pytest.approx(repeated.paths[path], rel=1e-9)


def test_two_blocks_converge_to_the_weighted_cross_correlations_first_singular_vectors():
    """With two blocks Wold's mode A is the power method on the cross-correlation matrix."""
    data = ecsi()
    w = np.random.default_rng(9).uniform(0.5, 2.0, 250)
    model = PathModel({"QUAL": BLOCKS["QUAL"], "SAT": BLOCKS["SAT"]}, [("QUAL", "SAT")])
    fitted = fit(model, data, w)

    def standardised(items):
        x = np.column_stack([data[i] for i in items])
        centred = x - (w @ x) / w.sum()
        return centred / np.sqrt((w @ centred**2) / w.sum())

    cross = (standardised(BLOCKS["QUAL"]) * w[:, None]).T @ standardised(BLOCKS["SAT"]) / w.sum()
    left, _, right = np.linalg.svd(cross)
    for block, vector in (("QUAL", left[:, 0]), ("SAT", right[0])):
        ours = np.array([fitted.weights[i] for i in BLOCKS[block]])
        # converged to a squared change of 1e-12 in the weights: equal to 1e-6
        assert ours / ours.sum() == pytest.approx(vector / vector.sum(), rel=1e-6)


def test_the_index_uses_its_estimated_weights_and_its_bootstrap_respects_the_design():
    data = ecsi()
    rows = rows_of(ECSI)
    gender = [r["gender"] for r in rows]
    weights = np.array([1.6 if g == "male" else 1.0 for g in gender])
    design = SampleDesign.build(250, strata=[gender], weights=weights)
    result = estimate_index(design, MODEL, data, "SAT", (0, 10), replicates=100, seed=3)
    assert sum(result.weights.values()) == pytest.approx(1.0)
    same = csi(design, {i: (data[i], 0, 10) for i in result.weights}, result.weights)
    assert result.estimate == pytest.approx(same.estimate, rel=1e-12)
    # Re-estimating the weights in each replicate adds their uncertainty to the index's.
    assert result.se > 0 and result.df == 99 and result.replicates == 100
    for item, (low, high) in result.weight_intervals.items():
        assert low < result.weights[item] < high and result.weight_se[item] > 0
    again = estimate_index(design, MODEL, data, "SAT", (0, 10), replicates=100, seed=3)
    assert again.weight_se == result.weight_se


def test_a_model_that_cannot_be_fitted_is_refused_by_name():
    data = ecsi()
    design = SampleDesign.build(250)
    for model, index, message in [
        (PathModel(BLOCKS, [("SAT", "NPS")]), "SAT", "names 'NPS', which has no block"),
        (PathModel({"A": ["sat1"], "B": ["sat1"]}, [("A", "B")]), "A", "item 'sat1' is in blocks"),
        (MODEL, "CSI", "the index 'CSI' is not one of the blocks"),
        (
            PathModel({**BLOCKS, "X": ["nope"]}, [*PATHS, ("X", "SAT")]),
            "SAT",
            "no column for the item(s) nope",
        ),
    ]:
        with pytest.raises(EstimationError, match=re.escape(message)):
            estimate_index(design, model, data, index, (0, 10), replicates=10, seed=1)


def _command(*extra):
    blocks = [f"--block={b}={','.join(items)}" for b, items in BLOCKS.items()]
    paths = [f"--path={c}:{e}" for c, e in PATHS]
    return ["index-weights", str(ECSI), *blocks, *paths, *extra]


def test_the_command_prints_weights_intervals_and_the_index(runner):
    result = runner.invoke(args=_command("--index", "SAT", "--scale", "0,10", "--seed", "2",
                                         "--replicates", "50"))  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [w["item"] for w in out["weights"]] == BLOCKS["SAT"]
    assert sum(w["weight"] for w in out["weights"]) == pytest.approx(1.0)
    assert out["replicates"] == 50 and out["n"] == 250
    assert out["ci_low"] < out["estimate"] < out["ci_high"]
    for argument, message in [
        (["--index", "SAT", "--scale", "ten"], "--scale 'ten': write LOW,HIGH"),
        (["--index", "CSI", "--scale", "0,10"], "the index 'CSI' is not one of the blocks"),
        (["--index", "SAT", "--scale", "0,10", "--block", "SAT=x"], "--block 'SAT' is given twice"),
        (
            ["--index", "SAT", "--scale", "0,10", "--path", "SAT"],
            "--path 'SAT': write CAUSE:EFFECT",
        ),
    ]:
        bad = runner.invoke(args=_command(*argument))
        assert bad.exit_code != 0 and message in bad.output, (argument, bad.output)
        assert "Traceback" not in bad.output
