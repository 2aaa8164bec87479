"""The structural prior: its product with the polls against the exact Gaussian one, what it
does to a shipped backtest scenario, its file errors, and its fit to consecutive counts."""

import dataclasses
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.engine.simulate import simulate
from sim.errors import ScenarioError
from sim.inference.calibrate import fit_changes
from sim.output.assumptions import assumptions, describe_error
from sim.output.records import ModelAssumption
from sim.params import Param
from sim.polls.structural import StructuralPrior, change_scale, combine
from sim.polls.support import draw_support
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, support_of

TALLY = """title = "t"
[system]
seats = 10
threshold = 0.05
[votes]
a = 50
b = 30
c = 20
"""

ROOT = Path(__file__).parents[2]
BACKTEST = ROOT / "scenarios" / "backtest" / "kz-2021"
FIXED = Param("fixed", (1.0,), 0.0, 5.0)
N = 200_000


def exact_contrasts(m, a, v, tau2):
    """Slow reference: y ~ N(t, diag v) observed at m, t ~ N(a + c 1, diag tau2) with c
    flat (a huge variance), the posterior of t in contrasts (mean, covariance)."""
    p = len(m)
    prior = np.diag(tau2) + 1e6 * np.ones((p, p))
    cov = np.linalg.inv(np.linalg.inv(prior) + np.diag(1 / v))
    mean = cov @ (np.linalg.solve(prior, a) + m / v)
    basis = np.linalg.qr(np.vstack([np.ones(p), np.eye(p)[:p - 1]]).T)[0][:, 1:]
    return basis, basis.T @ mean, basis.T @ cov @ basis


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_product_with_the_polls_is_the_gaussian_posterior(seed):
    # Draws from the polls (normal around m with variance v) multiplied by the prior give
    # the exact posterior of the lists' log-share contrasts. Tolerances: 0.01 on a mean
    # (over four Monte Carlo standard errors at 200,000 draws), five standard errors on a
    # covariance (sqrt((c_ii c_jj + c_ij^2) / N) for normal draws).
    rng = np.random.default_rng(seed)
    p = int(rng.integers(2, 7))
    m, a = rng.normal(-2, 1, p), rng.normal(-2, 1, p)
    v, tau2 = rng.uniform(0.01, 0.3, p), rng.uniform(0.01, 0.3, p)
    prior = StructuralPrior(np.arange(p), a, tau2, (None,) * p, FIXED)
    x = m[:, None] + np.sqrt(v)[:, None] * rng.standard_normal((p, N))
    combined = combine(x, prior, np.repeat(v[:, None], N, axis=1), rng=rng)
    basis, mean, cov = exact_contrasts(m, a, v, tau2)
    ours = basis.T @ combined
    assert np.allclose(ours.mean(axis=1), mean, atol=0.01)
    se = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov ** 2) / N)
    assert np.all(np.abs(np.cov(ours) - cov) < 5 * se)


def test_equal_precisions_give_the_exact_variances_too():
    rng = np.random.default_rng(5)
    p, v, tau2 = 4, np.full(4, 0.1), np.full(4, 0.1)
    m, a = np.log([0.5, 0.3, 0.15, 0.05]), np.log([0.6, 0.2, 0.1, 0.1])
    prior = StructuralPrior(np.arange(p), a, tau2, (None,) * p, FIXED)
    x = m[:, None] + np.sqrt(v)[:, None] * rng.standard_normal((p, N))
    combined = combine(x, prior, np.repeat(v[:, None], N, axis=1), rng=rng)
    basis, mean, cov = exact_contrasts(m, a, v, tau2)
    assert np.allclose(np.cov(basis.T @ combined), cov, atol=0.002)


def test_a_loose_prior_leaves_the_polls_and_a_tight_one_takes_over():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 1000))
    a = np.log([0.6, 0.3, 0.1])
    variance = np.full((3, 1000), 0.1)
    loose = StructuralPrior(np.arange(3), a, np.ones(3), (None,) * 3,
                            Param("fixed", (5.0,), 0.0, 5.0))
    assert np.abs(combine(x, loose, variance, rng=rng) - x).mean() < 0.03  # noise sd 0.02
    tight = StructuralPrior(np.arange(3), a, np.ones(3), (None,) * 3,
                            Param("fixed", (1e-4,), 0.0, 5.0))
    out = combine(x, tight, variance, rng=rng)
    assert np.allclose(out - out[0] - (a - a[0])[:, None], 0, atol=1e-3)


def test_the_shipped_backtest_narrows_and_says_what_each_side_gives():
    plain = load_scenario(BACKTEST / "2021-barometer.toml")
    structural = load_scenario(BACKTEST / "2021-barometer-structural.toml")
    assert not plain.model.structural.active and structural.model.structural.active
    widths = []
    for scenario in (plain, structural):
        shares, _ = draw_support(support_of(scenario), 20_000, rng=np.random.default_rng(3))
        low, high = np.quantile(shares[:, 0], [0.05, 0.95])  # Nur Otan
        widths.append(high - low)
    assert widths[1] < 0.7 * widths[0]
    model = assumptions(structural, support_of(structural))["model"]
    weights = model["structural"]["poll_weight"]
    assert set(weights) == {"nur-otan", "ak-zhol", "peoples-party", "auyl", "adal"}
    assert all(0 < w < 1 for w in weights.values())
    record = ModelAssumption.from_plain(model, "assumptions.model", "structural")
    assert "the polls' share of each list's precision" in describe_error(record)


def test_the_run_text_names_the_lists_and_keeps_ids_whole(tmp_path):
    result = CliRunner().invoke(main, ["run", str(BACKTEST / "2021-barometer-structural.toml"),
                                       "--draws", "2000", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    words = " ".join(result.output.split())  # the paragraph unwrapped
    assert "precision (the rest is the prior's): Nur Otan " in words
    assert "People's Party " in words.split("Structural prior")[1]
    assert not re.search(r"[a-z]-\n", result.output)  # no id (nur-otan) split at its hyphen


def test_a_bloc_shock_counts_in_the_polls_variance_the_prior_sees():
    # bloc_sd adds one shock per bloc to its lists (every list here is in one): the structural
    # product must see it in V, or it would weigh those polls as if the shock were absent.
    plain = support_of(load_scenario(BACKTEST / "2021-barometer-structural.toml"))
    shocked_scenario = load_scenario(BACKTEST / "2021-barometer-structural.toml")
    shocked_scenario = dataclasses.replace(shocked_scenario, model=dataclasses.replace(
        shocked_scenario.model, error=dataclasses.replace(
            shocked_scenario.model.error, bloc_sd=Param("fixed", (0.3,), 0.0, 5.0))))
    shocked = support_of(shocked_scenario)
    in_bloc = plain.blocs[plain.structural.rows] >= 0
    assert in_bloc.any()
    assert np.allclose(shocked.sampling - plain.sampling, 0.09 * in_bloc)
    assert np.all(shocked.poll_weight[in_bloc] < plain.poll_weight[in_bloc])  # noisier polls


def test_a_structural_run_is_the_same_whatever_the_workers():
    scenario = load_scenario(BACKTEST / "2021-mixture-structural.toml")
    serial = simulate(scenario, draws=8_000, seed=4, workers=1, chunk_draws=2_000)
    parallel = simulate(scenario, draws=8_000, seed=4, workers=2, chunk_draws=2_000)
    assert serial.to_dict() == parallel.to_dict()


@pytest.fixture
def backtest_copy(tmp_path):
    """The 2021 backtest folder and the counts it names, copied into a scenarios folder of
    tmp_path (extends may reach only its own folder and the nearest scenarios folder)."""
    scenarios = tmp_path / "scenarios"
    shutil.copytree(BACKTEST, scenarios / "backtest" / "kz-2021")
    shutil.copytree(ROOT / "scenarios" / "history", scenarios / "history")
    return scenarios / "backtest" / "kz-2021"


def structural_scenario(folder: Path, lines: str) -> Path:
    path = folder / "_test_structural.toml"
    path.write_text(f'extends = "2021-barometer.toml"\n[model.structural]\n{lines}\n')
    return path


PREVIOUS = 'previous = "../../history/kz-2016.toml"\n'


@pytest.mark.parametrize("lines, key, rule", [
    ('previous = "nowhere.toml"', "model.structural.previous", "no such file"),
    ('previous = "../../history"', "model.structural.previous = '../../history'",
     "is a folder, not a tally file"),
    ('previous = "2021-barometer.toml"', "model.structural.previous = '2021-barometer.toml'",
     "is not a tally file: "),
    (PREVIOUS + 'same = { nobody = "cppk" }', "model.structural.same.nobody",
     "option of this scenario"),
    (PREVIOUS + 'same = { adal = "nobody" }', "model.structural.same.adal",
     "names no option of ../../history/kz-2016.toml"),
    (PREVIOUS + 'same = { adal = "birlik", ak-zhol = "birlik" }',
     "model.structural.same.adal = 'birlik'", "is already the previous list of ak-zhol"),
    (PREVIOUS + 'same = { adal = "ak-zhol" }', "model.structural.same.adal = 'ak-zhol'",
     "is already the previous list of ak-zhol"),
    (PREVIOUS + 'change_sd = [0.3, -1]', "model.structural.change_sd",
     "numbers between 0 and 5"),
    (PREVIOUS + 'weight = 2', "model.structural.weight", "unknown key"),
    (PREVIOUS + 'change_sd = 0', "model.structural.change_sd", "must be above 0"),
    (PREVIOUS + 'change_sd = { uniform = [0, 0] }', "model.structural.change_sd",
     "must be above 0 in some draws"),
    (PREVIOUS + 'change_sd = [0, 0]', "model.structural.change_sd", "must be above 0"),
])
def test_a_bad_structural_table_names_file_key_and_rule(backtest_copy, lines, key, rule):
    with pytest.raises(ScenarioError) as error:
        load_scenario(structural_scenario(backtest_copy, lines))
    message = str(error.value)
    assert key in message and rule in message and "_test_structural.toml" in message
    assert message.count("\n") == 0


def test_a_change_sd_with_draws_above_0_is_accepted(backtest_copy):
    # A normal of mean 0 clipped to [0, 5]: half its draws are above 0, so the polls and
    # the prior both have something to say.
    scenario = load_scenario(structural_scenario(
        backtest_copy, PREVIOUS + "change_sd = { normal = [0, 0.1] }"))
    assert scenario.model.structural.active
    assert scenario.model.structural.change_sd.describe() == "normal(0, 0.1)"


def test_a_previous_result_without_a_change_sd_is_refused(tmp_path):
    # The calibration's change_sd is what 2021-barometer.toml extends; a scenario that
    # extends none must say it.
    text = MINIMAL.replace("[run]", '[model.structural]\nprevious = "t.toml"\n\n[run]')
    (tmp_path / "t.toml").write_text(TALLY)
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match="model.structural.change_sd = None: is required "
                                            "with previous"):
        load_scenario(path)


def test_the_change_fit_recovers_a_known_sd_and_drift():
    # 30 pairs of elections of six lists whose log shares move as the model says
    # (change_sd 0.3, the first list drifting by -0.2): both within their 90% intervals.
    rng = np.random.default_rng(8)
    before = np.array([0.6, 0.15, 0.1, 0.08, 0.05, 0.02])
    pairs = []
    for _ in range(30):
        log_after = np.log(before) + rng.normal(0, 0.3 * np.sqrt(change_scale(before)))
        log_after[0] -= 0.2
        after = np.exp(log_after) / np.exp(log_after).sum()
        names = [f"l{i}" for i in range(6)]
        pairs.append((dict(zip(names, before)), dict(zip(names, after))))
    fit = fit_changes(pairs, frozenset({"l0"}), ("synthetic",))
    low, high = fit.intervals["election_sd"]
    assert low <= 0.3 <= high and high - low < 0.15
    assert abs(fit.house["drift"] + 0.2) < 2 * fit.house_se["drift"]
