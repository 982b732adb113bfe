"""The service star's statistics: the composite's interval covers the truth near the nominal
rate for tellers with 10–60 customer ratings (simulated), rank groups recover a known order
and do not invent one, and the design-based line agrees with R's svyglm."""

import math

import numpy as np
import pytest

from survey.staff.parts import customer_parts, peer_part, pooled_variance
from survey.stats import SampleDesign
from survey.stats.ranking import Composite, Part, compose, rank_groups, satterthwaite
from survey.stats.regression import simple_regression

# A counter card's scores (0–100 in steps of 10) as customers give them: mostly high.
VALUES = np.arange(0, 101, 10, dtype=float)
PROBABILITIES = np.array([1, 1, 1, 2, 3, 5, 8, 12, 18, 22, 27], dtype=float)
PROBABILITIES /= PROBABILITIES.sum()
TRUE_CUSTOMER = float(VALUES @ PROBABILITIES)
WEIGHTS = (40, 30, 15, 15)


def _one_league_member(rng, n: int, team: np.ndarray, raters: int):
    """One simulated month for one teller among 200 other customers' responses in two
    strata of unequal weights; returns (composite, its truth)."""
    others = 200
    scores = rng.choice(VALUES, size=n + others, p=PROBABILITIES)
    numbers = np.array(["T1"] * n + [f"X{i % 10}" for i in range(others)], dtype=object)
    strata = rng.integers(0, 2, n + others)
    design = SampleDesign.build(
        n + others, strata=[strata.tolist()], weights=np.where(strata == 0, 2.0, 5.0)
    )
    _, customer = customer_parts(design, scores, numbers)["T1"]
    sampled = rng.choice(team, size=raters, replace=False)
    # The league pools the within-teller spread of peer ratings over its 20 tellers.
    spreads = [np.var(rng.choice(team, size=raters, replace=False), ddof=1) for _ in range(19)]
    pooled = float(np.mean([np.var(sampled, ddof=1), *spreads]))
    peer = peer_part(sampled.tolist(), pooled, 20 * (raters - 1), len(team))
    ops, lobby = 80.0, 70.0
    parts = [
        customer,
        Part(peer.mean, peer.variance, peer.df),
        Part(ops),
        Part(lobby),
    ]
    composite = compose(parts, [w / 100 for w in WEIGHTS])
    truth = (WEIGHTS[0] * TRUE_CUSTOMER + WEIGHTS[1] * team.mean() + 15 * ops + 15 * lobby) / 100
    return composite, truth


@pytest.mark.parametrize("n", [10, 20, 40, 60])
def test_the_composite_interval_covers_the_truth_near_the_nominal_rate(n):
    rng = np.random.default_rng(n)
    team = np.array([70, 75, 80, 85, 90, 65, 95, 80], dtype=float)  # the colleagues' ratings
    covered, reps = 0, 1500
    for _ in range(reps):
        composite, truth = _one_league_member(rng, n, team, raters=5)
        ci = composite.confidence_interval(0.95)
        covered += ci.low <= truth <= ci.high
    coverage = covered / reps
    # 1,500 runs: a binomial standard error of about 0.006 around 0.95.
    assert 0.93 <= coverage <= 0.975, coverage


def test_a_composite_adds_variances_and_takes_satterthwaite_degrees_of_freedom():
    parts = [Part(60.0, 4.0, 9), Part(80.0, 2.0, 4), Part(70.0), Part(90.0)]
    composite = compose(parts, [0.4, 0.3, 0.15, 0.15])
    assert composite.estimate == pytest.approx(0.4 * 60 + 0.3 * 80 + 0.15 * 70 + 0.15 * 90)
    a, b = 0.16 * 4.0, 0.09 * 2.0
    assert composite.variance == pytest.approx(a + b)
    assert composite.df == pytest.approx((a + b) ** 2 / (a * a / 9 + b * b / 4))
    assert satterthwaite([0.0, 0.0], [3, 4]) == math.inf


def test_every_colleague_rating_leaves_no_sampling_error_in_the_peer_part():
    everyone = peer_part([70.0, 80.0, 90.0], pooled=50.0, df=10, possible=3)
    some = peer_part([70.0, 80.0], pooled=50.0, df=10, possible=6)
    assert everyone.variance == 0
    assert some.variance == pytest.approx(50.0 / 2 * (1 - 2 / 6))


def test_ten_full_marks_still_give_an_interval_from_the_pooled_spread():
    scores = np.array([100.0] * 10 + [40.0, 60.0, 80.0, 100.0, 20.0] * 4)
    numbers = np.array(["T1"] * 10 + ["T2"] * 20, dtype=object)
    parts = customer_parts(SampleDesign.build(30), scores, numbers)
    n, all_full_marks = parts["T1"]
    pooled, _ = pooled_variance([scores[:10], scores[10:]])
    assert (n, all_full_marks.estimate) == (10, 100.0)
    # Its own variance is 0: the pooled spread over n counts for 10 of 19 degrees of freedom.
    assert all_full_marks.variance == pytest.approx(10 * pooled / 10 / 19)
    assert all_full_marks.df == 19


def test_rank_groups_recover_a_known_order():
    truth = [90, 90, 90, 70, 70, 50]
    entries = [Composite(t, 0.5, 200) for t in truth]
    assert rank_groups(entries) == [1, 1, 1, 2, 2, 3]
    shuffled = [entries[i] for i in (5, 0, 3, 1, 4, 2)]
    assert rank_groups(shuffled) == [3, 1, 2, 1, 2, 1]


def test_rank_groups_do_not_separate_tellers_who_are_truly_level():
    rng = np.random.default_rng(7)
    separated, reps = 0, 400
    for _ in range(reps):
        entries = []
        for _ in range(10):
            scores = rng.choice(VALUES, size=30, p=PROBABILITIES)
            entries.append(Composite(scores.mean(), scores.var(ddof=1) / 30, 29))
        separated += max(rank_groups(entries)) > 1
    assert separated / reps <= 0.07


def test_rank_groups_separate_tellers_who_truly_differ():
    rng = np.random.default_rng(8)
    good = PROBABILITIES[::-1].copy()  # mostly low scores for the weak tellers
    recovered, reps = 0, 200
    for _ in range(reps):
        entries = []
        for p in [PROBABILITIES] * 3 + [good] * 3:
            scores = rng.choice(VALUES, size=60, p=p)
            entries.append(Composite(scores.mean(), scores.var(ddof=1) / 60, 59))
        groups = rank_groups(entries)
        recovered += max(groups[:3]) < min(groups[3:])
    assert recovered / reps >= 0.95


def test_the_waiting_line_agrees_with_r_svyglm():
    # R 4 survey: svyglm(y ~ x, design = subset(svydesign(ids=~1, strata=~st, weights=~w,
    # data=d), !is.na(y))) on the rows below gave these coefficients, SE and df.
    rng = np.random.default_rng(7)
    n = 80
    st = rng.choice(["a", "b", "c"], n)
    w = np.where(st == "a", 3.0, np.where(st == "b", 5.5, 8.0))
    x = rng.integers(0, 120, n).astype(float)
    y = 80 - 0.2 * x + rng.normal(0, 15, n)
    y[3] = np.nan
    design = SampleDesign.build(n, strata=[st.tolist()], weights=w)
    line = simple_regression(design, y, x)
    assert line.intercept == pytest.approx(85.800602371100, abs=1e-9)
    assert line.slope.estimate == pytest.approx(-0.330838494822, abs=1e-11)
    assert line.slope.se == pytest.approx(0.043503821154, abs=1e-11)
    assert line.slope.df == 75
