"""Seeded Monte Carlo: the default 95 % intervals cover between 93 % and 97 % of the time."""

import pytest

from bench.coverage import SCENARIOS, coverage

DEFAULT = {"prop": "logit", "mean": "t", "nps": "t"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_default_interval_coverage(scenario):
    method = DEFAULT[scenario.statistic]
    found = coverage(scenario, (method,), replications=2000)[method]
    assert 0.93 <= found <= 0.97, f"{scenario.name}: {found:.3f}"
