"""National adjustment seats placed in districts (Norway's Storting): the tier against a
slow exact reference, the official 2021 count through ``elsim allocate``, and bad input."""

import json
import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.law.parliament import House
from sim.law.system import Adjustment, ElectoralSystem
from sim.law.thresholds import ListRules
from sim.law.tiers import AdjustmentTier, Count, MultiMemberTier
from sim.law.tiers import adjustment as adjustment_module
from sim.law.tiers.adjustment import _exact_argmax
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parents[2]
NORWAY = ROOT / "scenarios" / "history" / "no-2021.toml"
FIRST = Fraction(7, 5)  # modified Sainte-Laguë's first divisor


# The reference: plain Python and Fractions, one count at a time, one seat at a time.

def sainte_lague(votes: list[int], seats: int, tie_break: str, first=FIRST) -> list[int]:
    """Modified Sainte-Laguë (divisors 1.4, 3, 5, ...); equal quotients to the list with
    more votes (``"votes"``), then to the earlier list. Lists with no votes win nothing."""
    won = [0] * len(votes)
    for _ in range(seats):
        eligible = [i for i, v in enumerate(votes) if v > 0]
        if not eligible:
            break
        best = max(eligible, key=lambda i: (
            Fraction(votes[i]) / (first if won[i] == 0 else 2 * won[i] + 1),
            votes[i] if tie_break == "votes" else 0, -i))
        won[best] += 1
    return won


def reference(votes: list[list[int]], magnitudes: list[int], rule: Adjustment,
              tie_break: str) -> tuple[list[list[int]], list[list[int]]]:
    """District seats and adjustment seats ``[list][district]`` of one count, by the rule
    of valgloven ss. 11-4 to 11-6 as :mod:`sim.law.tiers.adjustment` states it."""
    n_lists, n_districts = len(votes), len(magnitudes)
    district = [[0] * n_districts for _ in range(n_lists)]
    for d, magnitude in enumerate(magnitudes):
        for i, seats in enumerate(sainte_lague([votes[i][d] for i in range(n_lists)],
                                               magnitude, tie_break)):
            district[i][d] = seats
    national = [sum(row) for row in votes]
    won = [sum(row) for row in district]
    base = sum(national)
    active = [i for i in range(n_lists) if national[i] >= rule.threshold * base]
    total = sum(won[i] for i in active) + rule.seats
    while True:
        share = sainte_lague([national[i] if i in active else 0 for i in range(n_lists)],
                             total, tie_break)
        over = [i for i in active if won[i] > share[i]]
        if not over:
            break
        total -= sum(won[i] for i in over)
        active = [i for i in active if i not in over]
    remaining = [share[i] - won[i] if i in active else 0 for i in range(n_lists)]
    room = [rule.per_district] * n_districts
    placed = [[0] * n_districts for _ in range(n_lists)]
    for _ in range(rule.seats):
        candidates = [(i, d) for i in range(n_lists) for d in range(n_districts)
                      if remaining[i] > 0 and room[d] > 0]
        if not candidates:
            break

        def quotient(pair):
            i, d = pair
            district_votes = sum(votes[j][d] for j in range(n_lists))
            divisor = 2 * (district[i][d] + placed[i][d]) + 1
            return Fraction(votes[i][d]) / divisor / Fraction(district_votes, magnitudes[d])

        # the highest quotient; on a tie the earlier list, then the earlier district
        i, d = max(candidates, key=lambda pair: (quotient(pair), -pair[0], -pair[1]))
        placed[i][d] += 1
        remaining[i] -= 1
        room[d] -= 1
    return district, placed


def test_the_reference_places_levelling_seats_by_the_county_quotient():
    # a 150 and b 50 votes: 6 seats go 5 to 1 (150 / 9 = 50 / 3, the tie to more votes); a
    # won all 4 district seats, so each levels once. Over the seat price 100 / 2: b South
    # 30 / 50 first, then a North 80 / 5 / 50, since South has its one adjustment seat.
    votes = [[80, 70], [20, 30]]
    district, placed = reference(votes, [2, 2], Adjustment(seats=2, per_district=1), "votes")
    assert district == [[2, 2], [0, 0]]
    assert placed == [[1, 0], [0, 1]]
    # Two a district: b takes South first, a then has 80 / 5 / 50 in North against
    # 70 / 5 / 50 in South, and North wins again.
    _, placed = reference(votes, [2, 2], Adjustment(seats=2, per_district=2), "votes")
    assert placed == [[1, 0], [0, 1]]


def house_of(magnitudes, rule, tie_break, n_lists):
    system = ElectoralSystem(seats=sum(magnitudes), method="modified-sainte-lague",
                             tie_break=tie_break, threshold_base="lists", adjustment=rule)
    rules = ListRules.plain(n_lists)
    names = tuple(f"d{d}" for d in range(len(magnitudes)))
    return House(tuple(f"l{i}" for i in range(n_lists)), (
        MultiMemberTier(system, tuple(magnitudes), names, rules),
        AdjustmentTier(system, rule, tuple(magnitudes), rules)))


@st.composite
def adjustment_cases(draw):
    """Small counts, several draws of one law: votes ``(n_lists, n_districts, n)``."""
    n_lists, n_districts = draw(st.integers(2, 5)), draw(st.integers(1, 4))
    magnitudes = draw(st.lists(st.integers(1, 5), min_size=n_districts, max_size=n_districts))
    per_district = draw(st.integers(1, 2))
    rule = Adjustment(seats=draw(st.integers(1, per_district * n_districts)),
                      threshold=draw(st.sampled_from([Fraction(0), Fraction(1, 10),
                                                      Fraction(1, 4), Fraction(2, 5)])),
                      per_district=per_district)
    n = draw(st.integers(1, 4))
    size = n_lists * n_districts * n
    values = draw(st.lists(st.integers(0, 40), min_size=size, max_size=size))
    votes = np.array(values, dtype=np.int64).reshape(n_lists, n_districts, n)
    votes[0] += votes.sum(axis=0) == 0  # every district has votes (the tally's rule)
    return votes, magnitudes, rule, draw(st.sampled_from(["votes", "order"]))


@settings(max_examples=300, deadline=None)
@given(adjustment_cases())
def test_adjustment_seats_match_the_exact_reference_in_every_draw(case):
    votes, magnitudes, rule, tie_break = case
    house = house_of(magnitudes, rule, tie_break, len(votes))
    result = house.allocate(Count(votes.sum(axis=1), districts=votes))
    district_tier, adjustment = result.tiers["district"], result.tiers["adjustment"]
    for b in range(votes.shape[2]):
        district, placed = reference(votes[:, :, b].tolist(), magnitudes, rule, tie_break)
        assert district_tier.detail["districts"][:, :, b].tolist() == district
        assert adjustment.detail == {}  # without details only the seats
        assert adjustment.seats[:, b].tolist() == [sum(row) for row in placed]
    detailed = house.allocate(Count(votes.sum(axis=1), districts=votes), details=True)
    for b in range(votes.shape[2]):
        _, placed = reference(votes[:, :, b].tolist(), magnitudes, rule, tie_break)
        assert detailed.tiers["adjustment"].detail["districts"][:, :, b].tolist() == placed
        # every adjustment seat is placed, and no district takes more than its share
        assert detailed.tiers["adjustment"].detail["districts"][:, :, b].sum(axis=0).max() \
            <= rule.per_district


def test_blocks_of_draws_place_the_same_seats_as_one_count_at_a_time(monkeypatch):
    # Blocks of 7 draws (the tier works block by block, over the lists that level in the
    # block), 60 draws with a fixed seed: each draw is what the reference makes of it.
    monkeypatch.setattr(adjustment_module, "block_draws", lambda n_rows: 7)
    rng = np.random.default_rng(21)
    votes = rng.integers(0, 30, size=(4, 3, 60)).astype(np.int64) + rng.integers(
        0, 2, size=(4, 1, 60)) * 40
    votes[0] += votes.sum(axis=0) == 0
    rule = Adjustment(seats=5, threshold=Fraction(1, 10), per_district=2)
    house = house_of([3, 2, 4], rule, "votes", len(votes))
    placed = house.allocate(Count(votes.sum(axis=1), districts=votes), details=True
                            ).tiers["adjustment"].detail["districts"]
    for b in range(votes.shape[2]):
        assert placed[:, :, b].tolist() == reference(votes[:, :, b].tolist(), [3, 2, 4], rule,
                                                     "votes")[1]


def test_the_exact_argmax_settles_what_doubles_cannot():
    # 2**53 + 1 and 2**53 are one double: the exact comparison picks the larger, later row;
    # 6/2 equals 3/1 exactly: the earlier row stays; no eligible row: -1.
    numerator = np.array([[2**53, 3, 0], [2**53 + 1, 6, 0]], dtype=np.int64)
    denominator = np.array([[1, 1, 1], [1, 2, 1]], dtype=np.int64)
    quotient = numerator / denominator
    quotient[:, 2] = -np.inf
    assert quotient[0, 0] == quotient[1, 0]
    assert _exact_argmax(quotient, numerator, denominator).tolist() == [1, 0, -1]


# Norway 2021: the official count by county (Valgdirektoratet), every seat.

def test_elsim_allocate_reproduces_every_district_and_levelling_seat_of_norway_2021():
    runner = CliRunner()
    result = runner.invoke(main, ["allocate", str(NORWAY)])
    assert result.exit_code == 0, result.output
    assert "19 of 19 districts match" in result.output
    assert "Every seat matches the official result." in result.output
    document = json.loads(runner.invoke(main, ["allocate", "--json", str(NORWAY)]).output)
    assert document["matches_official"] and document["grown"] == 0
    assert document["adjustment"]["qualified"] == ["a", "sv", "rodt", "sp", "v", "h", "frp"]
    assert document["adjustment"]["seats"] == {"sv": 5, "rodt": 4, "v": 5, "h": 1, "frp": 4}
    # the shares of the last calculation, once Sp and then Ap were set aside (docs)
    assert document["adjustment"]["entitled"] == {"sv": 13, "rodt": 8, "v": 8, "h": 36, "frp": 21}
    for district in document["districts"]:
        assert district["seats_won"] == district["official"]
        assert district["adjustment_seats"] == district["official_adjustment"]
        assert sum(district["adjustment_seats"].values()) == 1
    assert sum(document["seats"].values()) == 169
    assert {name: n for name, n in document["seats"].items() if n} == {
        "a": 48, "h": 36, "sp": 28, "frp": 21, "sv": 13, "rodt": 8, "v": 8, "krf": 3,
        "mdg": 3, "pf": 1}


def test_the_reference_alone_reproduces_norway_2021_from_the_file():
    with NORWAY.open("rb") as handle:
        tally = tomllib.load(handle)
    lists = list(tally["lists"])
    districts = tally["district"]
    votes = [[d["votes"].get(name, 0) for d in districts] for name in lists]
    adjustment = tally["system"]["adjustment"]
    rule = Adjustment(seats=adjustment["seats"], threshold=Fraction(4, 100),
                      per_district=adjustment["per_district"])
    district, placed = reference(votes, [d["seats"] for d in districts], rule, "votes")
    for d, entry in enumerate(districts):
        assert {name: district[i][d] for i, name in enumerate(lists) if district[i][d]} \
            == entry["official"]
        assert {name: placed[i][d] for i, name in enumerate(lists) if placed[i][d]} \
            == entry["official_adjustment"]


def test_allocate_exits_1_naming_a_levelling_seat_moved_to_another_list(tmp_path):
    text = NORWAY.read_text(encoding="utf-8")
    first = "official_adjustment = { sv = 1 }"
    assert first in text
    edited = tmp_path / "no-2021-edited.toml"
    edited.write_text(text.replace(first, "official_adjustment = { rodt = 1 }", 1),
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["allocate", str(edited)])
    assert result.exit_code == 1
    assert "18 of 19 districts match" in result.output
    assert "rodt 1 [official]" in result.output and "01 Østfold" in result.output


def test_the_norway_tally_is_what_the_script_writes_from_the_shipped_csv(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "norway_tally.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "no-2021.toml").read_bytes() == NORWAY.read_bytes()


# Bad input: one line naming the file, the key, the value and the rule; exit code 2.

NATIONAL_WITH_ADJUSTMENT = """
[system]
seats = 10
[system.adjustment]
seats = 2
[votes]
a = 60
b = 40
"""

DISTRICTS = """
[system]
seats = 4
method = "modified-sainte-lague"
{extra}
[lists.a]
[lists.b]

[[district]]
name = "North"
seats = 2
votes = {{ a = 80, b = 20 }}
{official}

[[district]]
name = "South"
seats = 2
votes = {{ a = 70, b = 30 }}
"""


@pytest.mark.parametrize("text, key, rule", [
    (NATIONAL_WITH_ADJUSTMENT, "system.adjustment.seats",
     "levels the seats of multi-member districts"),
    (DISTRICTS.format(extra="[system.adjustment]\nseats = 3", official=""),
     "system.adjustment.seats", "must be at most per_district x districts (1 x 2 = 2)"),
    (DISTRICTS.format(extra="", official="official_adjustment = { b = 1 }"), "district",
     "without a [system.adjustment] table"),
    (DISTRICTS.format(extra="[system.adjustment]\nseats = 2",
                      official="official_adjustment = { a = 1, b = 1 }"), "district",
     "North: official_adjustment"),
    (DISTRICTS.format(extra='[system.adjustment]\nseats = 2\nmethod = "lot"', official=""),
     "system.adjustment.method", "must be one of"),
    (DISTRICTS.format(extra="[system.adjustment]\nseats = 2\nthreshold = 4", official=""),
     "system.adjustment.threshold", "must be a fraction in [0, 1)"),
    (DISTRICTS.format(extra="[system.adjustment]\nseats = 2\nlevel = 1", official=""),
     "system.adjustment", "level"),
])
def test_bad_adjustment_input_is_one_line_and_exit_2(tmp_path, text, key, rule):
    path = tmp_path / "tally.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["allocate", str(path)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert str(path) in result.output and key in result.output and rule in result.output
    assert "Traceback" not in result.output


def test_a_district_tally_with_adjustment_seats_allocates_them(tmp_path):
    # a 150 and b 50 votes share 6 seats 5 to 1 (150 / 9 = 50 / 3: the earlier list); a won
    # all 4 district seats, so each levels once. Quotients over the seat price 100 / 2:
    # b South 30 / 50 first, then a North 80 / 5 / 50 (South is full).
    path = tmp_path / "tally.toml"
    path.write_text(DISTRICTS.format(extra="[system.adjustment]\nseats = 2",
                                     official="official = { a = 2 }\n"
                                              "official_adjustment = { a = 1 }")
                    + "official = { a = 2 }\nofficial_adjustment = { b = 1 }\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["allocate", str(path)])
    assert result.exit_code == 0, result.output
    assert "Every seat matches the official result." in result.output
    document = json.loads(CliRunner().invoke(main, ["allocate", "--json", str(path)]).output)
    assert [d["adjustment_seats"] for d in document["districts"]] == [{"a": 1}, {"b": 1}]
    assert document["seats"] == {"a": 5, "b": 1}


def test_a_scenario_refuses_adjustment_seats(tmp_path):
    path = write_scenario(tmp_path, MINIMAL + "\n[system.adjustment]\nseats = 2\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "adjustment" in result.output and "tally files" in result.output
