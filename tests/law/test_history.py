"""History: every shipped tally of a real election reproduces its official seats exactly."""

from pathlib import Path

import pytest

from sim.law.allocate import allocate
from sim.law.tally import load_tally
from sim.output.tally import allocate_tally

# Invented tallies (invented-*.toml) have tests of their own: test_allocate_cli_districts.py.
HISTORY = sorted(path for path in (Path(__file__).parents[2] / "scenarios" / "history")
                 .glob("*.toml") if not path.stem.startswith("invented-"))
KAZAKH = [path for path in HISTORY if path.stem.startswith("kz-")]
REAL = [path for path in HISTORY if not path.stem.startswith("synthetic")]


def test_the_real_elections_and_the_synthetic_mixed_house_are_shipped():
    assert [path.stem for path in REAL] == [
        "es-2019-11", "es-2023", "il-2022", "kz-2007", "kz-2012", "kz-2016", "kz-2021",
        "kz-2023", "nl-2023", "no-2021"]
    assert (HISTORY[0].parent / "synthetic-mixed.toml") in HISTORY


@pytest.mark.parametrize("path", KAZAKH, ids=lambda path: path.stem)
def test_kazakh_history_reproduces_official_seats_with_the_plain_allocate(path):
    tally = load_tally(path)
    assert tally.official is not None and set(tally.official) == set(tally.lists)
    seats = allocate(tally.votes, tally.system, against_all=tally.against_all,
                     invalid=tally.invalid)
    assert dict(zip(tally.lists, seats.tolist())) == tally.official


@pytest.mark.parametrize("path", REAL, ids=lambda path: path.stem)
def test_the_house_reproduces_every_official_seat(path):
    """Spain's 52 provinces in both elections, Israel's surplus agreements, the
    Netherlands' full-quota threshold, Kazakhstan's runner-up rule: every seat."""
    outcome = allocate_tally(load_tally(path))
    assert outcome.tally.official_seats() is not None
    assert outcome.mismatches == ()


@pytest.mark.parametrize("path", [p for p in HISTORY if load_tally(p).districts],
                         ids=lambda path: path.stem)
def test_history_reproduces_official_district_winners(path):
    districts = load_tally(path).districts
    assert [d.winner() for d in districts] == [d.official for d in districts]


def test_the_synthetic_house_adds_up_with_a_tie_to_the_earlier_candidate():
    tally = load_tally(HISTORY[0].parent / "synthetic-mixed.toml")
    east = next(d for d in tally.districts if d.name == "East")
    assert east.candidates == ("a", "b", "independent-east") and east.winner() == "b"
    seats = dict(zip(tally.lists, allocate(tally.votes, tally.system).tolist()))
    for district in tally.districts:
        seats[district.winner()] = seats.get(district.winner(), 0) + 1
    assert seats == {"a": 7, "b": 5, "c": 2, "independent-west": 1}


def test_allocate_exits_1_on_a_spanish_tally_edited_to_disagree(tmp_path):
    from click.testing import CliRunner

    from sim.cli import main

    text = (HISTORY[0].parent / "es-2023.toml").read_text(encoding="utf-8")
    first = "official = { pse-ee-psoe = 1, eh-bildu = 1, pp = 1, eaj-pnv = 1 }"
    assert first in text
    edited = tmp_path / "es-2023-edited.toml"
    edited.write_text(text.replace(first, "official = { pse-ee-psoe = 2, eh-bildu = 1, "
                                   "pp = 1 }"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["allocate", str(HISTORY[0].parent / "es-2023.toml")]
                         ).exit_code == 0
    result = runner.invoke(main, ["allocate", str(edited)])
    assert result.exit_code == 1
    assert "01 Araba/Álava" in result.output and "[official]" in result.output
    assert "51 of 52 districts match" in result.output


def test_allocate_speaks_of_the_base_and_shows_only_the_methods_own_figure():
    from click.testing import CliRunner

    from sim.cli import main

    runner = CliRunner()
    kazakh = runner.invoke(main, ["allocate", str(HISTORY[0].parent / "kz-2021.toml")])
    head = kazakh.output.splitlines()[0]
    assert "threshold 7% of the valid votes" in head and "ballots votes" not in head
    assert "quota" in kazakh.output.splitlines()[1]           # Hare: its own quota figure
    dutch = runner.invoke(main, ["allocate", str(HISTORY[0].parent / "nl-2023.toml")])
    assert dutch.exit_code == 0
    assert "threshold 1/150 of the list votes" in dutch.output.splitlines()[0]
    assert "quota" not in dutch.output.splitlines()[1]        # D'Hondt has no quota to show
