"""The screening of published stations against a clean model: a clean election drawn from
the model itself does not false-alarm beyond the stated risk; sizing recovers a known
spread; the shipped fragment is what sizing measures on the shipped data."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.stations.counts import StationCounts
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.published import Published, read_published
from sim.stations.screen import FINGERPRINTS, ILLUSTRATION, clean_model, screen
from sim.stations.sizing import robust_spread, size_heterogeneity
from tests.stations.helpers import station_spec, totals

ROOT = Path(__file__).parent.parent.parent
RUSSIA = ROOT / "scenarios" / "data" / "russia" / "duma-2021-stations.csv.gz"
FRAGMENT = ROOT / "scenarios" / "calibration" / "stations-heterogeneity.toml"


def _published(counts: StationCounts, draw: int) -> Published:
    one = StationCounts(registered=counts.registered, stratum=counts.stratum,
                        ballots=counts.ballots[draw], votes=counts.votes[draw],
                        invalid=counts.invalid[draw], strata=counts.strata)
    return Published(counts=one, lists=("a", "b", "c", "d"), leader=0,
                     issued=one.ballots, file="clean")


def test_a_clean_election_false_alarms_at_most_at_the_stated_risk(tmp_path):
    # 60 elections drawn from the clean model, each screened with 19 clean draws: the
    # published figure is above all 19 (tail 0.05) with probability 1/20 under the null.
    # Allowed: 0.05 + 3 sd of a share of 60 (0.134) for each fingerprint.
    spec = station_spec(count=300, registered=300_000)
    elections = simulate_stations(spec, totals(300_000, 60), np.random.default_rng(23))
    model = tmp_path / "model.toml"
    model.write_text("[stations.heterogeneity]\nturnout_sd = 0.35\nsupport_sd = 0.35\n"
                     "correlation = 0.5\n[stations.strata.capital]\nshare = 0.2\nsize = 1.5\n"
                     "turnout = -0.5\nsupport = -0.4\n[stations.strata.urban]\nshare = 0.4\n"
                     "[stations.strata.rural]\nshare = 0.4\nsize = 0.6\nturnout = 0.5\n"
                     "support = 0.4\n")
    alarms = {item.key: 0 for item in FINGERPRINTS}
    for d in range(60):
        published = _published(elections, d)
        clean = clean_model(published, model)
        # the strata come with the frame, as in the simulated election
        clean = dataclasses.replace(clean, frame=spec.frame)
        result = screen(published, clean, draws=19, seed=d, resamples=5)
        for key in alarms:
            alarms[key] += result.tail[key] <= 0.05
    limit = 0.05 + 3 * math.sqrt(0.05 * 0.95 / 60)
    assert {key: count / 60 for key, count in alarms.items()} == \
        pytest.approx(dict.fromkeys(alarms, 0.0), abs=limit)


def test_a_stuffed_election_is_flagged():
    # a sixth of the ballots stuffed for the leader at half the stations, as in the picture
    spec = station_spec(count=1000, registered=1_000_000)
    official = totals(1_000_000, 1)
    genuine_votes = official.votes.copy()
    genuine_votes[0] -= 100_000
    genuine = NationalTotals.of(genuine_votes, official.invalid)
    rng = np.random.default_rng(8)
    true = simulate_stations(spec, genuine, rng)
    records = manipulate(true, official, ILLUSTRATION, 0, rng)
    published = _published(records.protocol, 0)
    clean = clean_model(published, None)  # the shipped fragment: wider than this model
    result = screen(published, clean, draws=19, seed=1, resamples=5)
    # the stuffing steepens turnout against share beyond any clean draw, and the rounding
    # stations add whole percents; Shpilkin's excess is not among them here: with half the
    # stations stuffed, the other lists' votes peak in the stuffed blob (docs/fingerprints.md)
    assert result.tail["correlation"] == result.tail["slope"] == 0.05
    assert result.tail["integer_excess"] == 0.05
    assert result.real["mode_turnout"] > np.median(result.clean["mode_turnout"])


def test_robust_spread_recovers_a_normal_spread_and_resists_a_tail():
    rng = np.random.default_rng(4)
    x, z = rng.standard_normal((2, 20_000))
    y = 0.6 * x + 0.8 * z
    clean = robust_spread(0.5 * x, 0.4 * y)
    assert clean.turnout_sd == pytest.approx(0.5, rel=0.03)
    assert clean.share_sd == pytest.approx(0.4, rel=0.03)
    assert clean.correlation == pytest.approx(0.6, abs=0.03)
    # 5% of the points moved far up the diagonal (stuffing) barely move the estimates
    moved = rng.random(20_000) < 0.05
    tail = robust_spread(np.where(moved, 3.0, 0.5 * x), np.where(moved, 3.0, 0.4 * y))
    assert tail.turnout_sd == pytest.approx(0.5, rel=0.12)
    assert tail.correlation == pytest.approx(0.6, abs=0.08)


def test_the_shipped_fragment_is_what_sizing_measures_on_the_shipped_data():
    sizing = size_heterogeneity(read_published(RUSSIA), rng=np.random.default_rng(2021))
    shipped = tomllib.loads(FRAGMENT.read_text())["stations"]["heterogeneity"]
    assert shipped == {"turnout_sd": round(sizing.total.turnout_sd, 3),
                       "support_sd": round(sizing.total.share_sd, 3),
                       "correlation": round(sizing.total.correlation, 3)}
    assert f"clean core ({len(sizing.core)} of 85 regions" in FRAGMENT.read_text()
    # the regions the integer test flags most are out of the core
    assert "Республика Татарстан (Татарстан)" not in sizing.core
    assert "Чеченская Республика" not in sizing.core  # its comet corner: 98% of stations
