"""Bad district tiers: one line naming file, key, value and rule; exit code 2."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, write_scenario

GOOD_BASELINE = "district,a,b,c\nNorth,0.5,0.3,0.2\nSouth,0.4,0.4,0.2\n"


def run(tmp_path, districts: str, baseline: str | None = None):
    if baseline is not None:
        (tmp_path / "districts.csv").write_text(baseline)
    path = write_scenario(tmp_path, MINIMAL + districts)
    return str(path), CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path),
                                                "--quiet"])


def test_a_baseline_gives_the_districts_their_names_and_number(tmp_path):
    (tmp_path / "districts.csv").write_text(GOOD_BASELINE)
    path = write_scenario(tmp_path, MINIMAL + '[districts]\nbaseline = "districts.csv"\n')
    tier = load_scenario(path).districts
    assert tier.names == ("North", "South") and tier.seats == 2
    assert tier.baseline == ((0.5, 0.4), (0.3, 0.4), (0.2, 0.2))


@pytest.mark.parametrize("districts, baseline, message", [
    ("[districts]\nspread = 0.5\n", None,
     "districts.seats = None: a district tier needs its districts: give seats (the number of "
     "districts) or a baseline file"),
    ('[districts]\nbaseline = "districts.csv"\n', GOOD_BASELINE.replace(",c\n", ",d\n"),
     "districts.baseline = '{csv}': column 'd' names no candidate of this scenario (a, b, c)"),
    ('[districts]\nseats = 3\nbaseline = "districts.csv"\n', GOOD_BASELINE,
     "districts.baseline = '{csv}': has 2 districts; seats says 3"),
    ('[districts]\nbaseline = "districts.csv"\n', GOOD_BASELINE.replace("0.4,0.4", "0.4,0.5"),
     "districts.baseline = '{csv}': line 3 (district 'South'): shares [0.4, 0.5, 0.2] must "
     "be in [0, 1] and add up to 1"),
    ('[districts]\nseats = 2\nrule = "instant-runoff"\n', None,
     "districts.rule = 'instant-runoff': must be one of plurality, two-round"),
    ('[districts]\nseats = 2\n[districts.independents]\nshare = 0.2\nbloc = "x"\n', None,
     "districts.independents.bloc = 'x': names no bloc in [blocs] (gov, opp)"),
])
def test_bad_district_tier_is_one_line_and_exit_2(tmp_path, districts, baseline, message):
    path, result = run(tmp_path, districts, baseline)
    assert result.exit_code == 2
    expected = message.format(csv=tmp_path / "districts.csv")
    assert result.output == f"error: {path}: {expected}\n"


SYNTHETIC = str(Path(__file__).parents[2] / "scenarios" / "history" / "synthetic-mixed.toml")


def test_allocate_prints_the_district_winners():
    result = CliRunner().invoke(main, ["allocate", SYNTHETIC])
    assert result.exit_code == 0, result.output
    assert "5 single-member districts, plurality" in result.output
    west = next(line for line in result.output.splitlines() if line.startswith("West"))
    assert west.split() == ["West", "independent-west", "520", "52.00", "independent-west"]


def test_a_district_winner_naming_no_candidate_is_one_line_exit_2(tmp_path):
    text = Path(SYNTHETIC).read_text().replace('official = "a"\n\n[[district]]\nname = "South"',
                                               'official = "d"\n\n[[district]]\nname = "South"')
    path = write_scenario(tmp_path, text, "tally.toml")
    result = CliRunner().invoke(main, ["allocate", str(path)])
    assert result.exit_code == 2
    assert result.output == (f"error: {path}: district[0].official = 'd': names no candidate "
                             "of this district (a, b, c)\n")


def test_the_baseline_shares_are_part_of_the_scenario_hash(tmp_path):
    (tmp_path / "districts.csv").write_text(GOOD_BASELINE)
    path = write_scenario(tmp_path, MINIMAL + '[districts]\nbaseline = "districts.csv"\n')
    before = load_scenario(path).digest
    (tmp_path / "districts.csv").write_text(GOOD_BASELINE.replace("0.5,0.3", "0.6,0.2"))
    assert load_scenario(path).digest != before
