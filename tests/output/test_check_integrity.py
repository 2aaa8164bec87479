"""elsim check compares everything a user reads in a baseline: a copy of a shipped baseline
with one field edited (plausibly) fails, while re-runs with other seeds pass."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.statistics import histogram_stats
from sim.output.regression import (
    ALPHA,
    compare_to_baseline,
    histograms,
    homogeneity_p,
    quantile_moved,
)
from tests.hostile_cases import SWEPT
from tests.records import record
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parents[2]
MIXTURE = ROOT / "scenarios" / "kz-2021" / "mixture.toml"
BASELINE = ROOT / "results" / "mixture.json"


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def check(folder: Path, *options):
    return invoke("check", "--baseline", folder, "--quiet", *options, MIXTURE)


@pytest.mark.parametrize("seed", [None, "5", "987654"])
def test_the_shipped_baseline_passes_with_any_seed(tmp_path, seed):
    shutil.copy(BASELINE, tmp_path)
    result = check(tmp_path, *(["--seed", seed] if seed else []))
    assert result.exit_code == 0, result.output


def _at_98(d):
    seats = d["summary"]["lists"][0]["seats"]
    seats.update(mean=98.0, sd=0.0, histogram=[0] * 98 + [d["summary"]["draws"]],
                 **dict.fromkeys(("q05", "q25", "q50", "q75", "q95"), 98))


def _at_98_but_the_sample(d):
    """Nur Otan's draws outside the seat sample all moved to 98 seats, the figures read from
    the histogram made again: a baseline consistent in itself, unlike the scenario."""
    summary = d["summary"]
    sample = summary["seat_sample"]
    column = sample["lists"].index("nur-otan")
    histogram = np.zeros(99, dtype=np.int64)
    for row in sample["rows"]:
        histogram[row[column]] += row[-1]
    histogram[98] += summary["draws"] - sample["draws"]
    summary["lists"][0]["seats"] = histogram_stats(histogram)


def _quantiles_98(d):
    d["summary"]["lists"][0]["seats"].update(
        **dict.fromkeys(("q05", "q25", "q50", "q75", "q95"), 98))


def _shares_20(d):
    for item in d["summary"]["lists"]:
        item["share"] = {"mean": 0.2, "q05": 0.2, "q95": 0.2}


def _sample_zeroed(d):
    sample = d["summary"]["seat_sample"]
    sample["rows"] = [[0] * len(sample["lists"]) + [sample["draws"]]]


def _compositions(d):
    d["summary"]["parliament"]["compositions"] = [
        {"lists": ["nur-otan", "auyl"], "probability": 0.6},
        {"lists": ["nur-otan", "adal"], "probability": 0.4}]


def _intervals_only(d):
    for item in d["summary"]["lists"]:
        item["share"].update(q05=round(item["share"]["q05"] + 0.03, 6),
                             q95=round(item["share"]["q95"] + 0.03, 6))


# (edit, exit code, what the output names): 1 is "moved beyond Monte Carlo error", 2 a
# baseline refused as not that of the scenario (or not one elsim could have written).
EDITS = {
    "every list's share at 20%": (_shares_20, 1, "nur-otan.share"),
    "share intervals 3 points up": (_intervals_only, 1, "nur-otan.share.q95"),
    "a histogram all at 98 seats": (_at_98, 2, "must be a sample of the draws"),
    "a histogram at 98 seats but the sample's": (_at_98_but_the_sample, 1,
                                                 "nur-otan.seats.histogram"),
    "its quantiles all 98": (_quantiles_98, 2, "must be the quantile of its histogram"),
    "the seat sample zeroed": (_sample_zeroed, 2, "must be a sample of the draws"),
    "the compositions replaced": (_compositions, 1, "composition nur-otan+ak-zhol+peoples-party"),
    "the title replaced": (lambda d: d["scenario"].update(title="Another election"), 2,
                           "scenario.title = 'Another election'"),
    "the sha256 replaced": (lambda d: d["scenario"].update(digest="0" * 64), 2,
                            "scenario.digest = '" + "0" * 64),
    "the assumptions replaced": (lambda d: d["assumptions"]["sources"][0].update(weight=0.9),
                                 1, "assumptions.sources[0].weight"),
    "the seed replaced": (lambda d: d["run"].update(seed_entropy="12345"), 2,
                          "run.seed_entropy = '12345': must be '20210110'"),
    "the draws replaced": (lambda d: d["run"].update(draws=100000), 2,
                           "run.draws = 100000: must be the summary's draws (200000)"),
    "the draws replaced everywhere": (
        lambda d: (d["run"].update(draws=100000), d["summary"].update(draws=100000)), 2,
        "summary.lists[0].seats.histogram"),
    "the rules replaced": (lambda d: d["assumptions"]["rules"].__setitem__(
        0, "98 seats shared by D'Hondt among the lists with at least 5%."), 2,
        "assumptions.rules = "),
}


@pytest.mark.parametrize("name", EDITS)
def test_each_edit_of_a_shipped_baseline_fails(tmp_path, name):
    tamper, code, named = EDITS[name]
    document = json.loads(BASELINE.read_text())
    tamper(document)
    (tmp_path / "mixture.json").write_text(json.dumps(document))
    result = check(tmp_path)
    assert result.exit_code == code, result.output
    assert named in result.output, result.output
    if code == 2:
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"error: {tmp_path / 'mixture.json'}: ")


def test_a_baseline_of_an_edited_scenario_is_refused(tmp_path):
    scenario = write_scenario(tmp_path)
    folder = tmp_path / "baselines"
    assert invoke("check", "--update", "--baseline", folder, "--quiet", scenario).exit_code == 0
    scenario.write_text(scenario.read_text().replace("a = 0.5, b = 0.3", "a = 0.47, b = 0.33"))
    result = invoke("check", "--baseline", folder, "--quiet", scenario)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {folder / 'scenario.json'}: scenario.digest = ")
    assert "what the scenario now says; re-make the baseline with elsim check --update" in \
        result.stderr


@pytest.fixture
def swept(tmp_path):
    scenario = write_scenario(tmp_path, SWEPT.replace("draws = 1000", "draws = 20000"), "x.toml")
    folder = tmp_path / "baselines"
    result = invoke("check", "--update", "--baseline", folder, "--quiet", scenario)
    assert result.exit_code == 0, result.output
    return scenario, folder / "x-sweep.json"


def test_check_passes_a_sweep_with_another_seed_and_fails_a_zeroed_one(swept):
    scenario, path = swept
    for seed in ("3", "44"):
        result = invoke("check", "--baseline", path.parent, "--seed", seed, "--quiet", scenario)
        assert result.exit_code == 0, result.output
    made = path.read_bytes()
    document = json.loads(made)
    for row in document["rows"]:
        for cell in list(row["lists"].values()) + list(row["blocs"].values()):
            cell.update(dict.fromkeys(cell, 0))
    path.write_text(json.dumps(document))
    result = invoke("check", "--baseline", path.parent, "--quiet", scenario)
    assert result.exit_code == 1
    assert "sweep threshold=0.05:a.seats" in result.output
    assert "sweep threshold=0.25:bloc.gov.majority" in result.output
    result = invoke("check", "--update", "--baseline", path.parent, "--quiet", scenario)
    assert result.exit_code == 0 and path.read_bytes() == made


def test_a_sweep_of_other_values_is_refused(swept):
    scenario, path = swept
    document = json.loads(path.read_text())
    document["rows"][1]["threshold"] = 0.2
    path.write_text(json.dumps(document))
    result = invoke("check", "--baseline", path.parent, "--quiet", scenario)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: rows: must be the 2 variants")


def test_the_histogram_test_has_its_false_alarm_rate():
    # Two samples of one distribution: the p-values are uniform, so about ALPHA * 2000
    # (here 0.002) of 2000 pairs fall below ALPHA; a shift of one seat in 2% of the draws
    # in samples of 200,000 is found.
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(40))
    pairs = [(rng.multinomial(200_000, p), rng.multinomial(200_000, p)) for _ in range(2000)]
    values = [homogeneity_p(a.tolist(), b.tolist()) for a, b in pairs]
    assert min(values) > ALPHA and 0.03 < np.mean(np.array(values) < 0.05) < 0.07
    shifted = pairs[0][1].copy()
    moved = shifted[10] // 2
    shifted[10] -= moved
    shifted[11] += moved
    assert homogeneity_p(pairs[0][0].tolist(), shifted.tolist()) < ALPHA


def test_the_quantile_test_accepts_other_samples_and_refuses_a_shift():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(200) * 5)
    for _ in range(200):
        base, now = rng.multinomial(100_000, p), rng.multinomial(100_000, p)
        for level in (0.05, 0.95):
            index = int(np.searchsorted(np.cumsum(base), level * base.sum()))
            assert not quantile_moved(level, index, now, 100_000)
            assert quantile_moved(level, index + 4, now, 100_000)
            assert quantile_moved(level, index - 4, now, 100_000)


def test_minimal_baseline_passes_two_seeds(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL.replace("draws = 1000", "draws = 20000"))
    folder = tmp_path / "baselines"
    assert invoke("check", "--update", "--baseline", folder, "--quiet", scenario).exit_code == 0
    for seed in ("2", "31337"):
        result = invoke("check", "--baseline", folder, "--seed", seed, "--quiet", scenario)
        assert result.exit_code == 0, result.output


def test_what_one_run_has_and_another_has_not_is_no_change():
    # A rare number of seated lists, or a list seated in no draw of one run's seat sample,
    # is a probability of 0 there, not a vanished metric.
    baseline = json.loads(BASELINE.read_text())
    now = json.loads(BASELINE.read_text())
    now["summary"]["parliament"]["lists_seated"]["1"] = 0.000005
    assert compare_to_baseline("mixture", record(baseline), record(now)) == []
    sample = now["summary"]["seat_sample"]
    sample["lists"].append("extra")  # an all-zero column, as if named though never seated
    sample["rows"] = [row[:-1] + [0, row[-1]] for row in sample["rows"]]
    now["summary"]["lists"].append({**now["summary"]["lists"][-1], "id": "extra"})
    baseline["summary"]["lists"].append({**baseline["summary"]["lists"][-1], "id": "extra"})
    assert histograms(record(now)) == histograms(record(baseline))
    assert histograms(record(baseline))["seat_sample.extra"] == (sample["draws"],)
