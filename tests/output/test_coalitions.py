"""elsim coalitions: who can be a member (lists, independents, appointed groups), each once;
ids with "+" in them; lines that are seats of the house."""

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import InvalidValue
from sim.output.coalitions import coalition
from tests.records import record
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parents[2]
MIXTURE = ROOT / "results" / "mixture.json"


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A fresh result of a mixed house whose district tier has independents."""
    out = tmp_path_factory.mktemp("mixed")
    result = invoke("run", ROOT / "scenarios" / "kz-2023" / "demoscope.toml", "--draws", 10000,
                    "--quiet", "--out", out)
    assert result.exit_code == 0, result.output
    return out / "demoscope.json"


def test_independents_can_be_a_member(mixed):
    result = invoke("coalitions", mixed, "amanat+independents", "--line", 50, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    summary = json.loads(mixed.read_text())["summary"]
    amanat = summary["lists"][0]["seats"]
    independents = summary["independents"]["seats"]
    # Over the sample of 1,000 draws, within 4 standard errors of the sum over every draw.
    spread = np.hypot(amanat["sd"], independents["sd"]) / np.sqrt(answer["draws"])
    assert abs(answer["mean"] - amanat["mean"] - independents["mean"]) < 4 * spread
    alone = json.loads(invoke("coalitions", mixed, "amanat", "--line", 50, "--json").output)
    assert answer["lines"][">= 50"]["p"] > alone["lines"][">= 50"]["p"]
    assert answer["q95"] <= summary["parliament"]["house"]


def test_a_result_made_before_the_sample_kept_independents_says_so(mixed, tmp_path):
    document = json.loads(mixed.read_text())
    sample = document["summary"]["seat_sample"]
    width = len(sample["lists"])
    sample["lists"] = sample["lists"][:-1]  # the old layout: the lists' seats only
    sample["rows"] = [row[:width - 1] + row[-1:] for row in sample["rows"]]
    del sample["district_lists"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(document))
    result = invoke("coalitions", old, "amanat+independents")
    assert result.exit_code == 2
    assert result.stderr == ("error: coalition = 'independents': this result keeps no "
                             "per-draw seats of the independents: re-run the scenario with "
                             "this version of elsim\n")
    assert invoke("coalitions", old, "amanat+nsdp").exit_code == 0


def test_appointed_seats_can_be_a_member():
    result = invoke("coalitions", MIXTURE, "nur-otan+assembly", "--json")
    assert result.exit_code == 0, result.output
    alone = json.loads(invoke("coalitions", MIXTURE, "nur-otan", "--json").output)
    assert json.loads(result.output)["mean"] == pytest.approx(alone["mean"] + 9, abs=1e-6)


@pytest.mark.parametrize("members", [["nur-otan+nur-otan"], ["ak-zhol+nur-otan+ak-zhol"],
                                     ["--member", "auyl", "--member", "auyl"]])
def test_a_member_named_twice_is_refused(members):
    result = invoke("coalitions", MIXTURE, *members)
    assert result.exit_code == 2
    twice = members[-1].split("+")[0] if len(members) == 1 else "auyl"
    assert result.stderr.count("\n") == 1 and f"names {twice!r} twice" in result.stderr
    assert "Traceback" not in result.output


def test_a_list_id_with_a_plus_is_named_with_member(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL.replace("[lists.a]", '[lists."a+b"]')
                              .replace("{ a = 0.5", '{ "a+b" = 0.5'))
    result = invoke("coalitions", scenario, "--member", "a+b", "--member", "c", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["members"] == ["a+b", "c"]
    both = invoke("coalitions", scenario, "b+c", "--member", "a+b", "--json")
    assert [answer["members"] for answer in json.loads(both.output)] == [["b", "c"], ["a+b"]]
    split = invoke("coalitions", scenario, "a+b")
    assert split.exit_code == 2 and "names no list of this result" in split.stderr


def test_no_coalition_is_a_usage_error():
    result = invoke("coalitions", MIXTURE)
    assert result.exit_code == 2 and "--member" in result.output


@pytest.mark.parametrize("needed", [-5, 0, 108, 2.5, True, "54"])
def test_a_line_that_is_not_seats_of_the_house_is_refused(needed):
    document = json.loads(MIXTURE.read_text())
    with pytest.raises(InvalidValue) as error:
        coalition(record(document), ["nur-otan"], {"m": needed})
    assert str(error.value) == (f"line 'm' = {needed!r}: must be a whole number of seats from "
                                "1 to the house (107)")


def test_a_line_above_the_house_is_one_line_on_the_command_line():
    result = invoke("coalitions", MIXTURE, "nur-otan", "--line", 200)
    assert result.exit_code == 2
    assert result.stderr == ("error: line '>= 200' = 200: must be a whole number of seats "
                             "from 1 to the house (107)\n")
