"""The shipped official counts of Spain, Israel and the Netherlands, checked without elsim.

Each tally file is read with ``tomllib`` and its official seats are reproduced by a slow,
exact reference written here (integers and fractions, one seat at a time), independent of
``sim.law``: a wrong figure in a data file fails here whatever the engine does.
"""

import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
HISTORY = ROOT / "scenarios" / "history"
SPAIN_SCRIPT = ROOT / "tools" / "spain_tallies.py"

# The ministry's national seats by national group (sums of its lists.csv per group).
SPAIN_GROUP_SEATS = {
    "es-2019-11": {
        "PSOE": 120, "PP": 89, "VOX": 52, "PODEMOS-IU": 26, "ERC-SOBIRANISTES": 13, "Cs": 10,
        "JxCAT-JUNTS": 8, "ECP-GUANYEM": 7, "EAJ-PNV": 6, "EH Bildu": 5, "MÁS PAÍS-EQ": 2,
        "CUP-PR": 2, "CCa-PNC-NC": 2, "NA+": 2, "PODEMOS-EU": 2, "MÉS COMPROM": 1, "BNG": 1,
        "PRC": 1, "¡TERUEL EXI": 1},
    "es-2023": {
        "PP": 137, "PSOE": 121, "VOX": 33, "SUMAR": 31, "ERC": 7, "JxCAT - JUNTS": 7,
        "EH Bildu": 6, "EAJ-PNV": 5, "B.N.G.": 1, "CCa": 1, "U.P.N.": 1},
}


def load(stem: str) -> dict:
    with (HISTORY / f"{stem}.toml").open("rb") as handle:
        return tomllib.load(handle)


def dhondt(votes: dict[str, int], seats: int) -> dict[str, int]:
    """D'Hondt, one seat at a time to the highest quotient ``votes / (won + 1)``, compared
    as exact fractions; equal quotients go to the list with more votes. A tie that only lot
    could settle is an error: the official result then says more than the votes do."""
    won = dict.fromkeys(votes, 0)
    for _ in range(seats):
        rank = {name: (Fraction(votes[name], won[name] + 1), votes[name]) for name in votes}
        best = max(rank.values())
        leaders = [name for name in votes if rank[name] == best]
        assert len(leaders) == 1, f"a tie only lot settles: {leaders}"
        won[leaders[0]] += 1
    return won


def seated(seats: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in seats.items() if n}


def test_the_reference_dhondt_breaks_equal_quotients_by_votes():
    # 6/2 = 3/1: the second seat goes to the list with more votes, as in Spain.
    assert dhondt({"a": 6, "b": 3}, 2) == {"a": 2, "b": 0}
    with pytest.raises(AssertionError, match="lot"):
        dhondt({"a": 5, "b": 5}, 1)


# Spain: D'Hondt per province among the candidacies with 3% of its valid votes, blank
# ballots included (LOREG art. 163.1); national seats are the sums of the provinces.

@pytest.mark.parametrize("stem", SPAIN_GROUP_SEATS)
def test_spanish_provinces_reproduce_their_official_seats(stem):
    tally = load(stem)
    assert tally["system"] == {"seats": 350, "method": "dhondt", "tie_break": "votes",
                               "threshold": 0.03, "threshold_scope": "district",
                               "threshold_base": "valid"}
    districts = tally["district"]
    assert len(districts) == 52
    assert sum(district["seats"] for district in districts) == tally["system"]["seats"]
    for district in districts:
        votes = district["votes"]
        base = sum(votes.values()) + district["blank"]
        passing = {name: n for name, n in votes.items() if n * 100 >= 3 * base}
        assert seated(dhondt(passing, district["seats"])) == district["official"], \
            district["name"]


@pytest.mark.parametrize("stem", SPAIN_GROUP_SEATS)
def test_spanish_seats_by_national_group_are_the_ministrys(stem):
    tally = load(stem)
    lists, groups = tally["lists"], tally["groups"]
    seats: Counter[str] = Counter()
    for district in tally["district"]:
        assert set(district["votes"]) <= set(lists) and set(district["official"]) <= set(lists)
        for name, n in district["official"].items():
            seats[groups[lists[name]["group"]]["name"]] += n
    assert {entry["group"] for entry in lists.values()} == set(groups)
    assert dict(seats) == SPAIN_GROUP_SEATS[stem]


def run_spain_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SPAIN_SCRIPT), *args], capture_output=True,
                          text=True, check=False)


def test_spanish_tallies_are_what_the_script_writes_from_the_shipped_csvs(tmp_path):
    result = run_spain_script("--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for stem in SPAIN_GROUP_SEATS:
        written = (tmp_path / f"{stem}.toml").read_bytes()
        assert written == (HISTORY / f"{stem}.toml").read_bytes()
        assert written.startswith(b"# ") and b"tools/spain_tallies.py" in written.split(b"\n")[1]


def test_the_spain_script_refuses_csvs_that_disagree_and_writes_nothing(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(ROOT / "scenarios" / "data" / "spain", data)
    out.mkdir()
    totals = data / "district_totals.csv"
    barcelona = "ES-CONGRESO-2023-07,08 Barcelona,32,"
    totals.write_text(totals.read_text(encoding="utf-8").replace(
        f"{barcelona}2646419,", f"{barcelona}2646418,"), encoding="utf-8")
    result = run_spain_script("--data", str(data), "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "spain_tallies: districts.csv: ES-CONGRESO-2023-07 08 Barcelona: candidacy votes add "
        "up to 2646419, district_totals.csv says 2646418"]
    assert not list(out.iterdir())


# Israel: 3.25% of the list votes; Bader-Ofer is D'Hondt, with each surplus-vote agreement
# whose two lists both pass as one unit, whose seats are then split between its two lists
# by D'Hondt again (Knesset Elections Law).

ISRAEL_VALID_VOTES = 4_764_742      # the Central Elections Committee's final figure
NETHERLANDS_VALID_VOTES = 10_432_726  # the Kiesraad's, set on 4 December 2023


def bader_ofer(votes: dict[str, int], seats: int, pairs: list[list[str]]) -> dict[str, int]:
    total = sum(votes.values())
    passing = {name: n for name, n in votes.items() if n * 10_000 >= 325 * total}
    units = {tuple(pair): sum(passing[name] for name in pair) for pair in pairs
             if all(name in passing for name in pair)}
    paired = {name for pair in units for name in pair}
    units.update({(name,): n for name, n in passing.items() if name not in paired})
    won = dict.fromkeys(votes, 0)
    for unit, n in dhondt(dict(zip(map("+".join, units), units.values())), seats).items():
        won.update(dhondt({name: passing[name] for name in unit.split("+")}, n))
    return won


def test_israel_2022_reproduces_the_knesset_with_its_surplus_agreements():
    tally = load("il-2022")
    assert tally["system"] == {"seats": 120, "method": "dhondt", "threshold": 0.0325,
                               "threshold_base": "lists"}
    votes = tally["votes"]
    assert sum(votes.values()) == ISRAEL_VALID_VOTES and set(tally["lists"]) == set(votes)
    pairs = [entry["members"] for entry in tally["alliances"].values()]
    assert all(entry["pools"] == ["allocation"] for entry in tally["alliances"].values())
    assert all(len(pair) == 2 and set(pair) <= set(votes) for pair in pairs)
    assert len({name for pair in pairs for name in pair}) == 2 * len(pairs)
    assert seated(bader_ofer(votes, 120, pairs)) == tally["official"] == {
        "likud": 32, "yesh-atid": 24, "religious-zionism": 14, "national-unity": 12,
        "shas": 11, "united-torah-judaism": 7, "yisrael-beiteinu": 6, "raam": 5,
        "hadash-taal": 5, "labor": 4}


def test_without_the_agreements_israel_2022_would_be_one_seat_off_for_two_lists():
    tally = load("il-2022")
    plain = seated(bader_ofer(tally["votes"], 120, []))
    assert {name: plain[name] - n for name, n in tally["official"].items()
            if plain[name] != n} == {"likud": -1, "labor": 1}


# The Netherlands: D'Hondt among the lists with one full quota (valid votes / 150; Kieswet
# chapter P, no list combinations since 2017); an aggregate takes no seat.

def test_netherlands_2023_reproduces_the_tweede_kamer():
    tally = load("nl-2023")
    assert tally["system"] == {"seats": 150, "method": "dhondt", "threshold": "1/150",
                               "threshold_base": "lists"}
    votes, lists = tally["votes"], tally["lists"]
    assert sum(votes.values()) == NETHERLANDS_VALID_VOTES and set(lists) == set(votes)
    quota = Fraction(tally["system"]["threshold"]) * sum(votes.values())
    passing = {name: n for name, n in votes.items()
               if not lists[name].get("aggregate", False) and n >= quota}
    assert [name for name in votes if lists[name].get("aggregate")] == ["others"]
    assert votes["others"] > quota  # so an aggregate that took seats would fail here
    assert seated(dhondt(passing, 150)) == tally["official"]
    assert sum(tally["official"].values()) == 150 and tally["official"]["pvv"] == 37


def test_national_tallies_are_what_the_script_writes_from_the_shipped_csvs(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "national_tallies.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    for stem in ("il-2022", "nl-2023"):
        written = (tmp_path / f"{stem}.toml").read_bytes()
        assert written == (HISTORY / f"{stem}.toml").read_bytes()
        assert b"tools/national_tallies.py" in written.split(b"\n")[1]
