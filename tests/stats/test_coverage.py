"""Seeded Monte Carlo: the default 95 % intervals of reports and the API (each domain's own
df, bench/coverage.py) cover between 93 % and 97 % of the time, for the whole sample and for
domains of about 25, 40 and 60 respondents cutting across the strata. 5,000 samples each
(Monte Carlo SE about 0.3 points)."""

import pytest

from bench.coverage import SCENARIOS, coverage

DEFAULT = {"prop": "logit", "mean": "t", "nps": "t"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_default_interval_coverage(scenario):
    method = DEFAULT[scenario.statistic]
    found = coverage(scenario, (method,), replications=5000)[method]
    assert 0.93 <= found <= 0.97, f"{scenario.name}: {found:.3f}"
