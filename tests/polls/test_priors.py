"""Poll priors: what a source measured and what it assumed; statistical tests with fixed
seeds and stated tolerances."""

import dataclasses
import tomllib

import numpy as np
import pytest
from hypothesis import given

from sim.engine.simulate import simulate
from sim.law.allocate import allocate
from sim.params import Param
from sim.polls.priors import source_prior
from sim.polls.spec import Poll
from sim.polls.support import draw_support
from sim.scenario import build_scenario, load_scenario
from tests.scenario_text import MINIMAL, support_of, two_sources, write_scenario
from tests.strategies import poll_reports

TWO_SOURCES = two_sources(other_weight=3.0)
_MINIMAL = build_scenario(tomllib.loads(MINIMAL), "minimal.toml")
SOURCE, MODEL = _MINIMAL.sources[0], _MINIMAL.model


def scenario_from(tmp_path, text=MINIMAL, **model):
    scenario = load_scenario(write_scenario(tmp_path, text))
    return dataclasses.replace(scenario, model=dataclasses.replace(scenario.model, **model))


def draws_of(scenario, n, seed):
    return draw_support(support_of(scenario), n, rng=np.random.default_rng(seed))


def with_source_keys(keys: str, shares: str = "a = 0.5, b = 0.3, c = 0.2") -> str:
    return MINIMAL.replace('name = "A pollster"', f'name = "A pollster"\n{keys}').replace(
        "a = 0.5, b = 0.3, c = 0.2", shares)


def test_draw_means_match_poll_shares(tmp_path):
    support, _ = draws_of(scenario_from(tmp_path, flat_prior=0.0), 200_000, 1)
    expected = np.array([0.5, 0.3, 0.2])
    # Dirichlet(n_eff * p): sd of a share is sqrt(p (1 - p) / (n_eff + 1)); n_eff = 1000 / 1.5.
    standard_error = np.sqrt(expected * (1 - expected) / (1000 / 1.5 + 1)) / np.sqrt(200_000)
    assert np.abs(support.mean(axis=0) - expected).max() < 4 * standard_error.max()
    assert np.allclose(support.sum(axis=1), 1.0)


def test_a_larger_poll_is_tighter(tmp_path):
    spreads = []
    for n in (500, 5000):
        scenario = scenario_from(tmp_path, MINIMAL.replace("n = 1000", f"n = {n}"))
        spreads.append(draws_of(scenario, 50_000, 2)[0][:, 0].std())
    # sd scales as 1 / sqrt(n): a tenfold sample gives about a third of the spread.
    assert spreads[1] / spreads[0] == pytest.approx(np.sqrt(500 / 5000), rel=0.05)


def test_huge_sample_converges_to_the_deterministic_allocation(tmp_path):
    text = MINIMAL.replace("n = 1000", "n = 100000000").replace(
        "a = 0.5, b = 0.3, c = 0.2", "a = 0.47, b = 0.33, c = 0.20")
    scenario = scenario_from(tmp_path, text, flat_prior=0.0)
    simulation = simulate(scenario, draws=20_000, seed=3)
    expected = allocate([0.47, 0.33, 0.20], scenario.system)  # [5, 3, 2] of 10
    for item, seats in zip(simulation.to_dict()["lists"], expected):
        assert item["seats"]["mean"] == pytest.approx(seats, abs=0.01)


def test_mixture_draws_follow_the_source_weights(tmp_path):
    scenario = scenario_from(tmp_path, TWO_SOURCES)
    assert support_of(scenario).weights.tolist() == [0.25, 0.75]
    _, source = draws_of(scenario, 100_000, 4)
    # Binomial: the standard error of a share of 100,000 draws is at most 0.0016.
    assert abs((source == 1).mean() - 0.75) < 4 * np.sqrt(0.75 * 0.25 / 100_000)


def test_mixture_draws_sit_near_their_own_source(tmp_path):
    mixed, source = draws_of(scenario_from(tmp_path, TWO_SOURCES, flat_prior=0.0), 50_000, 5)
    # Source "poll" has a at 0.5 and "other" at 0.2: each draw sits near its own source.
    assert abs(mixed[source == 0, 0].mean() - 0.5) < 0.005
    assert abs(mixed[source == 1, 0].mean() - 0.2) < 0.005


def test_a_fill_is_drawn_as_an_assumption_and_not_counted_as_respondents(tmp_path):
    text = with_source_keys("fill = { c = 0.1 }", "a = 0.5, b = 0.4")
    scenario = scenario_from(tmp_path, text)
    prior = support_of(scenario).priors[0]
    # Measured: a and b (and, as one total, the rest); the rest (c) is all the fill's.
    assert prior.measured.tolist() == [True, True, False, False]
    assert prior.alpha.tolist() == pytest.approx([0.5 * 1000 / 1.5 + 0.5, 0.4 * 1000 / 1.5
                                                  + 0.5, 0.1 * 1000 / 1.5 + 0.5])
    assert prior.shares[:3].tolist() == pytest.approx([0.5, 0.4, 0.1])
    # With c the only unreported option, the split is certain: c's share is the rest's.
    support, _ = draws_of(scenario, 20_000, 6)
    assert np.allclose(support.sum(axis=1), 1.0)
    assert support[:, 2].mean() == pytest.approx(0.1, abs=0.003)


def test_an_assumed_split_is_as_wide_as_its_fill_strength(tmp_path):
    text = with_source_keys("fill = { b = 0.1, c = 0.1 }", "a = 0.3")
    spreads = []
    for strength in (10, 1000):
        scenario = scenario_from(tmp_path, text, fill_strength=float(strength))
        support, _ = draws_of(scenario, 50_000, 7)
        spreads.append(support[:, 1].std())
    # a is measured with 667 effective respondents; how the other 70% (b 10%, c 10%,
    # undecided 50%) splits is drawn with 10 pseudo-respondents: b's vote share varies by
    # far more than the sample alone could make it.
    assert spreads[0] > 4 * spreads[1]
    assert support_of(scenario_from(tmp_path, text)).priors[0].fill_strength == 10


def test_a_source_fill_strength_overrides_the_model(tmp_path):
    text = with_source_keys("fill = { c = 0.1 }\nfill_strength = 3", "a = 0.5, b = 0.3")
    prior = support_of(scenario_from(tmp_path, text)).priors[0]
    # The rest is c (0.1) and the undecided (0.1): the split is Dirichlet(3 * [0.5, 0.5]).
    assert prior.beta.tolist() == pytest.approx([1.5, 1.5])


def test_house_effects_take_the_lean_off_on_the_log_scale(tmp_path):
    plain = scenario_from(tmp_path, flat_prior=0.0)
    leaning = scenario_from(tmp_path, with_source_keys("house_effects = { a = 0.2 }"),
                            flat_prior=0.0)
    before, _ = draws_of(plain, 50_000, 8)
    after, _ = draws_of(leaning, 50_000, 8)
    # The same gamma draws: log(a / b) moves by exactly -0.2 in every draw, and the sample
    # size is unchanged.
    assert np.log(after[:, 0] / after[:, 1]) - np.log(before[:, 0] / before[:, 1]) \
        == pytest.approx(-0.2, abs=1e-6)
    assert support_of(leaning).priors[0].n_effective == support_of(plain).priors[0].n_effective


def test_an_uncertain_house_effect_widens_the_interval(tmp_path):
    fixed = scenario_from(tmp_path, with_source_keys("house_effects = { a = 0.2 }"))
    uncertain = scenario_from(tmp_path, with_source_keys(
        "house_effects = { a = { normal = [0.2, 0.3] } }"))
    narrow, _ = draws_of(fixed, 50_000, 9)
    wide, _ = draws_of(uncertain, 50_000, 9)
    assert np.median(np.log(wide[:, 0] / wide[:, 1])) == pytest.approx(
        np.median(np.log(narrow[:, 0] / narrow[:, 1])), abs=0.01)
    assert wide[:, 0].std() > 3 * narrow[:, 0].std()


def test_house_effects_by_bloc_and_kind_with_the_more_specific_key_first(tmp_path):
    text = with_source_keys('kind = "gov"\nhouse_effects = { opp = 0.1, c = 0.3 }').replace(
        "[run]", "[model.error.kinds.gov]\nhouse_effects = { gov = 0.5, a = 0.4, b = 0.2 }"
                 "\n\n[run]")
    effects = support_of(scenario_from(tmp_path, text)).effects[0]
    # a: the kind's list key beats its bloc key; b: the source's bloc key beats the kind's
    # list key; c: the source's own list key.
    assert [effect.args[0] for effect in effects] == [0.4, 0.1, 0.3]


def test_undecided_split_and_proportional(tmp_path):
    text = MINIMAL.replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.4, b = 0.2, c = 0.2, "
                           "undecided = 0.2")
    proportional, _ = draws_of(scenario_from(tmp_path, text, flat_prior=0.0), 100_000, 10)
    assert proportional.mean(axis=0) == pytest.approx([0.5, 0.25, 0.25], abs=0.003)
    split = scenario_from(tmp_path, text, flat_prior=0.0, undecided={"c": 1.0})
    assert draws_of(split, 100_000, 10)[0].mean(axis=0) == pytest.approx([0.4, 0.2, 0.4],
                                                                         abs=0.003)
    assert support_of(split).priors[0].undecided == pytest.approx(0.0)
    # Every respondent counts, the undecided too: they measured "none of these".
    assert support_of(split).priors[0].n_effective == pytest.approx(1000 / 1.5)


def test_unassigned_share_counts_as_measured_undecided(tmp_path):
    text = MINIMAL.replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.3, b = 0.3, c = 0.2")
    prior = support_of(scenario_from(tmp_path, text)).priors[0]
    assert prior.undecided == pytest.approx(0.2)
    assert prior.measured.all()


def test_poll_age_halves_its_weight_every_half_life(tmp_path):
    text = MINIMAL.replace('name = "A pollster"', 'name = "A pollster"\nhalf_life_days = 10'
                           ).replace('''[[poll]]
source = "poll"
n = 1000''', '''[[poll]]
source = "poll"
fieldwork = "2020-12-01/2020-12-21"
n = 1000
shares = { a = 0.2, b = 0.4, c = 0.4 }

[[poll]]
source = "poll"
fieldwork = 2020-12-31
n = 1000''').replace("[run]", "[model]\nelection_date = 2020-12-31\n\n[run]")
    scenario = scenario_from(tmp_path, text)
    prior = source_prior(scenario.sources[0], list(scenario.polls), scenario.model,
                         scenario.options)
    # Weights 1000 * 0.5 (ten days old) and 1000: a = (0.5 * 0.2 + 1 * 0.5) / 1.5.
    assert prior.shares[0] == pytest.approx(0.4)
    assert prior.n_effective == pytest.approx(1500 / 1.5)


def error_model(scenario, **sds):
    error = dataclasses.replace(scenario.model.error, **{
        key: Param("fixed", (value,), 0.0, 5.0) for key, value in sds.items()})
    return dataclasses.replace(scenario, model=dataclasses.replace(scenario.model, error=error))


def test_survey_error_widens_without_moving_the_centre(tmp_path):
    calm = scenario_from(tmp_path, flat_prior=0.0)
    shaken = error_model(calm, election_sd=0.2, source_sd=0.2)
    a, _ = draws_of(calm, 50_000, 11)
    b, _ = draws_of(shaken, 50_000, 11)
    assert b[:, 0].std() > 3 * a[:, 0].std()
    assert np.median(b[:, 0]) == pytest.approx(0.5, abs=0.02)
    # In a mixture draw the two parts add up: sd hypot(0.2, 0.2) on each log share, so
    # log(a / b) has sd 0.4 (plus a little sampling error).
    assert np.log(b[:, 0] / b[:, 1]).std() == pytest.approx(0.4, rel=0.05)


def test_a_bloc_error_moves_the_lists_of_a_bloc_together(tmp_path):
    calm = scenario_from(tmp_path, flat_prior=0.0)
    support, _ = draws_of(error_model(calm, bloc_sd=0.3), 50_000, 12)
    sampling, _ = draws_of(calm, 50_000, 12)
    # b and c form the bloc "opp": their log shares move together, so log(b / c) keeps
    # only its sampling spread while log(a / b) gets sd sqrt(2) * 0.3.
    assert np.log(support[:, 1] / support[:, 2]).std() == pytest.approx(
        np.log(sampling[:, 1] / sampling[:, 2]).std(), rel=0.03)
    assert np.log(support[:, 0] / support[:, 1]).std() == pytest.approx(0.3 * np.sqrt(2),
                                                                         rel=0.1)


@given(poll_reports())
def test_what_a_poll_reported_stands_and_its_prior_is_a_distribution(report):
    options, reported, fill = report
    poll = Poll(source="s", pollster=None, fieldwork_end=None, n=1000, design_effect=1.0,
                design_effect_stated=True, shares={**fill, **reported},
                reported=tuple(reported))
    source = dataclasses.replace(SOURCE, fill=fill)
    prior = source_prior(source, [poll], MODEL, options)
    components = options + ("undecided",)
    assert prior.shares.sum() == pytest.approx(1.0)
    left = 1 - sum(reported.values()) - sum(fill.values())  # what poll and fill leave
    for key, share in {**reported, **fill}.items():
        # Reported shares and the fill stand (shares of all respondents); what they leave
        # counts as undecided.
        stands = prior.shares[components.index(key)]
        assert stands == pytest.approx(share + (left if key == "undecided" else 0.0))
        # A reported undecided share is measured unless the fill leaves respondents to it.
        assert prior.measured[components.index(key)] == (
            key in reported and (key != "undecided" or left <= 1e-9 or not fill))
    votes = prior.draw(50, rng=np.random.default_rng(0))
    assert votes.shape == (len(options), 50) and (votes >= 0).all() and (votes.sum(0) > 0).all()
