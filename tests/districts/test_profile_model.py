"""Multi-member districts in simulations: the profile reader, the swing model, its
calibration (the spread recovered, intervals that cover), and bad input."""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.districts.calibrate import fit_spread
from sim.districts.swing import district_votes, swung
from sim.params import Param
from sim.scenario import load_scenario

HISTORY = Path(__file__).parents[2] / "scenarios" / "history"

SCENARIO = f"""
title = "Spain, four parties"
[system]
seats = 350
method = "dhondt"
tie_break = "votes"
threshold = 0.03
threshold_scope = "district"
[lists.pp]
name = "PP"
[lists.psoe]
name = "PSOE"
[lists.vox]
name = "VOX"
[lists.sumar]
name = "SUMAR"
[lists.others]
name = "Others"
aggregate = true
[districts]
kind = "multi-member"
profile = "{HISTORY / 'es-2019-11.toml'}"
magnitudes = "{HISTORY / 'es-2023.toml'}"
swing = "SWING"
spread = 0.15
[districts.proxies]
pp = ["pp", "na", "cs"]
sumar = ["podemos-iu", "ecp-guanyem", "podemos-eu", "mas-pais-eq", "mas-pais", "mes-comprom"]
[sources.avg]
name = "poll average"
[[poll]]
source = "avg"
fieldwork = "2023-07-15"
n = 2000
shares = {{ pp = 0.33, psoe = 0.29, vox = 0.13, sumar = 0.13, others = 0.12 }}
[model]
election_date = 2023-07-23
"""


def write(tmp_path, text=SCENARIO, swing="logit"):
    path = tmp_path / "es.toml"
    path.write_text(text.replace("SWING", swing), encoding="utf-8")
    return path


@pytest.fixture(params=["logit", "proportional", "uniform"])
def tier(request, tmp_path):
    return load_scenario(write(tmp_path, swing=request.param)).districts


def test_the_profile_reads_52_districts_with_the_2023_magnitudes(tier):
    assert len(tier.names) == 52 and tier.seats == 350
    barcelona = tier.names.index(next(n for n in tier.names if n.startswith("08 ")))
    assert tier.magnitudes[barcelona] == 32
    profile = tier.profile_array()
    # Shares of each district's list votes: the lists (others takes the rest) add up to 1.
    assert np.allclose(profile[[0, 1, 2, 3, 4]].sum(axis=0)[profile[2] > 0], 1, atol=0.2)
    assert all(tier.patterned)


def test_no_noise_and_the_profile_national_shares_give_the_profile_back(tier):
    """At the profile's own national shares every swing returns the profile."""
    profile = tier.profile_array()
    national = (profile @ np.array(tier.weights))[:, None]
    votes = swung(national, tier)[:, :, 0]
    assert np.allclose(votes / votes.sum(axis=0), profile / profile.sum(axis=0), atol=1e-9)


def test_district_votes_add_up_to_the_valid_votes_less_blank(tier):
    shares = np.array([[0.33, 0.34], [0.29, 0.28], [0.13, 0.1], [0.13, 0.2], [0.12, 0.08]])
    votes, blank = district_votes(shares, tier, rng=np.random.default_rng(1))
    assert votes.shape == (5, 52, 2) and blank.shape == (52, 2)
    assert np.allclose(votes.sum(axis=0) + blank, 1.0)
    assert (votes >= 0).all()


def simulated_election(tier, spread, national, rng):
    """District list votes ``(n_lists, n_districts)`` drawn from the model itself."""
    votes, _ = district_votes(national[:, None], _with_spread(tier, spread), rng=rng)
    sizes = np.array(tier.weights) * 24_000_000  # the profile's district sizes
    return votes[:, :, 0] * sizes


def _with_spread(tier, spread):
    from dataclasses import replace
    return replace(tier, spread=Param("fixed", (spread,), 0.0, 3.0))


@pytest.mark.parametrize("spread", [0.05, 0.15, 0.3])
def test_calibrate_recovers_a_known_spread(tmp_path, spread):
    tier = load_scenario(write(tmp_path)).districts
    national = np.array([0.33, 0.29, 0.13, 0.13, 0.12])
    fits = [fit_spread(tier, simulated_election(tier, spread, national,
                                                np.random.default_rng(seed)),
                       np.array([True, True, True, True, False]),
                       rng=np.random.default_rng(seed)).estimate for seed in range(20)]
    # 20 elections of about 200 cells each: the mean estimate within 10% of the truth.
    assert np.mean(fits) == pytest.approx(spread, rel=0.1)


def test_the_models_90_percent_district_intervals_cover_its_own_draws(tmp_path):
    """Simulation-based calibration: a 'true' election drawn from the model falls inside
    the model's 90% interval of each list's district share about 90% of the time."""
    tier = load_scenario(write(tmp_path)).districts
    national = np.array([[0.33], [0.29], [0.13], [0.13], [0.12]])
    rng = np.random.default_rng(7)
    draws, _ = district_votes(np.repeat(national, 4000, axis=1), tier, rng=rng)
    low, high = np.quantile(draws, [0.05, 0.95], axis=2)
    covered = []
    for _ in range(40):
        truth, _ = district_votes(national, tier, rng=rng)
        covered.append((low <= truth[:, :, 0]) & (truth[:, :, 0] <= high))
    coverage = np.mean(covered)
    # 40 x 260 cells, correlated within a district: a Monte Carlo sd of about 0.01.
    assert 0.86 <= coverage <= 0.94


def test_a_run_gives_seats_in_every_district(tmp_path):
    result = CliRunner().invoke(main, ["run", str(write(tmp_path)), "--draws", "2000",
                                       "--seed", "3", "--out", str(tmp_path / "out"),
                                       "--json"])
    assert result.exit_code == 0, result.output
    import json
    document = json.loads(result.output[result.output.index("{"):])
    summary = document["summary"] if "summary" in document else document
    districts = summary["districts"]
    assert len(districts) == 52
    for district in districts:
        means = sum(stats["mean"] for stats in district["lists"].values())
        assert means == pytest.approx(district["seats"], abs=1e-3)


@pytest.mark.parametrize(("edit", "words"), [
    (('spread = 0.15', 'spread = -0.1'), "districts.spread"),
    (('swing = "SWING"', 'swing = "cubic"'), "districts.swing"),
    (('pp = ["pp", "na", "cs"]', 'pp = ["nobody"]'), "districts.proxies.pp"),
    (("[model]", '[districts.regions]\nspread = 0.05\nnorth = ["99 Atlantis"]\n[model]'),
     "districts.regions.north"),
    ((f'magnitudes = "{HISTORY / "es-2023.toml"}"',
      f'magnitudes = "{HISTORY / "kz-2021.toml"}"'), "districts.profile"),
    (("seats = 350", "seats = 349"), "system.seats is 349"),
])
def test_bad_district_input_is_one_line(tmp_path, edit, words):
    path = write(tmp_path, SCENARIO.replace(*edit))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
