"""``elsim allocate`` on the invented tallies (``scenarios/history/invented-*.toml``) and on
bad multi-member, alliance and compensation input, through click's CliRunner.

Each invented tally exercises one rule that no shipped real count does and gives the seats
computed by hand in its comments as its official result: ``elsim allocate`` must reproduce
them (exit 0), allocate otherwise once the rule is taken out of a copy, and exit 1 with the
seat marked ``[official]`` on a copy whose official result is edited to disagree.
"""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.cli_errors import assert_one_line_error

HISTORY = Path(__file__).parents[2] / "scenarios" / "history"
INVENTED = {path.stem: path for path in sorted(HISTORY.glob("invented-*.toml"))}


@pytest.fixture
def runner():
    return CliRunner()


def edited(tmp_path: Path, stem: str, old: str, new: str) -> str:
    """A copy of an invented tally with ``old`` (found exactly once) replaced by ``new``."""
    text = INVENTED[stem].read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    copy = tmp_path / f"{stem}.toml"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return str(copy)


def allocated(runner, path: str) -> tuple[int, dict]:
    result = runner.invoke(main, ["allocate", "--json", path])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def test_every_rule_real_counts_do_not_exercise_has_an_invented_tally_that_says_so():
    assert sorted(INVENTED) == [
        "invented-alliance-threshold", "invented-blank-district-threshold",
        "invented-coalition-threshold", "invented-exempt-minority", "invented-overhang-kept",
        "invented-overhang-levelled", "invented-regional-threshold",
        "invented-surplus-agreement", "invented-tie"]
    for path in INVENTED.values():
        assert path.read_text(encoding="utf-8").startswith("# INVENTED: not a real count.")


@pytest.mark.parametrize("stem", sorted(INVENTED))
def test_an_invented_tally_reproduces_its_official_seats(runner, stem):
    code, document = allocated(runner, str(INVENTED[stem]))
    assert code == 0 and document["matches_official"] and document["mismatches"] == []
    official = document["official"]
    # A mixed house's [official] gives the list seats; the districts add their winners.
    for winner in (d["winner"] for d in document.get("single_member_districts", {}).values()):
        official[winner] += 1
    assert document["seats"] == official
    for district in document.get("districts", ()):
        assert district["seats_won"] == {name: seats for name, seats
                                         in district["official"].items() if seats}


# Each rule taken out of a copy, and the whole house its comments say it would then elect.
WITHOUT_THE_RULE = {
    "invented-coalition-threshold": ("coalition = 0.08", "coalition = 0.05",
                                     {"a": 6, "b": 4, "c": 1, "d": 0, "e": 3, "f": 1}),
    "invented-exempt-minority": ("threshold_exempt = true", "threshold_exempt = false",
                                 {"a": 5, "b": 3, "m": 0, "x": 1}),
    "invented-blank-district-threshold": (
        'threshold_scope = "district"', 'threshold_scope = "district"\nthreshold_base = "lists"',
        {"a": 17, "b": 12, "c": 8, "d": 1, "e": 2}),
    "invented-tie": ('tie_break = "order"\n\n', 'tie_break = "votes"\n\n',
                     {"c": 0, "a": 3, "b": 1}),
    "invented-overhang-kept": ('overhang = "kept"', 'overhang = "levelled"',
                               {"a": 6, "b": 4, "c": 3}),
    "invented-overhang-levelled": ('overhang = "levelled"', 'overhang = "kept"',
                                   {"a": 5, "b": 3, "c": 3}),
    "invented-alliance-threshold": ('[alliances.people]\nmembers = ["p", "q"]\n'
                                    'pools = ["threshold"]\n', "",
                                    {"p": 5, "q": 0, "r": 5, "s": 2, "t": 0}),
    "invented-surplus-agreement": ('[alliances.c-d]\nmembers = ["c", "d"]\n'
                                   'pools = ["allocation"]\n', "",
                                   {"a": 9, "b": 5, "c": 3, "d": 2, "e": 1, "f": 0}),
    "invented-regional-threshold": ("regional_threshold = 0.005\n", "",
                                    {"a": 5, "b": 4, "r": 1}),
}


@pytest.mark.parametrize("stem", sorted(WITHOUT_THE_RULE))
def test_without_its_rule_an_invented_tally_elects_another_house(runner, tmp_path, stem):
    old, new, house = WITHOUT_THE_RULE[stem]
    code, document = allocated(runner, edited(tmp_path, stem, old, new))
    assert code == 1 and not document["matches_official"]
    assert document["seats"] == house


# A copy whose official result disagrees by one seat (where: None for the whole house).
DISAGREEING = [
    ("invented-coalition-threshold", "d = 1\ne = 3", "d = 0\ne = 3", None),
    ("invented-tie", "[official]\nc = 1\na = 2", "[official]\nc = 0\na = 3", None),
    ("invented-surplus-agreement", "c = 4\nd = 2", "c = 3\nd = 2", None),
    ("invented-regional-threshold", "a = 6\nb = 4\nr = 0", "a = 5\nb = 4\nr = 1", None),
    ("invented-overhang-kept", "[official]\na = 4", "[official]\na = 5", None),
    ("invented-overhang-levelled", 'official = "a"', 'official = "b"', "West"),
    ("invented-exempt-minority", "official = { a = 2, b = 1, m = 1 }",
     "official = { a = 3, b = 1 }", "North"),
    ("invented-blank-district-threshold", "official = { a = 15, b = 12, c = 7, d = 0, e = 2 }",
     "official = { a = 15, b = 11, c = 7, d = 1, e = 2 }", "Capital"),
    ("invented-alliance-threshold", "official = { p = 2, r = 3, s = 1 }",
     "official = { p = 2, r = 2, s = 1, t = 1 }", "B"),
]


@pytest.mark.parametrize(("stem", "old", "new", "where"), DISAGREEING,
                         ids=[case[0] for case in DISAGREEING])
def test_a_copy_edited_to_disagree_exits_1_with_the_seat_marked(runner, tmp_path, stem, old,
                                                                  new, where):
    path = edited(tmp_path, stem, old, new)
    result = runner.invoke(main, ["allocate", path])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "[official]" in result.output
    assert "differ from the official result (marked [official])" in result.output
    if where is not None:  # the district's own line carries the mark
        line = next(line for line in result.output.splitlines()
                    if line.split()[:1] == [where])
        assert "[official]" in line, result.output


def test_a_multi_member_mismatch_lists_the_district_beside_the_whole_house(runner,
                                                                           tmp_path):
    path = edited(tmp_path, "invented-exempt-minority", "official = { a = 2, b = 1, m = 1 }",
                  "official = { a = 3, b = 1 }")
    code, document = allocated(runner, path)
    assert code == 1
    assert {(m["district"], m["list"], m["seats"], m["official"])
            for m in document["mismatches"]} == {
        (None, "a", 4, 5), (None, "m", 1, 0), ("North", "a", 2, 3), ("North", "m", 1, 0)}


# --- bad input: one line naming the file, the key, the value and the rule; exit 2 --------


BAD = [
    ("magnitudes", "invented-exempt-minority", "seats = 9", "seats = 10",
     "district = '9 seats in 2 districts': must add up to system.seats (10)"),
    ("undeclared-list", "invented-exempt-minority", "x = 2000 }", "x = 2000, z = 5 }",
     "district[1].votes.z = 'z': names no list of this file (a, b, m, x)"),
    ("two-alliances", "invented-surplus-agreement", "[official]",
     '[alliances.b-c]\nmembers = ["b", "c"]\n\n[official]',
     "alliances.b-c.members = 'c': is already a member of alliance 'c-d': a list joins one "
     "alliance at most"),
    ("aggregate-in-an-alliance", "invented-surplus-agreement", "[official]",
     "[lists.d]\naggregate = true\n\n[official]",
     "alliances.c-d.members = 'd': is an aggregate list (several parties): it cannot join an "
     "alliance"),
    ("compensation-of-multi-member", "invented-exempt-minority", 'method = "dhondt"',
     'method = "dhondt"\n\n[system.compensation]\noverhang = "kept"',
     "system.compensation = 'kept': compensates single-member districts"),
    ("compensation-without-districts", "invented-coalition-threshold", 'method = "dhondt"',
     'method = "dhondt"\n\n[system.compensation]\noverhang = "kept"',
     "system.compensation = 'kept': compensates single-member districts"),
    ("unknown-kind", "invented-coalition-threshold", 'kind = "coalition"', 'kind = "party"',
     "system.thresholds_by_kind.coalition = 0.08: names a kind no list has (party)"),
    ("aggregate-in-a-district", "invented-overhang-kept", "[official]\na = 4",
     "[lists.c]\naggregate = true\n\n[official]\na = 4",
     "district[0].votes.c = 500: is an aggregate list (several parties): it cannot stand in a "
     "single-member district"),
    ("official-over-magnitude", "invented-exempt-minority",
     "official = { a = 2, b = 2, x = 1 }", "official = { a = 3, b = 2, x = 1 }",
     "district[1].official = {'a': 3, 'b': 2, 'x': 1}: gives 6 seats; the district has 5"),
]


@pytest.mark.parametrize(("stem", "old", "new", "message"), [case[1:] for case in BAD],
                         ids=[case[0] for case in BAD])
def test_bad_input_is_one_line_naming_file_key_value_and_rule(runner, tmp_path, stem, old,
                                                              new, message):
    path = edited(tmp_path, stem, old, new)
    assert_one_line_error(runner.invoke(main, ["allocate", path]), path, message)
