"""The House a scenario describes, and the tally-only rules a scenario refuses."""

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, write_scenario


def test_a_scenario_has_one_national_list_tier(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path))
    assert [tier.kind for tier in scenario.law.tiers] == ["list"]
    assert scenario.law.seats == scenario.house


@pytest.mark.parametrize(("line", "why"), [
    ('threshold_scope = "district"', "multi-member districts"),
    ("regional_threshold = 0.005", "tally files")])
def test_rules_a_scenario_cannot_simulate_are_refused(tmp_path, line, why):
    path = write_scenario(tmp_path, MINIMAL.replace("[system]\n", f"[system]\n{line}\n", 1))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert line.split(" =")[0] in result.output and why in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("line", "needed"), [
    ('fraction = "1/2"', 7),                               # more than half of 12 seats
    ("seats = 8", 8),                                      # a line in seats
    ('fraction = "1/2"\nof = 16', 9),                      # more than half of a nominal 16
    ('fraction = "226/450"\nof = 450\nrule = "at-least"', 226),
])
def test_majority_lines_in_seats_or_of_a_nominal_house(tmp_path, line, needed):
    text = MINIMAL.replace('[majorities.majority]\nfraction = "1/2"\n',
                           f"[majorities.majority]\n{line}\n")
    scenario = load_scenario(write_scenario(tmp_path, text))
    assert scenario.majorities[0].seats_needed(scenario.house) == needed


@pytest.mark.parametrize("line", ['seats = 8\nfraction = "1/2"', "seats = 8\nof = 20",
                                  "rule = \"at-least\""])
def test_a_majority_line_is_a_fraction_or_seats(tmp_path, line):
    text = MINIMAL.replace('[majorities.majority]\nfraction = "1/2"\n',
                           f"[majorities.majority]\n{line}\n")
    result = CliRunner().invoke(main, ["validate", str(write_scenario(tmp_path, text))])
    assert result.exit_code == 2 and "majorities.majority" in result.output
    assert "Traceback" not in result.output


def test_validate_recognises_a_tally_and_allocate_warns_of_a_lump(tmp_path):
    lump = tmp_path / "lump.toml"
    lump.write_text("[system]\nseats = 10\nthreshold = 0.05\n[votes]\na = 500\nb = 300\n"
                    "others = 200\n")
    result = CliRunner().invoke(main, ["validate", str(lump)])
    assert result.exit_code == 0 and "a tally file: 3 lists" in result.output
    assert "unknown key" not in result.output
    result = CliRunner().invoke(main, ["allocate", str(lump)])
    assert "lists.others" in result.stderr and "aggregate = true" in result.stderr
    marked = tmp_path / "marked.toml"
    marked.write_text(lump.read_text() + "[lists.others]\naggregate = true\n")
    result = CliRunner().invoke(main, ["allocate", "--json", str(marked)])
    assert result.exit_code == 0 and result.stderr == ""
    import json
    assert json.loads(result.stdout)["seats"] == {"a": 6, "b": 4, "others": 0}


@pytest.mark.parametrize("line", ["cap = 3", "threshold = 0.9"])
def test_a_house_the_law_leaves_unfilled_is_said_so(tmp_path, line):
    """A cap below what the passing lists can hold, or no list at the threshold: the seats
    the law gives no one are counted, and the run says so."""
    text = MINIMAL.replace("threshold = 0.05\n", "threshold = 0.05\n" + line + "\n", 1)
    if line.startswith("threshold"):
        text = MINIMAL.replace("threshold = 0.05\n", line + "\n", 1)
    result = CliRunner().invoke(main, ["run", str(write_scenario(tmp_path, text)), "--draws",
                                       "1000", "--seed", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "seats left empty" in result.output and "100.0% of draws" in result.output
