"""The command line, through click's CliRunner: output, JSON, and one test per error class."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import __version__
from sim.cli import main

ROOT = Path(__file__).parent.parent
KZ_2021 = str(ROOT / "scenarios" / "history" / "kz-2021.toml")

GOOD_TALLY = """
[system]
seats = 10
threshold = 0.07

[votes]
a = 50
b = 43
c = 7
"""


@pytest.fixture
def runner():
    return CliRunner()


def write(tmp_path, text, name="tally.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_allocate_prints_the_table_with_official_seats(runner):
    result = runner.invoke(main, ["allocate", KZ_2021])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Kazakhstan 2021")
    nur_otan = next(line for line in lines if line.startswith("nur-otan"))
    assert nur_otan.split() == ["nur-otan", "5,148,074", "71.09", "yes", "76.442", "76", "76"]


def test_allocate_json(runner):
    result = runner.invoke(main, ["allocate", "--json", KZ_2021])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["seats"] == {"nur-otan": 76, "ak-zhol": 12, "peoples-party": 10,
                                 "auyl": 0, "adal": 0}
    assert document["passed"] == ["nur-otan", "ak-zhol", "peoples-party"]
    assert document["quotas"]["ak-zhol"] == pytest.approx(11.772435)
    assert document["ties"] == []


def test_allocate_reports_a_tie(runner, tmp_path):
    path = write(tmp_path, "[system]\nseats = 2\n[votes]\na = 10\nb = 10\nc = 10\n")
    result = runner.invoke(main, ["allocate", "--json", path])
    assert json.loads(result.output)["ties"] == ["a", "b", "c"]


def test_allocate_keeps_the_exact_threshold(runner, tmp_path):
    result = runner.invoke(main, ["allocate", "--json", write(tmp_path, GOOD_TALLY)])
    assert json.loads(result.output)["seats"] == {"a": 5, "b": 4, "c": 1}


@pytest.mark.parametrize("text, message", [
    ("[system\nseats = 1", "not valid TOML"),
    ("[votes]\na = 1\n", "system = None: is required"),
    (GOOD_TALLY.replace("threshold =", "treshold ="),
     "system.treshold = 0.07: unknown key; did you mean 'threshold'?"),
    (GOOD_TALLY.replace("seats = 10", 'seats = "ten"'),
     "system.seats = 'ten': must be a whole number"),
    (GOOD_TALLY.replace("seats = 10", "seats = 0"),
     "system.seats = 0: must be a whole number of at least 1"),
    (GOOD_TALLY.replace("a = 50", "a = -50"), "votes.a = -50: must be at least 0"),
    (GOOD_TALLY + 'method = "imperiali"\n', "votes.method = 'imperiali': must be a whole number"),
    (GOOD_TALLY.replace("threshold = 0.07", 'threshold = 0.07\nmethod = "imperiali"'),
     "system.method = 'imperiali': must be one of hare, droop, dhondt"),
])
def test_malformed_tally_is_one_line_and_exit_2(runner, tmp_path, text, message):
    path = write(tmp_path, text)
    result = runner.invoke(main, ["allocate", path])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"error: {path}: ")
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_exit_2(runner, tmp_path):
    result = runner.invoke(main, ["allocate", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "file not found" in result.output
