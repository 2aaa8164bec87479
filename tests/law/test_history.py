"""History: every shipped tally of a real election reproduces its official seats exactly."""

from pathlib import Path

import pytest

from sim.law.allocate import allocate
from sim.law.tally import load_tally

# Invented tallies (invented-*.toml) have tests of their own: test_allocate_cli_districts.py.
HISTORY = sorted(path for path in (Path(__file__).parents[2] / "scenarios" / "history")
                 .glob("*.toml") if not path.stem.startswith("invented-"))


def test_the_five_kazakh_elections_and_the_synthetic_mixed_house_are_shipped():
    assert [path.stem for path in HISTORY] == [
        "kz-2007", "kz-2012", "kz-2016", "kz-2021", "kz-2023", "synthetic-mixed"]


@pytest.mark.parametrize("path", HISTORY, ids=lambda path: path.stem)
def test_history_reproduces_official_seats(path):
    tally = load_tally(path)
    assert tally.official is not None and set(tally.official) == set(tally.lists)
    seats = allocate(tally.votes, tally.system, against_all=tally.against_all,
                     invalid=tally.invalid)
    assert dict(zip(tally.lists, seats.tolist())) == tally.official


@pytest.mark.parametrize("path", [p for p in HISTORY if load_tally(p).districts],
                         ids=lambda path: path.stem)
def test_history_reproduces_official_district_winners(path):
    districts = load_tally(path).districts
    assert [d.winner() for d in districts] == [d.official for d in districts]


def test_the_synthetic_house_adds_up_with_a_tie_to_the_earlier_candidate():
    tally = load_tally(HISTORY[-1])
    east = next(d for d in tally.districts if d.name == "East")
    assert east.candidates == ("a", "b", "independent-east") and east.winner() == "b"
    seats = dict(zip(tally.lists, allocate(tally.votes, tally.system).tolist()))
    for district in tally.districts:
        seats[district.winner()] = seats.get(district.winner(), 0) + 1
    assert seats == {"a": 7, "b": 5, "c": 2, "independent-west": 1}
