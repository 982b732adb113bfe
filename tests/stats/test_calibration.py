"""Post-stratification, raking and linear calibration agree with R, variance included."""

import json
from pathlib import Path

import numpy as np
import pytest

from survey.stats import mean
from survey.stats.calibration import calibrate_linear, calibrate_raking, post_stratify, rake
from survey.stats.design import DesignError
from tests.stats.test_agreement_with_r import CASES, design_of, table

EXTRA = json.loads(
    (Path(__file__).parent.parent / "reference" / "reference_extra.json").read_text()
)
BANK = table("bank_survey.csv")
BRANCH_POP = dict(
    zip([f"B0{i}" for i in range(1, 7)], [32000, 35000, 28000, 33000, 31900, 33000], strict=True)
)
TIER_POP = {"gold": 28000, "mass": 160000, "wealth": 4900}


def adjust(design_name, adjustment):
    design = design_of(next(c for c in CASES if c["design"] == design_name))
    branch, tier = BANK.text("branch"), BANK.text("tier")
    if adjustment == "post":
        return post_stratify(design, branch, BRANCH_POP)
    if adjustment == "rake":
        return rake(design, [(tier, TIER_POP), (branch, BRANCH_POP)]).design
    if adjustment == "rake_tight":
        return rake(
            design, [(tier, TIER_POP), (branch, BRANCH_POP)], max_iterations=100, epsilon=1e-12
        ).design
    tiers = np.array(tier)
    x = np.column_stack(
        [np.ones(len(tiers)), tiers == "mass", tiers == "wealth", BANK.numbers("wait")]
    )
    calibrate = calibrate_raking if adjustment == "raking" else calibrate_linear
    return calibrate(design, x, [192900, 160000, 4900, 1774680])


@pytest.mark.parametrize(
    "case",
    [c for c in EXTRA if c["kind"] == "adjusted"],
    ids=lambda c: f"{c['design']}-{c['adjustment']}-{c['domain']}",
)
def test_adjusted_estimates_agree_with_r(case):
    design = adjust(case["design"], case["adjustment"])
    y = BANK.numbers("q_overall")
    if case["var"] == "overall_filled":
        y = np.where(np.isnan(y), 3.0, y)
    domain = None if case["domain"] is None else np.array(BANK.text("tier")) == case["domain"]
    result = mean(design, y, domain, df_rows=~np.isnan(y))
    assert result.estimate == pytest.approx(case["estimate"], rel=1e-9)
    assert result.se == pytest.approx(case["se"], rel=1e-8)
    if case["df"] is not None:
        assert result.df == case["df"]
        assert design.weights.sum() == pytest.approx(case["weight_sum"], rel=1e-9)


def test_post_stratified_weights_hit_the_population():
    design = adjust("bank_strat", "post")
    branch = np.array(BANK.text("branch"))
    for name, size in BRANCH_POP.items():
        assert design.weights[branch == name].sum() == pytest.approx(size)


def test_raking_reports_convergence():
    design = design_of(next(c for c in CASES if c["design"] == "bank_strat"))
    result = rake(
        design,
        [(BANK.text("tier"), TIER_POP), (BANK.text("branch"), BRANCH_POP)],
        max_iterations=100,
        epsilon=1e-12,
    )
    assert result.converged
    assert not rake(
        design,
        [(BANK.text("tier"), TIER_POP), (BANK.text("branch"), BRANCH_POP)],
        max_iterations=1,
        epsilon=1e-12,
    ).converged


def test_post_stratum_without_population_is_an_error():
    design = design_of(next(c for c in CASES if c["design"] == "bank_strat"))
    with pytest.raises(DesignError, match="'B06' is in the sample but has no population"):
        post_stratify(
            design, BANK.text("branch"), {k: v for k, v in BRANCH_POP.items() if k != "B06"}
        )


def test_raking_calibration_hits_its_totals_or_says_it_did_not_converge():
    design = design_of(next(c for c in CASES if c["design"] == "bank_strat"))
    tiers = np.array(BANK.text("tier"))
    x = np.column_stack([np.ones(len(tiers)), tiers == "mass", tiers == "wealth"])
    raked = calibrate_raking(design, x, [192900, 160000, 4900])
    assert x.T @ raked.weights == pytest.approx([192900, 160000, 4900], rel=1e-7)
    assert (raked.weights > 0).all()  # exp(xᵀη): never a negative weight, unlike linear
    with pytest.raises(DesignError, match="did not converge in 1 iterations"):
        calibrate_raking(design, x, [192900, 160000, 4900], max_iterations=1)
