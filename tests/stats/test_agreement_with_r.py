"""Every reference value computed by R's survey package (tests/reference/make_reference.R)
is reproduced to 1e-9 relative (1e-6 for R's glm-fitted logit and likelihood intervals)."""

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from survey.cli.table import Table
from survey.stats import ESTIMATORS, SampleDesign, by

REFERENCE = Path(__file__).parent.parent / "reference"
CASES = json.loads((REFERENCE / "reference.json").read_text())["cases"]
STAT = {"mean": "mean", "total": "total", "prop": "prop", "nps": "nps"}


@lru_cache
def table(name: str) -> Table:
    return Table(REFERENCE / name)


def design_of(case) -> SampleDesign:
    data = table(case["data"])
    lonely = case["design"].split("_", 1)[1] if case["design"].startswith("lonely_") else "fail"
    return SampleDesign.build(
        data.n,
        strata=[data.text(c) for c in case["strata"]] if case["strata"] else None,
        ids=data.text(case["ids"]) if case["ids"] else None,
        weights=data.numbers(case["weights"]) if case["weights"] else None,
        fpc=data.numbers(case["fpc"]) if case["fpc"] else None,
        lonely_psu=lonely,
    )


def values_of(case) -> np.ndarray:
    data = table(case["data"])
    if case["var"] == "nps_score":
        return data.numbers("q_nps")
    if case["var"] == "yes":
        return np.array([1.0 if v == "Yes" else 0.0 for v in data.text("sch.wide")])
    if case["var"] == "high_api":
        return (data.numbers("api00") >= 850).astype(float)
    return data.numbers(case["var"])


def compute(case):
    design = design_of(case)
    estimator = ESTIMATORS[STAT[case["stat"]]]
    y = values_of(case)
    if case["by"]:
        return dict(by(design, y, table(case["data"]).text(case["by"]), estimator))[case["domain"]]
    return estimator(design, y)


def label(case):
    parts = [
        case["design"],
        case["stat"],
        case["var"],
        case["ci_method"],
        str(case["confidence_level"]),
    ]
    if case["by"]:
        parts.append(f"{case['by']}={case['domain']}")
    return "-".join(parts)


@pytest.mark.parametrize("case", CASES, ids=label)
def test_agrees_with_r(case):
    result = compute(case)
    scale = result.scale
    assert result.estimate * scale == pytest.approx(case["estimate"], rel=1e-9)
    assert result.se * scale == pytest.approx(case["se"], rel=1e-9)
    assert result.df == case["df"]
    assert result.n == case["n"]
    if case["deff"] is not None:
        assert result.deff == pytest.approx(case["deff"], rel=1e-9)
        assert result.deff_replace == pytest.approx(case["deff_replace"], rel=1e-9)
    ci = result.confidence_interval(case["confidence_level"], case["ci_method"])
    # R fits a glm for logit and likelihood, converged to a 1e-8 change in deviance: equal to
    # 1e-6 for logit. The likelihood interval also takes glm's working weights from the
    # iteration before the last, so its lambda is R's to about 1e-4: 1e-5 there.
    tolerance = {"logit": 1e-6, "likelihood": 1e-5}.get(case["ci_method"], 1e-9)
    assert ci.low == pytest.approx(case["ci_low"], rel=tolerance)
    assert ci.high == pytest.approx(case["ci_high"], rel=tolerance)


def test_reference_covers_the_design_features():
    designs = {case["design"] for case in CASES}
    assert {"bank_strat", "bank_cluster", "api_strat", "api_clus1"} <= designs
    assert {"lonely_remove", "lonely_certainty", "lonely_adjust", "lonely_average"} <= designs
    methods = {case["ci_method"] for case in CASES if case["stat"] == "prop"}
    assert methods == {"logit", "beta", "mean", "xlogit", "asin", "likelihood"}


DOMAIN_DF = [
    c
    for c in json.loads((REFERENCE / "reference_extra.json").read_text())
    if c["kind"] == "domain_df"
]


@pytest.mark.parametrize("case", DOMAIN_DF, ids=lambda c: f"{c['design']}-{c['var']}-{c['domain']}")
def test_a_domains_own_degrees_of_freedom_agree_with_r_on_a_subset(case):
    from survey.stats.estimate import own_df

    reference = next(c for c in CASES if c["design"] == case["design"])
    data = table(reference["data"])
    y = data.numbers(case["var"])
    estimator = ESTIMATORS[case["stat"]]
    estimate = own_df(
        dict(by(design_of(reference), y, data.text("branch"), estimator))[case["domain"]]
    )
    assert estimate.df == case["df"]
    assert estimate.estimate == pytest.approx(case["estimate"], rel=1e-9)  # R fits the logit by glm
    ci = estimate.confidence_interval(0.95, case["method"])
    tolerance = 1e-6 if case["method"] == "logit" else 1e-9
    assert (ci.low, ci.high) == pytest.approx((case["ci_low"], case["ci_high"]), rel=tolerance)
