"""Observers' protocols in ``elsim infer``: the file checked against the frame (one line,
exit 2, nothing written), the figures computed alike for observed and simulated protocols,
the protocols informing the split the official totals cannot see, the same posterior on
any executor, and the command with the shipped (simulated) example."""

import importlib.util
import json
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.engine.executors import ProcessExecutor, SerialExecutor
from sim.engine.simulate import draw_chunk
from sim.inference.abc import InferenceError, infer
from sim.inference.observed import Observed, draw_figures
from sim.inference.protocols import (
    ProtocolCheck,
    Protocols,
    figures,
    observed_protocols,
    read_protocols,
    simulated_protocols,
    write_protocols,
)
from sim.scenario import load_scenario
from tests.inference.test_abc import COUNT
from tests.scenario_text import MINIMAL, support_of, write_scenario
from tests.stations.helpers import strata_toml
from tests.test_cli import GOOD_TALLY, ROOT

# test_abc's count for 20,000 voters at 40 stations of about 500 in two strata; the
# count's inflation for list a at half of them, misrecording in the tabulation (the
# observers' copies do not hold it).
STATIONS = COUNT.replace("registered = 1000000", "registered = 20000") + """
[stations]
count = 40
""" + strata_toml({"urban": {"share": 0.4, "turnout": -0.3, "support": -0.3},
                   "rural": {"share": 0.6, "turnout": 0.3, "support": 0.3}}) + """
[stations.manipulation]
share = 0.5
"""
NAMES = ("a", "b", "c", "turnout", "invalid")
HEADER = "station,stratum,a,b,c,invalid,observed_voters\n"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return load_scenario(write_scenario(tmp_path_factory.mktemp("protocols"),
                                        MINIMAL + STATIONS))


def truth(scenario, entropy: int, stations: np.ndarray):
    """One forward draw: its official figures, the protocols of ``stations`` and its
    parameters."""
    chunk = draw_chunk(scenario, support_of(scenario), entropy, 0, 1)
    template = Observed(path="truth", names=NAMES, values=np.zeros(len(NAMES)))
    observed = Observed(path="truth", names=NAMES, values=draw_figures(chunk, template)[:, 0])
    protocols = simulated_protocols(scenario, chunk, stations, np.random.default_rng(entropy))
    return observed, observed_protocols(protocols, scenario), \
        {name: value[0] for name, value in chunk.params.items()}


def test_a_written_file_reads_back_sorted_with_the_frames_strata(scenario, tmp_path):
    stations = np.array([3, 17, 30, 39])
    _, observed, _ = truth(scenario, 5, stations)
    path = tmp_path / "p.csv"
    lines = write_protocols(observed.protocols, scenario, ("simulated",)).splitlines()
    path.write_text("\n".join([lines[0], lines[1], *reversed(lines[2:])]) + "\n")
    read = read_protocols(path, scenario)
    assert np.array_equal(read.stations, stations)
    assert np.array_equal(read.votes, observed.protocols.votes)
    assert np.array_equal(read.voters, observed.protocols.voters)
    assert np.array_equal(read.stratum, scenario.stations.frame.stratum[stations])
    assert np.array_equal(read.registered, scenario.stations.frame.registered[stations])
    # Without the own counts the column is left out, and the figure with it.
    path.write_text(write_protocols(replace(read, voters=None), scenario))
    assert "observed_voters" not in path.read_text()
    again = read_protocols(path, scenario)
    assert again.voters is None and observed_protocols(again, scenario).names == ("a",)


def _row(scenario, station: int, votes=(100, 50, 30), invalid=5, voters=190) -> str:
    frame = scenario.stations.frame
    known = min(max(station, 1), frame.n_stations) - 1  # a stratum even for a bad number
    return (f"{station},{frame.strata[frame.stratum[known]]},"
            f"{','.join(map(str, votes))},{invalid},{voters}\n")


BAD = {
    "unknown station": (lambda s: _row(s, 41), "line 3, station = 41: names no station of "
                        "the frame of"),
    "station zero": (lambda s: _row(s, 0), "line 3, station = 0: names no station"),
    "twice": (lambda s: _row(s, 1), "line 3, station = 1: is already on line 2"),
    "unknown stratum": (lambda s: "2,suburbs,100,50,30,5,190\n",
                        "line 3, stratum = 'suburbs': names no stratum of [stations.strata] "
                        "(urban, rural)"),
    "other stratum": (lambda s: "2,rural,100,50,30,5,190\n",
                      "line 3, stratum = 'rural': is not the stratum of station 2, which is "
                      "'urban'"),
    "more votes than registered": (lambda s: _row(s, 2, votes=(9000, 50, 30)),
                                   "line 3, votes and invalid = 9085: is more than the "
                                   "664 registered voters of station 2"),
    "own count above registered": (lambda s: _row(s, 2, voters=9000),
                                   "line 3, observed_voters = 9000: is more than the "),
    "not a number": (lambda s: _row(s, 2, votes=("x", 50, 30)),
                     "line 3, a = 'x': must be a whole number"),
    "negative": (lambda s: _row(s, 2, invalid=-1), "line 3, invalid = -1: must not be "
                 "negative"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_protocol_is_one_line_exit_2_and_nothing_written(scenario, tmp_path, case):
    make, message = BAD[case]
    path = tmp_path / "p.csv"
    path.write_text(HEADER + _row(scenario, 1) + make(scenario))
    tally = write_scenario(tmp_path, GOOD_TALLY, "t.toml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["infer", scenario.path, "--observed", str(tally),
                                       "--protocols", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{path}: {message}" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_a_file_of_other_columns_or_a_scenario_without_stations_is_refused(scenario,
                                                                          tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(HEADER.replace("observed_voters", "observed_voter") + _row(scenario, 1))
    with pytest.raises(Exception, match="columns = 'observed_voter': is not a column of a "
                                        "protocols file .*did you mean 'observed_voters'"):
        read_protocols(path, scenario)
    path.write_text("station,stratum,a,b\n1,urban,1,2\n")
    with pytest.raises(Exception, match=r"columns = \['c'\]: are required"):
        read_protocols(path, scenario)
    path.write_text(HEADER + _row(scenario, 1))
    with pytest.raises(Exception, match="needs at least 2 stations"):
        read_protocols(path, scenario)
    plain = load_scenario(write_scenario(tmp_path, MINIMAL, "plain.toml"))
    with pytest.raises(Exception, match="--protocols needs a scenario with a \\[stations\\]"):
        read_protocols(path, plain)


@settings(max_examples=50, deadline=None)
@given(data=st.data(), m=st.integers(2, 12), draws=st.integers(1, 4))
def test_the_figures_are_the_pooled_ratios_and_a_matching_draw_is_at_gap_zero(
        scenario, data, m, draws):
    stations = np.sort(data.draw(st.lists(st.integers(0, 39), min_size=m, max_size=m,
                                          unique=True)))
    registered = scenario.stations.frame.registered[stations]
    votes = np.array([[[data.draw(st.integers(0, int(r) // 4)) for r in registered]
                       for _ in range(3)] for _ in range(draws)])
    voters = np.array([[data.draw(st.integers(0, int(r))) for r in registered]
                       for _ in range(draws)])
    computed = figures(votes, voters, registered, 0)
    for d in range(draws):  # the slow reference: sums station by station
        valid = sum(int(votes[d, j, s]) for j in range(3) for s in range(m))
        share = 100 * sum(int(votes[d, 0, s]) for s in range(m)) / max(valid, 1)
        turnout = 100 * sum(int(v) for v in voters[d]) / sum(int(r) for r in registered)
        assert computed[:, d] == pytest.approx([share, turnout], abs=1e-9)
    if votes[0].sum():
        protocols = Protocols(path="p", stations=stations, registered=registered,
                              stratum=scenario.stations.frame.stratum[stations],
                              votes=votes[0], invalid=None, voters=voters[0])
        observed = observed_protocols(protocols, scenario)
        assert np.all(observed.se > 0)
        check = ProtocolCheck.of(observed, scenario, entropy=1)
        assert np.all(check.gaps(computed[:, :1]) < 1e-9)


def test_the_protocols_tell_stuffing_and_misrecording_apart(scenario):
    # Half the stations observed, with the observers' own counts: the copies hold the
    # genuine votes plus the stuffing, the own counts the genuine turnout, so the posterior
    # of the two mechanisms narrows below the one the official totals alone give (posterior
    # sds averaged over three replicates).
    stations = np.arange(0, 40, 2)
    sd = {"with": [], "without": []}
    for replicate in range(3):
        observed, protocols, _ = truth(scenario, 20 + replicate, stations)
        for kind, given_protocols in (("with", protocols), ("without", None)):
            inference = infer(scenario, observed, draws=40_000, accept=300,
                              executor=SerialExecutor(), seed=replicate, chunk_draws=5_000,
                              protocols=given_protocols)
            sd[kind].append([inference.accepted.values[name].std() for name in
                             ("count.inflation.stuffing", "count.inflation.misrecording")])
    ratio = np.mean(sd["with"], axis=0) / np.mean(sd["without"], axis=0)
    # Measured: 0.75 and 0.92 (the own counts inform the stuffing more than 20 copies of
    # about 500 votes, with the stations' spread of support, inform the misrecording).
    assert ratio[0] < 0.85 and ratio[1] < 1.0, ratio


def test_protocols_the_prior_cannot_produce_are_refused_in_both_units(scenario):
    observed, protocols, _ = truth(scenario, 12, np.arange(0, 40, 2))
    impossible = replace(protocols, values=protocols.values + 1000 * protocols.se)
    with pytest.raises(InferenceError, match=r"closest draw was [0-9.]+ off \(points; "
                       r"standard errors for a protocol figure; furthest: "):
        infer(scenario, observed, draws=10_000, accept=500, executor=SerialExecutor(), seed=1,
              chunk_draws=5_000, protocols=impossible)


def test_the_same_seed_gives_the_same_posterior_on_any_executor(scenario):
    observed, protocols, _ = truth(scenario, 11, np.arange(0, 40, 3))
    runs = []
    for make in (SerialExecutor, lambda: ProcessExecutor(2)):
        executor = make()
        try:
            runs.append(infer(scenario, observed, draws=30_000, accept=200, executor=executor,
                              seed=5, chunk_draws=5_000, protocols=protocols))
        finally:
            executor.close()
    serial, other = runs
    assert np.array_equal(serial.accepted.key, other.accepted.key)
    assert np.array_equal(serial.accepted.values["protocols.a"],
                          other.accepted.values["protocols.a"])
    assert serial.tolerance == other.tolerance and serial.rounds == other.rounds


def test_infer_with_protocols_writes_their_figures_and_predictive_check(scenario, tmp_path):
    observed, protocols, _ = truth(scenario, 7, np.arange(0, 40, 2))
    path = tmp_path / "p.csv"
    path.write_text(write_protocols(protocols.protocols, scenario))
    counts = draw_chunk(scenario, support_of(scenario), 7, 0, 1)
    votes = "\n".join(f"{name} = {int(v)}" for name, v in zip("abc", counts.votes[:, 0]))
    tally = write_scenario(tmp_path, GOOD_TALLY.split("[votes]")[0] + "[votes]\n" + votes
                           + f"\n\n[ballots]\ninvalid = {int(counts.invalid[0])}\n", "t.toml")
    result = CliRunner().invoke(main, ["infer", scenario.path, "--observed", str(tally),
                                       "--protocols", str(path), "--draws", "30000",
                                       "--accept", "200", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"and {path}" in result.output and "standard errors" in result.output
    assert "A in the 20 protocols" in result.output
    document = json.loads((tmp_path / "out" / "scenario-posterior.json").read_text())
    given = document["observed"]["protocols"]
    assert given["stations"] == 20 and set(given["figures"]) == {"a", "voters"}
    assert given["figures"]["a"] == pytest.approx(float(protocols.values[0]), abs=1e-4)
    predictive = {p["id"]: p for p in document["predictive"]}
    assert {"protocols.a", "protocols.voters"} <= set(predictive)
    check = predictive["protocols.voters"]
    assert check["prior"]["q05"] < check["prior"]["q95"]


def test_the_shipped_example_is_simulated_and_fits_its_scenario():
    scenario = load_scenario(ROOT / "scenarios" / "kz-2021" / "stations-reconcile.toml")
    path = ROOT / "scenarios" / "kz-2021" / "protocols-82-cities.csv"
    assert path.read_text().startswith("# SIMULATED protocols, not observed ones")
    protocols = read_protocols(path, scenario)
    frame = scenario.stations.frame
    assert protocols.stations.size == 82
    assert {frame.strata[k] for k in protocols.stratum} == {"cities"}
    observed = observed_protocols(protocols, scenario)
    # Nur Otan's share in the copies lies below its official 70.2% (the scenario's
    # misrecording rewrites the protocols after the observers' copy; the cities vote less
    # for it), and the own counts give a turnout.
    assert 45 < observed.values[0] < 70 and 30 < observed.values[1] < 80
    assert np.all((observed.se > 0.3) & (observed.se < 5))


def test_the_shipped_example_is_what_its_tool_makes():
    # The same seeds give the same bytes (the station model is CPU-independent).
    spec = importlib.util.spec_from_file_location("example_protocols",
                                                  ROOT / "tools" / "example_protocols.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.example_text() == tool.OUT.read_text(encoding="utf-8")
