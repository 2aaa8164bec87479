"""Result records: one reading of a file (types, unknown keys, the rules of validate), a
writing that gives back the same bytes, and a reader's bug shown as a bug."""

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ResultError
from sim.output.assumptions import assumptions
from sim.output.files import json_text
from sim.output.records import (
    FORMAT,
    ListResult,
    ModelAssumption,
    PollAssumption,
    ProfileDistricts,
    Result,
    SeatStats,
    SourceAssumption,
    TierDistricts,
)
from sim.output.results import read_record
from sim.scenario import load_scenario
from tests.scenario_text import support_of

RESULTS = Path(__file__).parents[2] / "results"
SHIPPED = sorted(p for p in RESULTS.glob("*.json")
                 if json.loads(p.read_text()).get("format") == FORMAT)
BACKTEST = Path(__file__).parents[2] / "scenarios" / "backtest" / "kz-2021"
MIXTURE = json.loads((RESULTS / "mixture.json").read_text())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_result_reads_and_writes_back_to_the_same_bytes(path):
    result = read_record(path)
    assert json_text(result.to_dict()) == path.read_text()
    # Key order too: the JSON text would differ otherwise, but say it of the data as well.
    assert list(result.to_dict()["summary"]) == list(json.loads(path.read_text())["summary"])


def test_records_are_typed_and_frozen():
    result = Result.from_dict(copy.deepcopy(MIXTURE), "mixture.json")
    first = result.summary.lists[0]
    assert isinstance(first, ListResult) and isinstance(first.seats, SeatStats)
    assert first.seats.histogram == tuple(MIXTURE["summary"]["lists"][0]["seats"]["histogram"])
    with pytest.raises(AttributeError):
        first.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):  # its tables are read-only too
        result.summary.parliament.seats_needed["majority"] = 1  # type: ignore[index]


def test_a_field_the_records_do_not_name_is_refused_with_its_key_path():
    document = copy.deepcopy(MIXTURE)
    document["summary"]["lists"][1]["p_magic"] = 0.5
    with pytest.raises(ResultError) as error:
        Result.from_dict(document, "x.json")
    assert str(error.value).startswith("x.json: result.summary.lists[1].p_magic = 0.5: is not "
                                       "a field of ListResult")


@pytest.mark.parametrize("tamper, message", [
    (lambda d: d["assumptions"]["system"].update(method=3),
     "result.assumptions.system.method = 3: must be a text"),
    (lambda d: d["summary"]["parliament"].update(district_seats=2.5),
     "summary.parliament.district_seats = 2.5: must be a whole number"),
    (lambda d: d["summary"]["blocs"][0].update(id=7), "summary.blocs[0] = 7: must be a table "
     "with an id"),
    (lambda d: d["assumptions"]["system"].update(cap="none"),
     "result.assumptions.system.cap = 'none': must be a whole number"),
    (lambda d: d["run"]["versions"].update(numpy=2), "run.versions.numpy = 2: must be a text"),
])
def test_a_value_of_the_wrong_type_is_one_error_naming_its_key_path(tamper, message):
    document = copy.deepcopy(MIXTURE)
    tamper(document)
    with pytest.raises(ResultError) as error:
        Result.from_dict(document, "x.json")
    assert message in str(error.value)


def test_an_optional_column_is_left_out_when_absent_and_written_when_present():
    result = Result.from_dict(copy.deepcopy(MIXTURE), "mixture.json")
    item = result.summary.lists[0]
    assert item.support is None and "support" not in item.to_dict()
    document = copy.deepcopy(MIXTURE)
    document["summary"]["lists"][0]["support"] = {"mean": 0.5, "q05": 0.4, "q95": 0.6}
    again = Result.from_dict(document, "mixture.json").summary.lists[0].to_dict()
    assert list(again)[-1] == "support" and again["support"]["mean"] == 0.5


def test_a_bug_while_drawing_is_a_traceback_not_a_malformed_result(tmp_path, monkeypatch):
    from sim.output import plots

    def broken(result, colors):
        return result.summary.no_such_field  # a reader's bug

    monkeypatch.setattr(plots, "hemicycle", broken)
    outcome = CliRunner().invoke(main, ["plot", str(RESULTS / "mixture.json"),
                                        "--out", str(tmp_path)])
    assert isinstance(outcome.exception, AttributeError)
    assert "no_such_field" in str(outcome.exception)


def test_the_assumptions_are_records_and_a_key_they_do_not_name_is_refused():
    result = Result.from_dict(copy.deepcopy(MIXTURE), "mixture.json")
    source = result.assumptions.sources[0]
    assert isinstance(source, SourceAssumption) and isinstance(source.polls[0], PollAssumption)
    assert isinstance(result.assumptions.model, ModelAssumption)
    assert source.to_dict() == MIXTURE["assumptions"]["sources"][0]
    document = copy.deepcopy(MIXTURE)
    document["assumptions"]["sources"][0]["polls"][0]["margin"] = 3
    with pytest.raises(ResultError) as error:
        Result.from_dict(document, "x.json")
    assert str(error.value).startswith("x.json: result.assumptions.sources[0].polls[0].margin = "
                                       "3: is not a field of PollAssumption")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_district_tier_reads_as_the_record_of_its_shape(path):
    document = json.loads(path.read_text())
    districts = read_record(path).assumptions.districts
    if "districts" not in document["assumptions"]:
        assert districts is None
    else:
        shape = ProfileDistricts if "profile" in document["assumptions"]["districts"] \
            else TierDistricts
        assert type(districts) is shape


def test_a_structural_model_reads_and_writes_back():
    structural = load_scenario(BACKTEST / "2021-barometer-structural.toml")
    model = assumptions(structural, support_of(structural))["model"]
    record = ModelAssumption.from_plain(model, "assumptions.model", "structural")
    assert record.structural is not None and record.to_dict() == model


def test_the_median_seats_column_is_the_records_q50():
    """The median column reads the seat record's q50: a column shown is a record's field and
    the one reader that shows it (sim.output.text.list_table, shared by the report)."""
    from sim.output.text import list_table
    result = read_record(RESULTS / "barometer.json")
    headers, rows = list_table(result.summary)
    column = headers.index("median")
    assert headers[column - 1:column + 2] == ["seats", "median", "90% interval"]
    for item, row in zip(result.summary.lists, rows):
        assert row[column] == str(item.seats.q50)
        assert item.seats.q05 <= item.seats.q50 <= item.seats.q95
