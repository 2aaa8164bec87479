"""The [stations] table in a scenario: through the engine and the command line, reproducible
for any chunking, and bad input as one line, exit 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.simulate import simulate
from sim.scenario import load_scenario
from tests.cli_errors import assert_one_line_error
from tests.scenario_text import MINIMAL, write_scenario
from tests.stations.helpers import strata_toml

STATIONS = MINIMAL + """
[count]
registered = 120000
turnout = { uniform = [0.4, 0.6] }
invalid = 0.02
[count.inflation]
list = "a"
stuffing = { uniform = [0.0, 0.2] }
misrecording = { uniform = [0.0, 0.05] }

[stations]
count = 100
list = "a"
""" + strata_toml({"city": {"share": 0.3, "size": 1.5, "turnout": -0.3},
                   "village": {"share": 0.7, "turnout": 0.3, "support": 0.3}}) + """
[stations.manipulation]
share = 0.4
misrecording = "rewriting"
[stations.observers]
design = "stratified"
size = 30
"""


def test_a_scenario_with_stations_gives_the_station_summary(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, STATIONS, "s.toml"))
    document = simulate(scenario, draws=120, seed=3).to_dict()["stations"]
    assert document["beneficiary"] == "a"
    quick = document["quick_count"]
    assert quick["design"] == "stratified" and quick["size"] == 30
    assert 0 <= quick["coverage"] <= 1
    # inflation for a: the official share lies above the genuine one
    assert document["share"]["official"]["mean"] > document["share"]["genuine"]["mean"]


def test_the_station_summary_is_the_same_for_any_worker_count(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, STATIONS, "s.toml"))
    whole = simulate(scenario, draws=90, seed=4, chunk_draws=30)
    again = simulate(scenario, draws=90, seed=4, chunk_draws=30, workers=2)
    assert json.dumps(whole.to_dict(), sort_keys=True) == \
        json.dumps(again.to_dict(), sort_keys=True)


def test_stations_leave_the_other_stages_random_numbers_alone(tmp_path):
    plain = STATIONS[:STATIONS.index("[stations]")]
    with_stations = simulate(load_scenario(write_scenario(tmp_path, STATIONS, "s.toml")),
                             draws=60, seed=5).to_dict()
    without = simulate(load_scenario(write_scenario(tmp_path, plain, "p.toml")),
                       draws=60, seed=5).to_dict()
    assert with_stations["lists"] == without["lists"]


def _sizes(tmp_path, total):
    (tmp_path / "sizes.csv").write_text("registered,stratum\n" + "".join(
        f"{total // 4 + (i == 0) * (total % 4)},{'city' if i < 2 else 'village'}\n"
        for i in range(4)), encoding="utf-8")


@pytest.mark.parametrize(("change", "message"), [
    (("share = 0.7\nturnout = 0.3", "share = 0.6\nturnout = 0.3"),
     "the strata's shares of the stations must add up to 1"),
    (("size = 30\n", "size = 101\n"), "stations.observers.size = 101: must not exceed the "
     "100 stations of the frame"),
    (("count = 100\n", 'sizes = "sizes.csv"\n'), "station sizes add up to 100000, not to "
     "the 120000 registered voters"),
    (("[stations]\n", "[stations]\nregistered = 5\n"), "stations.registered = 5: must equal "
     "[count].registered (120000)"),
    (("design = \"stratified\"", "design = \"snowball\""), "must be one of random, "
     "stratified, convenience, observed"),
])
def test_bad_station_input_is_one_line_and_exit_2(tmp_path, change, message):
    _sizes(tmp_path, 100_000)
    path = write_scenario(tmp_path, STATIONS.replace(*change), "bad.toml")
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out"),
                                       "--draws", "10"])
    assert_one_line_error(result, str(path), message)
    assert not (tmp_path / "out").exists()


def test_stations_need_a_count(tmp_path):
    path = write_scenario(tmp_path, MINIMAL + "[stations]\ncount = 10\n", "bad.toml")
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out")])
    assert_one_line_error(result, str(path), "needs a [count] table")


def test_the_text_and_the_report_show_the_stations(tmp_path):
    path = write_scenario(tmp_path, STATIONS, "s.toml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--draws", "60"])
    assert result.exit_code == 0, result.output
    assert "Quick count (stratified, 30 of 100 stations): A " in result.output
    assert "Stations won (protocols): A " in result.output
    assert "Fingerprints (" in result.output
    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(out / "s.json"), "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert "<h4>Polling stations</h4>" in page.read_text(encoding="utf-8")
