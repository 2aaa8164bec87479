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

from sim.errors import ScenarioError
from sim.stations.counts import StationCounts
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.published import Published, read_published
from sim.stations.screen import FINGERPRINTS, ILLUSTRATION, clean_model, screen, with_region_effects
from sim.stations.sizing import robust_spread, size_heterogeneity
from sim.stations.spec import Manipulation
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
        clean = dataclasses.replace(clean, spec=dataclasses.replace(clean.spec,
                                                                    frame=spec.frame))
        result = screen(published, clean, draws=19, seed=d, resamples=5)
        for key in alarms:
            alarms[key] += result.tail[key] <= 0.05
    limit = 0.05 + 3 * math.sqrt(0.05 * 0.95 / 60)
    assert {key: count / 60 for key, count in alarms.items()} == \
        pytest.approx(dict.fromkeys(alarms, 0.0), abs=limit)


FEW = Manipulation(share=0.1, where="random", strata=(), extreme=0.0,
                   misrecording="tabulation", rounding=0.0)


def _stuffed(manipulation: Manipulation, seed: int) -> Published:
    """An election of 1,000 stations with 60,000 of its 600,000 ballots stuffed for the
    leader, published without strata (the clean model is then the fragment's total spread,
    wider than the model that made the election)."""
    spec = station_spec(count=1000, registered=1_000_000)
    official = totals(1_000_000, 1)
    genuine_votes = official.votes.copy()
    genuine_votes[0] -= 60_000
    rng = np.random.default_rng(seed)
    true = simulate_stations(spec, NationalTotals.of(genuine_votes, official.invalid), rng)
    published = _published(manipulate(true, official, manipulation, 0, rng).protocol, 0)
    counts = dataclasses.replace(published.counts, strata=("all",),
                                 stratum=np.zeros_like(published.counts.stratum))
    return dataclasses.replace(published, counts=counts)


def test_stuffed_elections_are_flagged_by_the_fingerprints_that_see_them():
    # 19 clean draws each: tail 0.05 is "beyond every clean draw". Four elections of each.
    spread, concentrated = [], []
    for seed in range(8, 12):
        for manipulation, found in [(ILLUSTRATION, spread), (FEW, concentrated)]:
            published = _stuffed(manipulation, seed)
            clean = clean_model(published, None)
            assert clean.between is None
            found.append(screen(published, clean, draws=19, seed=1, resamples=5))
    # Stuffing half the stations steepens turnout against share beyond every clean draw, in
    # every election; Shpilkin's excess does not see it: the other lists' votes then peak in
    # the stuffed blob, and the ratio is taken there (docs/fingerprints.md, Limits).
    assert [r.tail["correlation"] for r in spread] == [0.05] * 4
    assert max(r.tail["comet_excess"] for r in spread) > 0.2
    # Stuffing a tenth of the stations heavily fills the comet's corner every time, and
    # Shpilkin's excess is beyond every clean draw in at least three elections of four.
    assert [r.tail["corner"] for r in concentrated] == [0.05] * 4
    assert sum(r.tail["comet_excess"] == 0.05 for r in concentrated) >= 3


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
    fragment = tomllib.loads(FRAGMENT.read_text())
    for shipped, spread in [(fragment["stations"]["heterogeneity"], sizing.total),
                            (fragment["regions"]["between"], sizing.between),
                            (fragment["regions"]["within"], sizing.within)]:
        assert shipped == {"turnout_sd": round(spread.turnout_sd, 3),
                           "support_sd": round(spread.share_sd, 3),
                           "correlation": round(spread.correlation, 3)}
    assert f"clean core ({len(sizing.core)} of 85 regions" in FRAGMENT.read_text()
    # the regions the integer test flags most are out of the core
    assert "Республика Татарстан (Татарстан)" not in sizing.core
    assert "Чеченская Республика" not in sizing.core  # its comet corner: 98% of stations


def test_region_effects_are_drawn_afresh_with_the_stated_spread(tmp_path):
    # 4,000 regions of one station each: the shifts' sds and correlation within 3 standard
    # errors of the model's (sd of a sample sd ~ sd / sqrt(2n), of a correlation ~ 1/sqrt(n))
    n = 4000
    counts = StationCounts(registered=np.full(n, 1000), stratum=np.arange(n, dtype=np.int16),
                           ballots=np.full(n, 500), votes=np.full((2, n), 250),
                           strata=tuple(f"r{k}" for k in range(n)))
    published = Published(counts=counts, lists=("a", "b"), leader=0, issued=counts.ballots,
                          file="regions")
    model = clean_model(published, FRAGMENT)
    between = model.between
    assert between is not None and model.spec.frame.strata == counts.strata
    rng = np.random.default_rng(12)
    first, second = (with_region_effects(model, rng) for _ in range(2))
    turnout, support = first.shifts
    assert np.std(turnout) == pytest.approx(between.turnout_sd, abs=3 * 0.261 / math.sqrt(2 * n))
    assert np.std(support) == pytest.approx(between.share_sd, abs=3 * 0.199 / math.sqrt(2 * n))
    assert np.corrcoef(turnout, support)[0, 1] == pytest.approx(between.correlation,
                                                                abs=3 / math.sqrt(n))
    assert not np.array_equal(turnout, second.shifts[0])  # fresh in every draw
    # the stations' own spread is the within-region one
    assert model.spec.heterogeneity.turnout_sd.args == (0.469,)


def test_regions_and_strata_do_not_mix(tmp_path):
    model = tmp_path / "model.toml"
    model.write_text(FRAGMENT.read_text() + "\n[stations.strata.all]\nshare = 1\n")
    counts = StationCounts(registered=np.full(4, 100), stratum=np.arange(4, dtype=np.int16),
                           ballots=np.full(4, 50), votes=np.full((2, 4), 25),
                           strata=("a", "b", "c", "d"))
    published = Published(counts=counts, lists=("x", "y"), leader=0, issued=counts.ballots,
                          file="f")
    rule = r"model.toml: stations.strata = \['all'\]: cannot be used with a \[regions\] table"
    with pytest.raises(ScenarioError, match=rule):
        clean_model(published, model)
