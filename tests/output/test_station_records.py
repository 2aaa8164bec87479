"""The station level of a result (``summary.stations``) as typed records: read and checked
once, written back to the same bytes, and read by the text and the report by attribute, so
that a reader's bug is a traceback and a bad file one line naming its key."""

import copy
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ResultError
from sim.output.files import json_text
from sim.output.records import (
    FingerprintLayer,
    Fingerprints,
    QuickCount,
    Result,
    ShareStats,
    Stations,
)
from sim.output.results import read_record
from sim.output.stations import station_lines
from sim.output.text import scenario_table
from tests.scenario_text import write_scenario
from tests.stations.test_scenario import STATIONS

RESULTS = Path(__file__).parents[2] / "results"
WITH_STATIONS = sorted(p for p in RESULTS.glob("*.json")
                       if "stations" in json.loads(p.read_text()).get("summary", {}))
OBSERVED = json.loads((RESULTS / "stations-observed.json").read_text())


def test_the_shipped_results_hold_station_levels_to_read():
    # Else the round trip below would pass vacuously.
    assert {p.stem for p in WITH_STATIONS} >= {"stations-observed", "stations-district"}


@pytest.mark.parametrize("path", WITH_STATIONS, ids=lambda p: p.stem)
def test_a_shipped_station_level_reads_as_records_and_writes_back_the_same_bytes(path):
    text = path.read_text()
    stations = read_record(path).summary.stations
    assert isinstance(stations, Stations)
    assert isinstance(stations.quick_count, QuickCount)
    assert isinstance(stations.fingerprints, Fingerprints)
    assert isinstance(stations.fingerprints.clean, FingerprintLayer)
    assert isinstance(stations.stations_won[stations.beneficiary], ShareStats)
    original = json.loads(text)["summary"]["stations"]
    assert stations.to_dict() == original
    assert json_text(stations.to_dict()) == json_text(original)  # key order included
    assert json_text(read_record(path).to_dict()) == text


def test_station_records_are_frozen_and_their_tables_read_only():
    stations = Result.from_dict(copy.deepcopy(OBSERVED), "x.json").summary.stations
    assert stations is not None
    with pytest.raises(AttributeError):
        stations.beneficiary = "adal"  # type: ignore[misc]
    with pytest.raises(TypeError):
        stations.stations_won["adal"] = stations.unplaced  # type: ignore[index]


def _quick(d):
    return d["summary"]["stations"]["quick_count"]


def _prints(d):
    return d["summary"]["stations"]["fingerprints"]


@pytest.mark.parametrize("tamper, message", [
    (lambda d: d["summary"]["stations"].pop("unplaced"),
     "x.json: result.summary.stations.unplaced = None: is missing"),
    (lambda d: _quick(d).update(size=1.5),
     "x.json: result.summary.stations.quick_count.size = 1.5: must be a whole number"),
    (lambda d: _quick(d).update(design=None),
     "result.summary.stations.quick_count.design = None: must be a text"),
    (lambda d: d["summary"]["stations"]["share"]["official"].update(mean=math.nan),
     "result.summary.stations.share.official.mean = nan: must be a finite number"),
    (lambda d: _prints(d)["clean"].update(p_benford=0.1),
     "result.summary.stations.fingerprints.clean.p_benford = 0.1: is not a field of "
     "FingerprintLayer"),
    (lambda d: d["summary"]["stations"].update(stations_won=[]),
     "result.summary.stations.stations_won = []: must be a table"),
    (lambda d: d["summary"]["stations"]["share"]["official"].update(mean=1.2),
     "result.summary.stations.share.official.mean = 1.2: must be between 0 and 1"),
    (lambda d: d["summary"]["stations"]["turnout"]["true"].update(q05=0.9),
     "result.summary.stations.turnout.true.q05 = 0.9: must be at most q95 (0.819092)"),
    (lambda d: _quick(d)["gap"].update(q05=-1.5),
     "result.summary.stations.quick_count.gap.q05 = -1.5: must be between -1 and 1"),
    (lambda d: _quick(d).update(p_detect=1.01),
     "result.summary.stations.quick_count.p_detect = 1.01: must be between 0 and 1"),
    (lambda d: _quick(d).update(size=20000),
     "result.summary.stations.quick_count.size = 20000: must be 2 to the scope's 10061 "
     "stations"),
    (lambda d: _quick(d).update(size=1),
     "result.summary.stations.quick_count.size = 1: must be 2 to the scope's 10061 "),
    (lambda d: _quick(d).update(design="snowball"),
     "result.summary.stations.quick_count.design = 'snowball': must be one of random, "
     "stratified, convenience, observed"),
    (lambda d: _quick(d).update(risk=0.9),
     "result.summary.stations.quick_count.risk = 0.9: must be from 0.001 to 0.5"),
    (lambda d: _quick(d).update(size_needed=-3.0),
     "result.summary.stations.quick_count.size_needed = -3.0: must be at least 0"),
    (lambda d: _prints(d).update(digits_critical_p=0.0),
     "result.summary.stations.fingerprints.digits_critical_p = 0.0: must be above 0"),
    (lambda d: _prints(d).update(draws=2001),
     "result.summary.stations.fingerprints.draws = 2001: must be at most the summary's draws "
     "(2000)"),
    (lambda d: d["summary"]["stations"].update(beneficiary="otan"),
     "result.summary.stations.beneficiary = 'otan': must be an option of stations_won"),
    (lambda d: _quick(d)["observed_won"].pop("adal"),
     "result.summary.stations.quick_count.observed_won = ['nur-otan', 'ak-zhol', "),
    (lambda d: [table.update(ghost={"mean": 0.0, "q05": 0.0, "q95": 0.0}) for table in
                (d["summary"]["stations"]["stations_won"], _quick(d)["observed_won"])],
     "result.summary.stations.stations_won.ghost = {'mean': 0.0, 'q05': 0.0, 'q95': 0.0}: "
     "must be an option of the ballot (nur-otan, ak-zhol, peoples-party, auyl, adal)"),
])
def test_a_bad_station_level_is_one_error_naming_file_key_value_and_rule(tamper, message):
    document = copy.deepcopy(OBSERVED)
    tamper(document)
    with pytest.raises(ResultError) as error:
        Result.from_dict(document, "x.json")
    assert message in str(error.value)


def test_signed_figures_may_be_negative():
    document = copy.deepcopy(OBSERVED)
    _quick(document)["gap"].update(mean=-0.2, q05=-0.3)
    _prints(document)["protocol"]["correlation"].update(mean=-0.5, q05=-0.9)
    stations = Result.from_dict(document, "x.json").summary.stations
    assert stations is not None and stations.quick_count is not None
    assert stations.quick_count.gap.mean == -0.2
    assert "official minus estimate -20.0% (-30.0-23.6)" in " ".join(
        station_lines(stations, {}, width=None))


def test_a_mean_gap_not_above_zero_leaves_the_sample_size_out():
    document = copy.deepcopy(OBSERVED)
    _quick(document)["size_needed"] = None
    stations = Result.from_dict(document, "x.json").summary.stations
    assert stations is not None and stations.quick_count is not None
    assert stations.quick_count.size_needed is None
    assert stations.to_dict()["quick_count"]["size_needed"] is None  # written, as null
    assert "simple random sample" not in " ".join(station_lines(stations, {}, width=None))


def test_votes_no_station_could_take_are_said():
    document = copy.deepcopy(OBSERVED)
    document["summary"]["stations"]["unplaced"]["mean"] = 0.0123
    stations = Result.from_dict(document, "x.json").summary.stations
    assert stations is not None
    assert "(1.23% of the votes found no station with room: tabulated)" in \
        station_lines(stations, {}, width=None)[0]


def test_a_run_without_observers_writes_and_reads_a_level_without_a_quick_count(tmp_path):
    """The producer's document (elsim run) against the records: no quick count without
    observers, the file read back to its own bytes, the text without a quick count."""
    scenario = STATIONS[:STATIONS.index("[stations.observers]")]
    path = write_scenario(tmp_path, scenario, "plain.toml")
    out = tmp_path / "out"
    outcome = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--draws", "40"])
    assert outcome.exit_code == 0, outcome.output
    result = read_record(out / "plain.json")
    stations = result.summary.stations
    assert stations is not None and stations.quick_count is None
    assert "quick_count" not in stations.to_dict()
    assert json_text(result.to_dict()) == (out / "plain.json").read_text()
    text = scenario_table(result)
    assert "Stations won (protocols): A " in text and "Quick count" not in text


def test_a_station_reader_bug_is_a_traceback_not_a_malformed_result(tmp_path, monkeypatch):
    from sim.output import stations as station_text

    def broken(quick, who, names):
        return [quick.no_such_field]  # a reader's bug

    monkeypatch.setattr(station_text, "_quick_count_lines", broken)
    outcome = CliRunner().invoke(main, ["report", str(RESULTS / "stations-observed.json"),
                                        "--out", str(tmp_path / "report.html")])
    assert isinstance(outcome.exception, AttributeError)
    assert "no_such_field" in str(outcome.exception)
