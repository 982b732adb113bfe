"""Estimates from per-stratum sums equal the estimates from rows."""

import numpy as np
import pytest

from survey.stats import DesignError, SampleDesign, by, mean, nps, nps_score
from survey.stats.aggregates import PsuSums, StratumSums, mean_from_psu_sums, mean_from_sums
from tests.stats.test_agreement_with_r import CASES, design_of, table

BANK = table("bank_survey.csv")
DESIGN = design_of(next(c for c in CASES if c["design"] == "bank_strat"))


def sums(y, domain=None, lonely="fail"):
    d = DESIGN
    return StratumSums.from_rows(
        d.stratum, d.weights, y, d.n_psu, d.fpc_factor, d.stratum_labels, domain, lonely
    )


def assert_same(left, right):
    for name in ("estimate", "se", "deff", "deff_replace"):
        assert getattr(left, name) == pytest.approx(getattr(right, name), rel=1e-10), name
    assert (left.df, left.n) == (right.df, right.n)


def test_overall_mean_from_sums_equals_rows():
    y = BANK.numbers("q_overall")
    assert_same(mean_from_sums(sums(y)), mean(DESIGN, y))


@pytest.mark.parametrize("branch", ["B01", "B04", "B06"])
def test_domain_mean_from_sums_equals_rows(branch):
    y = BANK.numbers("q_overall")
    domain = np.array(BANK.text("branch")) == branch
    present = ~np.isnan(y)
    assert_same(mean_from_sums(sums(y, domain)), mean(DESIGN, y, domain, df_rows=present))


def test_nps_from_sums_equals_rows():
    score = nps_score(BANK.numbers("q_nps"))
    from_sums = mean_from_sums(sums(score), kind="nps", scale=100.0)
    from_rows = nps(DESIGN, BANK.numbers("q_nps"))
    assert_same(from_sums, from_rows)
    assert from_sums.confidence_interval().low == pytest.approx(
        from_rows.confidence_interval().low, rel=1e-10
    )


@pytest.mark.parametrize("branch", [None, "B02", "B05"])
def test_clustered_mean_from_psu_sums_equals_rows(branch):
    design = design_of(next(c for c in CASES if c["design"] == "bank_cluster"))
    y = BANK.numbers("q_overall")
    domain = None if branch is None else np.array(BANK.text("branch")) == branch
    from_sums = mean_from_psu_sums(PsuSums.from_rows(design, y, domain))
    assert_same(from_sums, mean(design, y, domain, df_rows=~np.isnan(y)))
    assert from_sums.domain_df == mean(design, y, domain, df_rows=~np.isnan(y)).domain_df


@pytest.mark.parametrize("lonely", ["fail", "average"])
def test_rows_sums_and_domains_refuse_a_design_of_lonely_strata_alike(lonely):
    """One PSU in every stratum: the row path, the sums path and the all-domains path give
    the same DesignError (the sums path once divided by zero under "average")."""
    y = np.array([3.0, 4.0, 5.0])
    design = SampleDesign.build(3, strata=[["a", "b", "c"]], lonely_psu=lonely)
    by_sums = StratumSums.from_rows(
        design.stratum, design.weights, y, design.n_psu, design.fpc_factor,
        design.stratum_labels, None, lonely,
    )  # fmt: skip
    messages = set()
    for estimate in (
        lambda: mean(design, y),
        lambda: mean_from_sums(by_sums),
        lambda: by(design, y, ["x", "x", "y"], mean),
    ):
        with pytest.raises(DesignError) as refused:
            estimate()
        messages.add(str(refused.value))
    assert len(messages) == 1
    assert ("only one PSU" if lonely == "fail" else "nothing to average") in messages.pop()
