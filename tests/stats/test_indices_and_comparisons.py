"""Ratios, contrasts and p-value adjustments against R; the satisfaction indices by construction."""

import json
from pathlib import Path

import numpy as np
import pytest

from survey.cli.table import Table
from survey.stats import SampleDesign, mean, proportion
from survey.stats.comparisons import adjust_p_values, compare_independent, contrast_domains
from survey.stats.estimators import EstimationError
from survey.stats.indices import (
    csi,
    csi_scores,
    rescale_0_100,
    score_0_100,
    servqual_gap,
    top_box,
    top_box_share,
)
from survey.stats.ratio import ratio
from tests.stats.test_agreement_with_r import CASES, REFERENCE, design_of, table

EXTRA = json.loads(
    (Path(__file__).parent.parent / "reference" / "reference_extra.json").read_text()
)
BANK = table("bank_survey.csv")


def bank_design(name):
    spec = next(c for c in CASES if c["design"] == name)
    return design_of(spec)


@pytest.mark.parametrize(
    "case", [c for c in EXTRA if c["kind"] == "ratio"], ids=lambda c: c["design"]
)
def test_ratio_agrees_with_svyratio(case):
    result = ratio(
        bank_design(case["design"]),
        BANK.numbers(case["numerator"]),
        BANK.numbers(case["denominator"]),
    )
    assert result.estimate == pytest.approx(case["estimate"], rel=1e-9)
    assert result.se == pytest.approx(case["se"], rel=1e-9)


@pytest.mark.parametrize(
    "case",
    [c for c in EXTRA if c["kind"] == "contrast"],
    ids=lambda c: f"{c['design']}-{c['first']}-{c['second']}",
)
def test_domain_contrast_agrees_with_svycontrast(case):
    branch = np.array(BANK.text("branch"))
    result = contrast_domains(
        bank_design(case["design"]),
        BANK.numbers("q_overall"),
        branch == case["first"],
        branch == case["second"],
    )
    assert result.difference == pytest.approx(case["estimate"], rel=1e-9)
    assert result.se == pytest.approx(case["se"], rel=1e-9)


def test_domains_across_strata_covary():
    branch = np.array(BANK.text("branch"))
    result = contrast_domains(
        bank_design("bank_strat"), BANK.numbers("q_overall"), branch == "B01", branch == "B03"
    )
    assert result.covariance != 0.0


def test_p_value_adjustments_agree_with_p_adjust():
    (case,) = [c for c in EXTRA if c["kind"] == "p_adjust"]
    assert adjust_p_values(case["p"], "holm") == pytest.approx(case["holm"], rel=1e-12)
    assert adjust_p_values(case["p"], "bh") == pytest.approx(case["bh"], rel=1e-12)
    with pytest.raises(ValueError, match="choose holm or bh"):
        adjust_p_values(case["p"], "bonferoni")


def test_top_box_share_is_the_proportion_in_the_top_codes():
    design = bank_design("bank_strat")
    y = BANK.numbers("q_overall")
    share = top_box_share(design, y, [4, 5])
    direct = proportion(design, BANK.numbers("top2"))
    assert (share.estimate, share.se) == pytest.approx((direct.estimate, direct.se), rel=1e-12)
    assert np.isnan(top_box(np.array([np.nan]), [4, 5])[0])


def test_score_0_100_rescales_mean_and_se():
    design = bank_design("bank_strat")
    y = BANK.numbers("q_overall")
    plain, scaled = mean(design, y), score_0_100(design, y, 1, 5)
    assert scaled.estimate == pytest.approx((plain.estimate - 1) * 25, rel=1e-12)
    assert scaled.se == pytest.approx(plain.se * 25, rel=1e-12)
    with pytest.raises(EstimationError, match="top"):
        rescale_0_100(y, 5, 1)


def test_csi_weights_and_renormalises_over_answered_indicators():
    a = np.array([5.0, 1.0, np.nan, np.nan])
    b = np.array([10.0, 1.0, 10.0, np.nan])
    scores = csi_scores({"a": (a, 1, 5), "b": (b, 1, 10)}, {"a": 0.25, "b": 0.75})
    assert scores[:3] == pytest.approx([100.0, 0.0, 100.0])
    assert np.isnan(scores[3])
    design = SampleDesign.build(4)
    assert csi(
        design, {"a": (a, 1, 5), "b": (b, 1, 10)}, {"a": 0.25, "b": 0.75}
    ).estimate == pytest.approx(200 / 3)


def test_servqual_gap_is_paired_within_respondents():
    rng = np.random.default_rng(7)
    expectation = rng.normal(6, 1, 400)
    perception = expectation - 0.5 + rng.normal(0, 0.3, 400)  # strongly paired
    design = SampleDesign.build(400)
    gap = servqual_gap(design, [perception], [expectation])
    independent = compare_independent(mean(design, perception), mean(design, expectation))
    assert gap.estimate == pytest.approx(independent.difference, rel=1e-12)
    assert gap.se < independent.se / 2  # pairing removes the shared variation


def test_independent_periods_add_variances():
    design = bank_design("bank_strat")
    y = BANK.numbers("q_overall")
    first = mean(design, y)
    result = compare_independent(first, first)
    assert result.difference == 0.0
    assert result.se == pytest.approx(first.se * np.sqrt(2))
    assert result.p_value == 1.0


@pytest.mark.parametrize("method", ["logit", "beta", "mean", "xlogit", "asin", "wilson"])
def test_no_zero_width_interval_when_every_answer_is_the_same(method):
    # 20 answers, none (or all) in the top box: Clopper–Pearson on the 20 rows, whatever
    # the method, instead of "0 % (0–0)".
    design = SampleDesign.build(20, weights=np.full(20, 3.0))
    none = proportion(design, np.zeros(20)).confidence_interval(0.95, method)
    every = proportion(design, np.ones(20)).confidence_interval(0.95, method)
    assert (none.low, none.high) == pytest.approx((0.0, 1 - 0.025 ** (1 / 20)))
    assert (every.low, every.high) == pytest.approx((0.025 ** (1 / 20), 1.0))


MISSING = {c["index"]: c for c in EXTRA if c["kind"] == "missing_items"}


@pytest.mark.parametrize("complete", [False, True])
def test_csi_and_servqual_with_unanswered_items_equal_r(complete):
    """Each rule for unanswered items equals R on the same respondents (bank_items.csv)."""
    items = Table(REFERENCE / "bank_items.csv")
    design = SampleDesign.build(
        items.n,
        strata=[items.text("region"), items.text("tier")],
        weights=items.numbers("weight"),
        fpc=items.numbers("population"),
    )
    indicators = {f"c{k}": (items.numbers(f"c{k}"), 1, 10) for k in (1, 2, 3)}
    index = csi(design, indicators, {"c1": 0.5, "c2": 0.3, "c3": 0.2}, complete=complete)
    r = MISSING["csi_complete" if complete else "csi_available"]
    assert (index.estimate, index.se, index.n) == (
        pytest.approx(r["estimate"], rel=1e-9),
        pytest.approx(r["se"], rel=1e-9),
        r["n"],
    )
    gap = servqual_gap(
        design,
        [items.numbers("p1"), items.numbers("p2")],
        [items.numbers("e1"), items.numbers("e2")],
        complete=complete,
    )
    r = MISSING["gap_complete" if complete else "gap_paired"]
    assert (gap.estimate, gap.se, gap.n) == (
        pytest.approx(r["estimate"], rel=1e-9),
        pytest.approx(r["se"], rel=1e-9),
        r["n"],
    )
