"""Scenario files: loading, extends, and every validation rule with its exact message."""

from fractions import Fraction
from pathlib import Path

import pytest

from sim.errors import ScenarioError, ScenarioProblems
from sim.law.house import MajorityLine
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, write_scenario


def test_minimal_scenario_loads_in_declared_order(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path))
    assert scenario.list_ids == ("a", "b", "c")
    assert scenario.house == 12
    assert scenario.majorities[0].seats_needed(scenario.house) == 7
    assert scenario.polls[0].shares == {"a": 0.5, "b": 0.3, "c": 0.2}
    assert scenario.model.combine == "mixture" and scenario.model.undecided == "proportional"


def test_scenario_is_frozen(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path))
    with pytest.raises(AttributeError):
        scenario.draws = 5


@pytest.mark.parametrize("fraction, at_least, house, needed", [
    ("1/2", False, 107, 54), ("1/2", False, 108, 55), ("2/3", True, 107, 72),
    ("2/3", True, 108, 72), ("3/4", True, 107, 81),
])
def test_majority_lines(fraction, at_least, house, needed):
    line = MajorityLine(id="x", fraction=Fraction(fraction), at_least=at_least)
    assert line.seats_needed(house) == needed


def test_extends_merges_tables_key_by_key(tmp_path):
    write_scenario(tmp_path, MINIMAL, "_base.toml")
    variant = write_scenario(tmp_path, 'extends = "_base.toml"\ntitle = "Variant"\n'
                             '[system]\nthreshold = 0.25\n', "variant.toml")
    scenario = load_scenario(variant)
    assert scenario.title == "Variant"
    assert scenario.system.threshold == 0.25 and scenario.system.seats == 10
    assert scenario.list_ids == ("a", "b", "c")


def test_extends_cycle_is_an_error(tmp_path):
    write_scenario(tmp_path, 'extends = "b.toml"\n', "a.toml")
    write_scenario(tmp_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError, match="extends itself in a cycle"):
        load_scenario(tmp_path / "a.toml")


def test_missing_base_is_an_error(tmp_path):
    path = write_scenario(tmp_path, 'extends = "nowhere.toml"\n')
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == (f"{path}: extends = 'nowhere.toml': no such file: "
                                f"{tmp_path / 'nowhere.toml'}")


def test_different_files_have_different_digests(tmp_path):
    one = load_scenario(write_scenario(tmp_path, MINIMAL, "one.toml"))
    two = load_scenario(write_scenario(tmp_path, MINIMAL.replace("n = 1000", "n = 999"),
                                       "two.toml"))
    same = load_scenario(write_scenario(tmp_path, MINIMAL, "same.toml"))
    assert one.digest != two.digest and one.digest == same.digest


# Each rule: a change to the minimal file and the exact message it must give.
RULES = [
    ("shares = { a = 0.5,", "shares = { a = 1.3,",
     "poll[0].shares.a = 1.3: must be between 0.0 and 1.0"),
    ("shares = { a = 0.5,", "shares = { a = -0.1,",
     "poll[0].shares.a = -0.1: must be between 0.0 and 1.0"),
    ("shares = { a = 0.5, b = 0.3, c = 0.2 }", "shares = { a = 0.5, b = 0.3, c = 0.3 }",
     "poll[0].shares = {'a': 0.5, 'b': 0.3, 'c': 0.3}: the poll's own shares must not add "
     "up to more than 1 (they add up to 1.1)"),
    ("shares = { a = 0.5, b = 0.3, c = 0.2 }", "shares = { a = 0.5, b = 0.3, d = 0.2 }",
     "poll[0].shares.d = 0.2: names no list of this scenario (a, b, c, undecided); declare it "
     "with [lists.d], or correct the id"),
    ("shares = { a = 0.5, b = 0.3, c = 0.2 }", "shares = { a = 0.5, b = 0.3 }",
     "poll[0].shares = {'a': 0.5, 'b': 0.3}: gives no share for c: add them or a fill in "
     "[sources.poll]"),
    ('bloc = "opp"\n[lists.c]', 'bloc = "opposition"\n[lists.c]',
     "lists.b.bloc = 'opposition': names no bloc in [blocs] (gov, opp)"),
    ('source = "poll"', 'source = "pol"',
     "poll[0].source = 'pol': names no source in [sources] (poll); did you mean 'poll'?"),
    ("n = 1000", "n = 0", "poll[0].n = 0: must be between 1 and 100000000"),
    ("n = 1000", 'n = "many"', "poll[0].n = 'many': must be a whole number"),
    ("n = 1000", "n = 1000\nsourse = 3", "poll[0].sourse = 3: unknown key; did you mean 'source'?"),
    ("seats = 10", "seats = 0",
     "system.seats = 0: must be a whole number between 1 and 10000"),
    ("threshold = 0.05", "threshold = 1.5", "system.threshold = 1.5: must be a fraction in [0, 1)"),
    ('[majorities.majority]\nfraction = "1/2"', '[majorities.majority]\nfraction = "3/2"',
     "majorities.majority.fraction = '3/2': must be between 0 and 1"),
    ('[majorities.majority]\nfraction = "1/2"', '[majorities.majority]\nfraction = "half"',
     "majorities.majority.fraction = 'half': must be a number or a fraction such as \"2/3\""),
    ('[majorities.majority]\nfraction = "1/2"',
     '[majorities.majority]\nfraction = "1/2"\nrule = "most"',
     "majorities.majority.rule = 'most': must be one of more-than, at-least"),
    ("[run]\ndraws = 1000", "[run]\ndraws = -5", "run.draws = -5: must be at least 1"),
    ("[run]\ndraws = 1000", "[run]\ndrawz = 1000",
     "run.drawz = 1000: unknown key; did you mean 'draws'?"),
    ('[sources.poll]\nname = "A pollster"', '[sources.poll]\nname = "A pollster"\nweight = -1',
     "sources.poll.weight = -1: must be between 0.0 and 1000000.0"),
    ('[sources.poll]\nname = "A pollster"',
     '[sources.poll]\nname = "A pollster"\nhouse_effects = { z = 1.0 }',
     "sources.poll.house_effects.z = 1.0: names no list or bloc of this scenario (a, b, c, "
     "gov, opp)"),
    ('[sources.poll]\nname = "A pollster"',
     '[sources.poll]\nname = "A pollster"\nhouse_effects = { a = { normal = [0.1, -1] } }',
     "sources.poll.house_effects.a.normal = [0.1, -1]: the sd must not be negative"),
    ('[sources.poll]\nname = "A pollster"',
     '[sources.poll]\nname = "A pollster"\nhouse_effects = { a = -3.0 }',
     "sources.poll.house_effects.a = -3.0: is on the log scale (0.1 is about 10% of the "
     "list's share), not in points: must be between -2 and 2"),
    ('[sources.poll]\nname = "A pollster"', '[sources.poll]\nname = "A pollster"\nkind = "x"',
     "sources.poll.kind = 'x': names no kind in [model.error.kinds] (none)"),
    ('[sources.poll]\nname = "A pollster"',
     '[sources.poll]\nname = "A pollster"\nfill = { c = 0.0 }',
     "sources.poll.fill.c = 0.0: must be above 0: a fill is a share you assume (a small one "
     "for a tiny list)"),
    ('title = "Test"', 'title = "Test"\n[model]\ncombine = "pooled"\nflat_prior = 0',
     "model.flat_prior = 0: must be at least 0.01 with combine = \"pooled\" (an option no poll "
     "gives votes to has a log share of about -1 / flat_prior, too small for the pooling's "
     "arithmetic below that)"),
    ('title = "Test"', 'title = "Test"\n[model]\nbetween_sd = "guess"',
     "model.between_sd = 'guess': must be one of estimate"),
    ('title = "Test"', 'title = "Test"\n[model.error]\nsource_sd = -0.1',
     "model.error.source_sd = -0.1: must be between 0 and 5"),
    ('title = "Test"', 'title = "Test"\n[model.error.kinds.gov]\nhouse_effects = { q = 1 }',
     "model.error.kinds.gov.house_effects.q = 1: names no list or bloc of this scenario (a, b, "
     "c, gov, opp)"),
    ('[sources.poll]\nname = "A pollster"', '[sources.poll]\nname = "A pollster"\n'
     '[sources.other]\nname = "Nobody"',
     "sources.other = None: has no poll ([[poll]] source = ...)"),
    ('title = "Test"', 'title = "Test"\n[model]\ncombine = "average"',
     "model.combine = 'average': must be one of mixture, pooled"),
    ('title = "Test"', 'title = "Test"\n[model]\nundecided = { a = 0.8, b = 0.7 }',
     "model.undecided = {'a': 0.8, 'b': 0.7}: the split must not exceed 1"),
    ('title = "Test"', 'title = "Test"\n[model]\nsystematic_sd = 0.15',
     "model.systematic_sd = 0.15: was replaced by [model.error] (election_sd, source_sd): see "
     "docs/model.md"),
    ('[sources.poll]\nname = "A pollster"',
     '[sources.poll]\nname = "A pollster"\nhalf_life_days = 30',
     "poll[0].fieldwork = None: a source with half_life_days needs every poll's fieldwork "
     "date and model.election_date"),
    ("seats = 2\n", "seats = 0\n", "appointed.council.seats = 0: must be between 1 and 10000"),
    ('title = "Test"', 'title = "Test"\nturnout = 0.6',
     "turnout = 0.6: unknown key; known keys: extends, title, notes, group, order, system, "
     "ballot, lists, blocs, appointed, majorities, districts, sources, poll, model, campaign, "
     "count, stations, run, sweep"),
    ("[lists.a]", "[lists.undecided]", "lists.undecided = {'name': 'A', 'bloc': 'gov'}: is a "
     "reserved name, not a list id"),
    # Dates are shown as written in the file.
    ('title = "Test"', 'title = "Test"\n[model]\nelection_date = 2021-01-10T08:00:00',
     "model.election_date = 2021-01-10T08:00:00: must be a date (2021-01-10)"),
    ('title = "Test"', 'title = "Test"\n[model]\nelection_date = 2021-01-10\n'
     '[campaign]\nstart = 2020-12-15\n[[campaign.event]]\n'
     'kind = "shift"\nlist = "a"\npoints = 1\ndate = "2020-12-20"',
     "campaign.event[0].date = '2020-12-20': must be a date (2021-01-05)"),
]


@pytest.mark.parametrize("old, new, message", RULES, ids=[rule[2].split(":")[0] for rule in RULES])
def test_every_rule_names_file_key_value_and_rule(tmp_path, old, new, message):
    assert old in MINIMAL
    path = write_scenario(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == f"{path}: {message}"


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = MINIMAL.replace("seats = 10", "seats = 0").replace("n = 1000", "n = 0")
    with pytest.raises(ScenarioProblems) as error:
        load_scenario(write_scenario(tmp_path, text))
    lines = str(error.value).splitlines()
    assert len(lines) == 2
    assert "system.seats = 0" in lines[0] and "poll[0].n = 0" in lines[1]


def test_bad_toml_names_the_file(tmp_path):
    path = write_scenario(tmp_path, "[system\n")
    with pytest.raises(ScenarioError, match=f"^{path}: not valid TOML"):
        load_scenario(path)


def test_the_documented_example_is_valid(tmp_path):
    text = (Path(__file__).parent.parent / "docs" / "scenarios.md").read_text()
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    scenario = load_scenario(write_scenario(tmp_path, example))
    assert scenario.house == 107 and [s.weight for s in scenario.sources] == [0.5, 0.5]


def test_a_house_effect_naming_both_a_list_and_a_bloc_is_refused(tmp_path):
    text = MINIMAL.replace("[blocs.opp]", "[blocs.c]\n[blocs.opp]").replace(
        'name = "A pollster"', 'name = "A pollster"\nhouse_effects = { c = 0.1 }')
    path = write_scenario(tmp_path, text)
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == (f"{path}: sources.poll.house_effects.c = 0.1: names both a "
                                "list and a bloc: rename the bloc")
