"""Sample sizes, allocation, Cronbach's alpha (against R) and key drivers."""

import json
import math
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest

from survey.stats.drivers import (
    _r_squared,
    _weighted_correlation,
    importance_performance,
    key_drivers,
)
from survey.stats.estimators import EstimationError
from survey.stats.planning import (
    allocate,
    sample_size_mean,
    sample_size_nps,
    sample_size_proportion,
)
from survey.stats.reliability import cronbach_alpha, standardised_alpha, survey_alpha
from tests.stats.test_agreement_with_r import CASES, design_of, table

EXTRA = json.loads(
    (Path(__file__).parent.parent / "reference" / "reference_extra.json").read_text()
)
BANK = table("bank_survey.csv")


def test_proportion_sample_size_textbook_value():
    plan = sample_size_proportion(0.03)  # the classic ±3 points at 95 %: 1,068
    assert plan.completes == 1068
    assert plan.release == 1068


def test_design_effect_fpc_and_response_rate():
    plan = sample_size_proportion(0.05, p=0.5, deff=1.5, population=2000, response_rate=0.4)
    n1 = 1.959963984540054**2 * 0.25 / 0.05**2 * 1.5
    assert plan.with_design_effect == pytest.approx(n1)
    assert plan.completes == math.ceil(n1 / (1 + (n1 - 1) / 2000))
    assert plan.release == math.ceil(plan.completes / 0.4)


def test_mean_and_nps_sample_sizes():
    assert sample_size_mean(0.1, sd=1.0).completes == math.ceil(1.959963984540054**2 / 0.01)
    nps = sample_size_nps(5, promoters=0.4, detractors=0.2)
    variance = 0.4 + 0.2 - 0.2**2
    assert nps.simple_random == pytest.approx(1.959963984540054**2 * variance / 0.05**2)


@pytest.mark.parametrize(
    "bad", [{"margin": 0}, {"margin": 0.03, "response_rate": 0}, {"margin": 0.03, "p": 1.2}]
)
def test_sample_size_refuses_nonsense(bad):
    with pytest.raises(ValueError):
        sample_size_proportion(**bad)


def test_allocation_sums_respects_floors_and_caps():
    population = {"a": 50000, "b": 30000, "c": 1000, "d": 40}
    for method, sd in [
        ("proportional", None),
        ("equal", None),
        ("neyman", {"a": 1, "b": 2, "c": 1, "d": 3}),
    ]:
        counts = allocate(1000, population, method, sd, minimum=50)
        assert sum(counts.values()) == 1000
        assert counts["d"] == 40  # capped at the stratum's size
        assert counts["c"] >= 50
    proportional = allocate(800, {"a": 6000, "b": 2000})
    assert proportional == {"a": 600, "b": 200}
    neyman = allocate(900, {"a": 1000, "b": 1000}, "neyman", {"a": 1, "b": 2})
    assert neyman == {"a": 300, "b": 600}


def test_allocation_errors():
    with pytest.raises(ValueError, match="cannot draw"):
        allocate(100, {"a": 10, "b": 20})
    with pytest.raises(ValueError, match="floor of 60"):
        allocate(100, {"a": 1000, "b": 1000}, minimum=60)
    with pytest.raises(ValueError, match="choose one of"):
        allocate(10, {"a": 100}, "optimal")


@pytest.mark.parametrize(
    "case", [c for c in EXTRA if c["kind"] == "alpha"], ids=lambda c: c["design"]
)
def test_alpha_agrees_with_r(case):
    items = [BANK.numbers(name) for name in case["items"]]
    design = design_of(next(c for c in CASES if c["design"] == case["design"]))
    assert survey_alpha(design, items) == pytest.approx(case["survey"], rel=1e-9)
    assert cronbach_alpha(items) == pytest.approx(case["plain"], rel=1e-9)
    assert standardised_alpha(items, design) == pytest.approx(case["survey_standardised"], rel=1e-9)
    assert standardised_alpha(items) == pytest.approx(case["plain_standardised"], rel=1e-9)


def _data(seed=3, n=600):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    attributes = {f"a{i}": latent * (0.3 + 0.2 * i) + rng.normal(size=n) for i in range(4)}
    outcome = sum(attributes[f"a{i}"] * (0.5 - 0.1 * i) for i in range(4)) + rng.normal(size=n)
    return outcome, attributes, rng.uniform(0.5, 2.0, n)


def test_relative_weights_and_shapley_add_up_to_r_squared():
    outcome, attributes, weights = _data()
    drivers = key_drivers(outcome, attributes, weights)
    assert sum(drivers.relative_weights) == pytest.approx(drivers.r_squared, rel=1e-9)
    assert sum(drivers.shapley) == pytest.approx(drivers.r_squared, rel=1e-9)


def test_shapley_equals_the_average_over_all_orders():
    outcome, attributes, weights = _data()
    drivers = key_drivers(outcome, attributes, weights)
    matrix = np.column_stack([*attributes.values(), outcome])
    correlation = _weighted_correlation(matrix, weights)
    brute = np.zeros(4)
    orders = list(permutations(range(4)))
    for order in orders:
        for position, j in enumerate(order):
            before = tuple(sorted(order[:position]))
            brute[j] += _r_squared(correlation, tuple(sorted((*before, j)))) - _r_squared(
                correlation, before
            )
    assert np.array(drivers.shapley) == pytest.approx(brute / len(orders), rel=1e-9)


def test_uncorrelated_attributes_get_their_squared_correlation():
    rng = np.random.default_rng(11)
    a, b = rng.normal(size=5000), rng.normal(size=5000)
    a, b = a - a.mean(), b - b.mean()
    a = a - b * (a @ b) / (b @ b)  # exactly uncorrelated
    y = 2 * a + b + rng.normal(size=5000)
    drivers = key_drivers(y, {"a": a, "b": b})
    assert drivers.relative_weights[0] == pytest.approx(drivers.pearson[0] ** 2, rel=1e-6)
    assert drivers.shapley[1] == pytest.approx(drivers.pearson[1] ** 2, rel=1e-6)


def test_drivers_refuse_constant_or_too_few():
    with pytest.raises(EstimationError, match="does not vary"):
        key_drivers([1, 2, 3, 4, 5], {"a": [1, 1, 1, 1, 1]})
    with pytest.raises(EstimationError, match="too few"):
        key_drivers([1, 2], {"a": [1, 2]})


def test_importance_performance_quadrants():
    quadrants = importance_performance(
        {"queue": 0.4, "staff": 0.4, "decor": 0.1, "atm": 0.1},
        {"queue": 50, "staff": 80, "decor": 40, "atm": 90},
    )
    assert quadrants == {
        "queue": "concentrate_here",
        "staff": "keep_up_the_good_work",
        "decor": "low_priority",
        "atm": "possible_overkill",
    }
