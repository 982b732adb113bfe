"""Quantiles and Woodruff intervals agree with R 4.x's svyquantile."""

import json
from pathlib import Path

import numpy as np
import pytest

from survey.stats import SampleDesign
from survey.stats.quantiles import quantile, weighted_quantile
from tests.stats.test_agreement_with_r import CASES, design_of, table

EXTRA = json.loads(
    (Path(__file__).parent.parent / "reference" / "reference_extra.json").read_text()
)
QUANTILES = [c for c in EXTRA if c["kind"] == "quantile"]


def data_of(design):
    return "apistrat.csv" if design == "api_strat" else "bank_survey.csv"


@pytest.mark.parametrize(
    "case", QUANTILES, ids=lambda c: f"{c['design']}-{c['var']}-{c['p']}-{c['method']}"
)
def test_quantile_agrees_with_svyquantile(case):
    design = design_of(next(c for c in CASES if c["design"] == case["design"]))
    result = quantile(
        design,
        table(data_of(case["design"])).numbers(case["var"]),
        case["p"],
        method=case["method"],
    )
    assert result.estimate == pytest.approx(case["estimate"], rel=1e-12)
    for ours, theirs in ((result.ci_low, case["ci_low"]), (result.ci_high, case["ci_high"])):
        if theirs is None:  # R gives NaN where the CDF is 0 or 1; we give the degenerate interval
            assert ours == result.estimate
        else:
            assert ours == pytest.approx(theirs, rel=1e-12)
    if case["se"] is not None and case["ci_low"] is not None:
        assert result.se == pytest.approx(case["se"], rel=1e-9)


def test_weighted_quantile_rule():
    x, w = np.array([3.0, 1.0, 2.0, 4.0]), np.array([1.0, 1.0, 1.0, 1.0])
    assert weighted_quantile(x, w, 0.5) == 2.0  # exactly half the weight at 2: R's rule takes 2
    assert weighted_quantile(x, w, 0.51) == 3.0


def test_bad_quantile_requests():
    design = design_of(CASES[0])
    y = table("bank_survey.csv").numbers("wait")
    with pytest.raises(ValueError, match="0 < p < 1"):
        quantile(design, y, 1.5)
    with pytest.raises(ValueError, match="choose one of mean, xlogit, asin, beta"):
        quantile(design, y, 0.5, method="wilson")


TIES = [c for c in EXTRA if c["kind"] == "quantile_ties"]


@pytest.mark.parametrize("case", TIES, ids=lambda c: f"p{c['p']}")
def test_a_cumulative_share_landing_exactly_on_p_takes_the_lower_value_as_r(case):
    # 100 answers of 3 and 100 of 4, every weight 0.1: summed in doubles the share after
    # the threes is 0.5000000000000001, not 0.5; R sums in long double and gets 0.5.
    y = np.repeat(np.array(case["values"], dtype=float), case["each"])
    design = SampleDesign.build(len(y), weights=np.full(len(y), case["weight"]))
    result = quantile(design, y, case["p"])
    assert (result.estimate, result.ci_low, result.ci_high) == (
        case["estimate"],
        case["ci_low"],
        case["ci_high"],
    )
