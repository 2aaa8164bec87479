"""Summaries: exact merges, known statistics, and sane ranges."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.simulate import simulate
from sim.engine.statistics import row_histograms
from sim.engine.summary import Layout, Outcome, SeatSummary, composition_masks
from sim.law.parliament import HouseSeats
from sim.law.tiers import TierSeats
from sim.scenario import load_scenario
from tests.scenario_text import RUNNER_UP, write_scenario


@pytest.fixture
def scenario(tmp_path):
    return load_scenario(write_scenario(tmp_path))


def outcome(seats):
    """An outcome from draws-first seats (easier to write), passing every seated list."""
    seats = np.asarray(seats).T.copy()
    shares = (seats + 0.5) / (seats + 0.5).sum(axis=0)
    n = seats.shape[1]
    house = HouseSeats(seats, {"list": TierSeats(seats)}, seats > 0, np.full(n, -1),
                       np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    return Outcome(house, shares)


@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=2, max_size=40),
       st.integers(1, 39))
def test_chunked_and_whole_summaries_are_identical(pairs, cut):
    seats = np.array([[a, b, 10 - min(a + b, 10)] for a, b in pairs])
    layout = Layout(lists=tuple({"id": name} for name in "abc"),
                    blocs=({"id": "g"}, {"id": "o"}), majorities={}, appointed={},
                    tiers={"list": 10}, house=12, n_options=3, against_all_row=None,
                    bloc_members=np.array([[1, 0, 0], [0, 1, 1]]),
                    bloc_appointed=np.array([2, 0]))
    whole, first, second = SeatSummary(layout), SeatSummary(layout), SeatSummary(layout)
    whole.add(outcome(seats))
    cut = min(cut, len(seats) - 1)
    first.add(outcome(seats[:cut]))
    second.add(outcome(seats[cut:]))
    merged = first.merge(second)
    for name in ("seat_hist", "reached", "admitted", "share_sum", "share_hist", "bloc_hist"):
        assert np.array_equal(getattr(whole, name), getattr(merged, name)), name
    assert whole.compositions == merged.compositions


def test_statistics_of_a_known_sample(scenario):
    summary = SeatSummary(Layout.from_scenario(scenario))
    summary.add(outcome([[6, 4, 0], [6, 4, 0], [5, 3, 2], [4, 4, 2]]))
    document = summary.to_dict()
    a = document["lists"][0]
    assert a["seats"]["mean"] == 5.25
    assert a["seats"]["sd"] == pytest.approx(np.std([6, 6, 5, 4]), abs=1e-6)
    assert (a["seats"]["q05"], a["seats"]["q50"], a["seats"]["q95"]) == (4, 5, 6)
    assert a["seats"]["histogram"] == [0, 0, 0, 0, 1, 1, 2]
    assert document["lists"][2]["p_threshold"] == 0.5
    assert document["lists"][2]["p_runner_up"] == 0.0
    government = document["blocs"][0]
    assert government["appointed"] == 2 and government["seats"]["mean"] == 7.25
    # House 12: a majority needs 7 seats; the government bloc has 8, 8, 7, 6.
    assert government["majorities"]["majority"] == 0.75
    assert document["parliament"]["lists_seated"] == {"2": 0.5, "3": 0.5}
    top = document["parliament"]["compositions"]
    assert top == [{"lists": ["a", "b"], "probability": 0.5},
                   {"lists": ["a", "b", "c"], "probability": 0.5}]


def test_quantiles_ordered_and_probabilities_in_range(scenario):
    document = simulate(scenario, draws=5_000, seed=9).to_dict()
    for item in document["lists"]:
        seats, share = item["seats"], item["share"]
        assert seats["q05"] <= seats["q25"] <= seats["q50"] <= seats["q75"] <= seats["q95"]
        assert share["q05"] <= share["mean"] <= share["q95"]
        assert 0 <= item["p_threshold"] + item["p_runner_up"] <= 1
    assert sum(item["seats"]["mean"] for item in document["lists"]) == pytest.approx(10)
    for bloc in document["blocs"]:
        assert all(0 <= p <= 1 for p in bloc["majorities"].values())
    compositions = document["parliament"]["compositions"]
    probabilities = [c["probability"] for c in compositions]
    assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1


def test_a_list_admitted_by_the_runner_up_rule_did_not_reach_the_threshold(tmp_path):
    # b is seated in every draw but never reached the threshold.
    document = simulate(load_scenario(write_scenario(tmp_path, RUNNER_UP)), draws=20_000,
                        seed=3).to_dict()
    a, b, c = document["lists"]
    assert a["p_threshold"] == 1.0 and a["p_runner_up"] == 0.0
    assert b["p_threshold"] == 0.0 and b["p_runner_up"] == 1.0
    assert b["seats"]["q05"] >= 2
    assert c["p_threshold"] == c["p_runner_up"] == 0.0
    assert document["parliament"]["p_runner_up"] == 1.0


# "others", an aggregate declared first, polls more than the leader; only a reaches 7%.
OTHERS_FIRST = RUNNER_UP.replace("[lists.a]", """[lists.others]
name = "Others"
aggregate = true
[lists.a]""").replace("a = 0.9, b = 0.06, c = 0.04", "others = 0.5, a = 0.4, b = 0.06, c = 0.04")


def test_the_list_the_runner_up_rule_admitted_is_told_by_the_allocation(tmp_path):
    # The rule admits b (the second of the lists that take seats) in every draw: neither
    # the aggregate, larger than the leader, nor a may count as admitted.
    document = simulate(load_scenario(write_scenario(tmp_path, OTHERS_FIRST)), draws=20_000,
                        seed=3).to_dict()
    others, a, b, c = document["lists"]
    assert others["p_threshold"] == others["p_runner_up"] == 0.0
    assert a["p_threshold"] == 1.0 and a["p_runner_up"] == 0.0
    assert b["p_threshold"] == 0.0 and b["p_runner_up"] == 1.0
    assert c["p_threshold"] == c["p_runner_up"] == 0.0


@given(st.integers(1, 60), st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_composition_masks_are_the_powers_of_two_of_the_seated_lists(n_lists, n, seed):
    seated = np.random.default_rng(seed).random((n_lists, n)) < 0.5
    expected = [sum(1 << i for i in range(n_lists) if seated[i, d]) for d in range(n)]
    assert composition_masks(seated).tolist() == expected


@given(st.integers(1, 8), st.integers(0, 300), st.integers(1, 50), st.integers(0, 2**32 - 1))
def test_row_histograms_count_each_row_on_its_own(k, n, size, seed):
    values = np.random.default_rng(seed).integers(0, size, (k, n))
    expected = np.stack([np.bincount(row, minlength=size) for row in values])
    assert (row_histograms(values, size) == expected).all()


def test_row_histograms_refuse_a_value_that_would_count_in_another_row():
    with pytest.raises(ValueError, match="0..4"):
        row_histograms(np.array([[0, 5], [1, 2]]), 5)
    with pytest.raises(ValueError, match="0..4"):
        row_histograms(np.array([[0, -1]]), 5)
