"""Question 3: would a clean election with realistic heterogeneity false-alarm the station
fingerprints, and does a rounding manipulation trip them? Fixed seeds, 200 clean draws."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from sim.stations.manipulation import manipulate
from sim.stations.model import simulate_stations
from sim.stations.run import resamples
from sim.stations.screen import fingerprints_of
from sim.stations.spec import read_manipulation
from sim.tables import Table
from tests.stations.helpers import station_spec, totals

REGISTERED = 2_400_000
# the spread measured on the Russian 2021 stations' clean core
RUSSIAN = {"turnout_sd": 0.536, "support_sd": 0.467, "correlation": 0.647}


@cache  # the two clean-draw tests share their draws
def _alarms(layer: str, seed: int, rounding: float = 0.0, risk: float = 0.05, blocks: int = 5):
    spec = station_spec(count=2000, registered=REGISTERED, heterogeneity=RUSSIAN)
    rng = np.random.default_rng(seed)
    manipulation = read_manipulation(Table({"share": 0.3, "rounding": rounding}, "t.toml",
                                           "stations.manipulation"), spec.frame.strata)
    flags = {"integer_p": [], "last_digit_p": []}
    for _ in range(blocks):
        genuine = totals(REGISTERED, 40, turnout=0.55)
        counts = simulate_stations(spec, genuine, rng)
        if layer == "protocol":
            counts = manipulate(counts, genuine, manipulation, 0, rng).protocol
        prints = fingerprints_of(counts.registered, counts.ballots, counts.ballots,
                                 counts.votes, 0, counts.stratum, rng=rng,
                                 resamples=resamples(risk))
        for name, flagged in flags.items():
            flagged.append(prints[name] < risk)
    return {name: float(np.concatenate(value).mean()) for name, value in flags.items()}


def test_kobaks_integer_test_keeps_its_risk_on_clean_heterogeneous_elections():
    rates = _alarms("clean", seed=31)
    # nominal 1/21 with 20 resamples (p < 0.05 only when no resample reaches the count);
    # 200 draws: Monte Carlo sd 0.015, so 2.5 sds of slack
    assert rates["integer_p"] <= 1 / 21 + 2.5 * math.sqrt(0.05 * 0.95 / 200), rates


def test_the_last_digit_test_false_alarms_beyond_its_nominal_risk():
    # Counts above 100 from a falling density of station sizes have slightly more small
    # last digits than uniform: the clean model, not the nominal 5%, is the reference
    # (docs/stations.md). The rate found (0.135 with this seed) is well above 0.05.
    rates = _alarms("clean", seed=31)
    assert rates["last_digit_p"] > 0.05 + 2.5 * math.sqrt(0.05 * 0.95 / 200), rates


def test_rounding_to_whole_percentages_trips_the_integer_test():
    # a third of 30% of the stations write a whole-percent result
    rates = _alarms("protocol", seed=32, rounding=0.33)
    assert rates["integer_p"] > 0.9, rates


def test_the_integer_test_can_flag_at_a_risk_below_one_in_twenty_one():
    # with 20 resamples the smallest p-value is 1/21, so at risk 0.01 it could never flag
    assert all(1 / (1 + resamples(risk)) < risk for risk in (0.001, 0.01, 0.03, 0.05, 0.5))
    rates = _alarms("protocol", seed=33, rounding=0.33, risk=0.01, blocks=1)
    assert rates["integer_p"] > 0.9, rates
