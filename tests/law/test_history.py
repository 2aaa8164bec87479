"""History: every shipped tally of a real election reproduces its official seats exactly."""

from pathlib import Path

import pytest

from sim.law.allocate import allocate
from sim.law.tally import load_tally

HISTORY = sorted((Path(__file__).parents[2] / "scenarios" / "history").glob("*.toml"))


def test_the_five_kazakh_elections_are_shipped():
    assert [path.stem for path in HISTORY] == [
        "kz-2007", "kz-2012", "kz-2016", "kz-2021", "kz-2023"]


@pytest.mark.parametrize("path", HISTORY, ids=lambda path: path.stem)
def test_history_reproduces_official_seats(path):
    tally = load_tally(path)
    assert tally.official is not None and set(tally.official) == set(tally.lists)
    seats = allocate(tally.votes, tally.system, against_all=tally.against_all,
                     invalid=tally.invalid)
    assert dict(zip(tally.lists, seats.tolist())) == tally.official
