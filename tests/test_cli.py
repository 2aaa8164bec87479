"""The command line, through click's CliRunner: output, JSON, and one test per error class."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import __version__
from sim.cli import main
from tests.cli_errors import assert_one_line_error
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parent.parent
KZ_2021 = str(ROOT / "scenarios" / "history" / "kz-2021.toml")
MIXTURE = str(ROOT / "scenarios" / "kz-2021" / "mixture.toml")

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
    return str(write_scenario(tmp_path, text, name))


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
     "system.seats = 0: must be a whole number between 1 and 10000"),
    (GOOD_TALLY.replace("a = 50", "a = -50"), "votes.a = -50: must be between 0 and 2000000000"),
    (GOOD_TALLY + 'method = "lottery"\n', "votes.method = 'lottery': must be a whole number"),
    (GOOD_TALLY.replace("threshold = 0.07", 'threshold = 0.07\nmethod = "lottery"'),
     "system.method = 'lottery': must be one of hare, droop, hagenbach-bischoff"),
])
def test_malformed_tally_is_one_line_and_exit_2(runner, tmp_path, text, message):
    path = write(tmp_path, text)
    assert_one_line_error(runner.invoke(main, ["allocate", path]), path, message)


def test_missing_file_is_exit_2(runner, tmp_path):
    result = runner.invoke(main, ["allocate", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "file not found" in result.output


# --- run and validate ---------------------------------------------------------------------


def test_run_writes_results_and_prints_the_table(runner, tmp_path):
    out = tmp_path / "results"
    result = runner.invoke(main, ["run", MIXTURE, "--draws", "20000", "--out", str(out),
                                  "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Nur Otan" in result.output and "P(two-thirds >= 72)" in result.output
    document = json.loads((out / "mixture.json").read_text())
    assert document["run"]["draws"] == 20000
    assert document["run"]["seed_entropy"] == "20210110"
    assert set(document["run"]["versions"]) == {"elsim", "numpy", "scipy", "simpy"}
    assert len(document["scenario"]["digest"]) == 64
    rows = (out / "mixture.csv").read_text().splitlines()
    assert rows[0].startswith("scenario,list,name,bloc,seats_mean")
    assert len(rows) == 1 + 5
    assert (out / "run-log.jsonl").exists()
    assert not list(out.glob(".tmp-*"))
    # How far a re-run moves the figures: 0.5 / sqrt(20,000) on a probability, the largest
    # seat sd / sqrt(20,000) on a mean.
    largest_sd = max(item["seats"]["sd"] for item in document["summary"]["lists"])
    assert "Monte Carlo error (20,000 draws, one standard error): at most 0.35 points on a " \
           f"probability, {largest_sd / 20000 ** 0.5:.2g} seats on a mean." in result.output


def test_run_says_what_was_measured_and_what_assumed(runner, tmp_path):
    barometer = str(ROOT / "scenarios" / "kz-2021" / "barometer.toml")
    result = runner.invoke(main, ["run", barometer, "--draws", "5000", "--out", str(tmp_path),
                                  "--quiet"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "measured Nur Otan 30.0%, the rest 70.0% of 1,500 respondents" in text
    assert "design effect 1.5 (assumed: not stated)" in text
    assert "assumed split of the rest: Ak Zhol 11%" in text and "undecided 71%" in text
    assert "(fill strength 10)" in text
    assumed = json.loads((tmp_path / "barometer.json").read_text())["assumptions"]
    barometer_source = assumed["sources"][1]
    assert barometer_source["measured"] == {"nur-otan": 0.3, "rest": 0.7}
    assert barometer_source["polls"][0]["design_effect_assumed"] is True
    assert sum(barometer_source["assumed"]["split_of_rest"].values()) == pytest.approx(1.0)


def test_run_without_an_error_model_says_it_shows_sampling_error_only(runner, tmp_path):
    result = runner.invoke(main, ["run", write(tmp_path, MINIMAL, "scenario.toml"), "--out",
                                  str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "none declared, so the intervals show sampling error only" in \
        " ".join(result.output.split())


def test_rerun_with_the_seed_rewrites_identical_files(runner, tmp_path):
    out = tmp_path / "results"
    args = ["run", MIXTURE, "--draws", "5000", "--out", str(out), "--quiet"]
    runner.invoke(main, args)
    first = (out / "mixture.json").read_bytes(), (out / "mixture.csv").read_bytes()
    runner.invoke(main, args)
    assert ((out / "mixture.json").read_bytes(), (out / "mixture.csv").read_bytes()) == first


def test_run_json_and_seed_option(runner, tmp_path):
    args = ["run", MIXTURE, "--draws", "5000", "--out", str(tmp_path), "--json", "--quiet"]
    one = json.loads(runner.invoke(main, args + ["--seed", "1"]).stdout)
    two = json.loads(runner.invoke(main, args + ["--seed", "2"]).stdout)
    assert one["run"]["seed_entropy"] == "1" and two["run"]["seed_entropy"] == "2"
    assert one["summary"] != two["summary"]


def test_run_a_folder_skips_partial_bases(runner, tmp_path):
    write_scenario(tmp_path, MINIMAL, "_base.toml")
    write_scenario(tmp_path, 'extends = "_base.toml"\n', "one.toml")
    write_scenario(tmp_path, 'extends = "_base.toml"\ntitle = "Two"\n', "two.toml")
    result = runner.invoke(main, ["run", str(tmp_path), "--out", str(tmp_path / "out"),
                                  "--quiet"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == ["one.json", "two.json"]


def test_validate_names_all_problems_of_a_bad_file(runner, tmp_path):
    path = write_scenario(tmp_path, MINIMAL.replace("seats = 10", "seats = 0")
                          .replace("n = 1000", "n = 0"))
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: {path}: system.seats = 0: must be a whole number between 1 and 10000",
        f"{path}: poll[0].n = 0: must be between 1 and 100000000"]


def test_validate_good_files(runner):
    folder = ROOT / "scenarios" / "kz-2021"
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0
    shipped = [p for p in folder.glob("*.toml") if not p.name.startswith("_")]
    assert len(result.output.splitlines()) == len(shipped) >= 7


def test_run_a_malformed_scenario_is_one_line_exit_2(runner, tmp_path):
    path = write_scenario(tmp_path, MINIMAL.replace("a = 0.5,", "a = 1.3,"))
    result = runner.invoke(main, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (f"error: {path}: poll[0].shares.a = 1.3: must be between 0.0 "
                             "and 1.0\n")


def test_run_shows_campaign_and_count_columns_only_where_used(runner, tmp_path):
    smart_vote = str(ROOT / "scenarios" / "kz-2021" / "smart-vote.toml")
    result = runner.invoke(main, ["run", smart_vote, MIXTURE, "--draws", "20000", "--out",
                                  str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    smart, mixture = result.output.split("\n\nKazakhstan 2021: half")
    assert "true support" in smart and "P(withdrew)" in smart
    assert "Official turnout" in smart and "endorses on election day" in smart
    assert "true support" not in mixture and "Official turnout" not in mixture
    document = json.loads((tmp_path / "smart-vote.json").read_text())
    adal = next(item for item in document["summary"]["lists"] if item["id"] == "adal")
    assert 0.6 < adal["p_withdrawn"] < 0.8  # reaction probability 0.7
    assert set(document["summary"]["endorsers"][0]["endorsed_on_election_day"]) == \
        {"adal", "auyl", "ak-zhol", "none"}


def test_the_command_starts_without_matplotlib():
    # matplotlib is an optional extra: every command module must import without it.
    code = "import sys; sys.modules['matplotlib'] = None; import sim.cli; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
