"""Sweeps: variants, validation, and the sweep table next to the results."""

import csv

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.simulate import simulate
from sim.errors import ScenarioError
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, two_sources, write_scenario

TWO_SOURCES = two_sources()
SWEEP = TWO_SOURCES + '''
[sweep.other-weight]
key = "sources.other.weight"
complement = "sources.poll.weight"
values = [0.0, 0.5, 1.0]
'''


def test_variants_set_the_key_and_its_complement(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, SWEEP))
    variants = scenario.variants
    assert [v.values for v in variants] == [{"other-weight": v} for v in (0.0, 0.5, 1.0)]
    weights = [[source.weight for source in v.scenario.sources] for v in variants]
    assert weights == [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]


def test_two_axes_make_a_grid(tmp_path):
    text = SWEEP + '\n[sweep.seats]\nkey = "system.seats"\nvalues = [10, 20]\n'
    variants = load_scenario(write_scenario(tmp_path, text)).variants
    assert len(variants) == 6
    assert {variant.scenario.system.seats for variant in variants} == {10, 20}


def test_an_unknown_sweep_key_is_an_error(tmp_path):
    path = write_scenario(tmp_path, SWEEP.replace('key = "sources.other.weight"',
                                                  'key = "sources.nobody.weight"'))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == (f"{path}: sweep.other-weight.key = 'sources.nobody.weight': "
                                "must be the key path of a number in this scenario, such as "
                                "sources.barometer.weight")


def test_a_value_giving_an_invalid_scenario_is_an_error(tmp_path):
    path = write_scenario(tmp_path, SWEEP.replace("values = [0.0, 0.5, 1.0]",
                                                  "values = [0.0, -2.0]"))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == (f"{path}: sweep = {{'other-weight': -2.0}}: gives an invalid "
                                "scenario (sources.other.weight = -2.0: must be between 0.0 "
                                "and 1000000.0)")


def test_run_writes_the_sweep_table(tmp_path):
    path = write_scenario(tmp_path, SWEEP.replace("draws = 1000", "draws = 20000"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    with (out / "scenario-sweep.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["other-weight"] for row in rows] == ["0.0", "0.5", "1.0"]
    # Source "other" has list a at 20% rather than 50%: a's seats fall as its weight rises.
    seats = [float(row["a.seats"]) for row in rows]
    assert seats[0] > seats[1] > seats[2]
    assert set(rows[0]) >= {"a.p_threshold", "a.p_runner_up", "gov.majority", "opp.seats"}
    assert (out / "scenario-sweep.json").exists() and (out / "scenario.json").exists()


COUNTED_SWEEP = MINIMAL.replace("[run]", '''[count]
registered = 100000
turnout = { uniform = [0.4, 0.7] }
invalid = 0.02

[count.inflation]
list = "a"
misrecording = 0.0

[sweep.misrecording]
key = "count.inflation.misrecording"
values = [0.0, 0.1]

[run]''')


def test_variants_share_the_random_numbers_of_the_stages_not_swept(tmp_path):
    # Each stage draws from its own seed stream: sweeping a count parameter leaves the
    # poll draws (and so the genuine support) identical, and moves only the official count.
    scenario = load_scenario(write_scenario(tmp_path, COUNTED_SWEEP))
    honest, inflated = (simulate(variant.scenario, draws=4_000, seed=3).to_dict()["lists"]
                        for variant in scenario.variants)
    assert [item["support"] for item in honest] == [item["support"] for item in inflated]
    assert inflated[0]["share"]["mean"] > honest[0]["share"]["mean"] + 0.02
