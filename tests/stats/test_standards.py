"""The presentation standard: one effective sample size, and NCHS's rule for proportions
(effective n, Korn–Graubard width and relative width, df, 0 or 100 %), applied to every
estimate `survey stats` and the estimates API print."""

import json

import numpy as np
import pytest

from survey.stats import SampleDesign, mean, proportion
from survey.stats.estimate import Estimate
from survey.stats.standards import effective_n, reliability


def _prop(p, n, deff=1.0, df=None):
    variance = p * (1 - p) / n * deff
    return Estimate(p, variance, df if df is not None else n - 1, n, "proportion",
                    deff, deff, n, 1.0, n - 1)  # fmt: skip


def test_one_effective_sample_size():
    assert effective_n(_prop(0.4, 200, deff=2.0)) == pytest.approx(100)
    assert effective_n(_prop(0.4, 200, deff=0.5)) == 200  # never more than n
    assert effective_n(Estimate(0.0, 0.0, 99, 100, "proportion", None, None, 100)) == 100
    design = SampleDesign.build(6, weights=[1, 1, 1, 3, 3, 3])
    y = np.array([0, 1, 0, 1, 1, 0], dtype=float)
    estimate = proportion(design, y)
    assert estimate.effective_n == pytest.approx(estimate.n / estimate.deff_replace)


@pytest.mark.parametrize(
    ("estimate", "flag", "reason"),
    [
        (_prop(0.5, 400), None, ""),
        (_prop(0.5, 50, deff=2.0), "suppress", "effective sample size 25.0 < 30"),
        (_prop(0.5, 40), "suppress", "interval width"),  # wide: about 0.32
        (_prop(0.03, 150), "suppress", "relative interval width"),  # width 0.062, 208 % of p
        (_prop(0.02, 200), None, ""),  # width 0.045: narrow enough whatever its relative width
        (_prop(0.5, 400, df=5), "review", "5 degrees of freedom < 8"),
        (
            Estimate(1.0, 0.0, 399, 400, "proportion", None, None, 400, 1.0, 399),
            "review",
            "exactly 100%",
        ),
        (Estimate(50.0, 400.0, 99, 100, "mean", 1.0, 1.0), "review", "relative standard error 40%"),
        (Estimate(3.8, 0.01, 99, 100, "mean", 1.0, 1.0), None, ""),
        (Estimate(-5.0, 400.0, 99, 100, "nps", 1.0, 1.0, scale=100.0), None, ""),
    ],
)
def test_the_rule(estimate, flag, reason):
    verdict = reliability(estimate)
    assert verdict.flag == flag
    assert reason in " ".join(verdict.reasons)


def test_every_json_entry_carries_the_verdict(runner, tmp_path):
    rng = np.random.default_rng(5)
    path = tmp_path / "small.csv"
    rows = ["branch,y"] + [
        f"{'A' if i < 25 else 'B'},{int(rng.random() < 0.6)}" for i in range(225)
    ]
    path.write_text("\n".join(rows) + "\n")
    result = runner.invoke(
        args=["stats", str(path), "--var", "y", "--stat", "prop", "--by", "branch"]
    )
    entries = {e["by"]["branch"]: e for e in json.loads(result.output)["estimates"]}
    assert entries["A"]["flag"] == "suppress" and entries["A"]["n_eff"] <= 25
    assert entries["B"]["flag"] is None and entries["B"]["n_eff"] == pytest.approx(200, rel=0.2)
    design = SampleDesign.build(225)
    y = np.array([float(r.split(",")[1]) for r in rows[1:]])
    assert mean(design, y).effective_n == pytest.approx(225)
