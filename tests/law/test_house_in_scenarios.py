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
