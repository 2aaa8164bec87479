"""Seat allocation: properties for every method, known cases, and input errors."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sim.errors import InvalidValue
from sim.law.allocate import allocate, allocate_by_list, allocate_details
from sim.law.system import ElectoralSystem, RunnerUp
from tests.reference import reference_allocate
from tests.strategies import distinct_counts, divisor_methods, systems, vote_counts, vote_draws

# --- properties -------------------------------------------------------------------------

@given(systems(), vote_counts())
def test_seats_sum_to_house_whenever_a_list_passes(system, votes):
    result = allocate_details(votes, system)
    if result.passed.any():
        assert result.seats.sum() == system.seats
    else:
        assert result.seats.sum() == 0


@given(systems(runner_up=True, cap=True), vote_counts())
def test_lists_below_threshold_and_without_votes_get_nothing(system, votes):
    result = allocate_details(votes, system)
    votes = np.array(votes)
    assert (result.seats[~result.passed] == 0).all()
    assert (result.seats[votes == 0] == 0).all()


@given(systems(), vote_counts(max_lists=6), st.integers(0, 6))
def test_zero_vote_list_changes_nothing_and_keeps_its_place(system, votes, position):
    position = min(position, len(votes))
    with_zero = votes[:position] + [0] + votes[position:]
    seats = allocate(votes, system).tolist()
    assert allocate(with_zero, system).tolist() == seats[:position] + [0] + seats[position:]


@given(systems(), distinct_counts(), st.randoms(use_true_random=False))
def test_permuting_lists_permutes_seats(system, votes, random):
    assume(not allocate_details(votes, system).tied.any())
    order = list(range(len(votes)))
    random.shuffle(order)
    seats = allocate(votes, system)
    assert allocate([votes[i] for i in order], system).tolist() == seats[order].tolist()


@given(systems(method=st.just("hare")), vote_counts())
def test_largest_remainder_stays_within_quota(system, votes):
    result = allocate_details(votes, system)
    passed_votes = [Fraction(v) for v, p in zip(votes, result.passed) if p]
    total = sum(passed_votes)
    assume(total > 0)
    for seats, v in zip(result.seats[result.passed], passed_votes):
        quota = v * system.seats / total
        assert int(quota) <= seats <= -(-quota.numerator // quota.denominator)


@given(systems(method=divisor_methods), vote_counts())
def test_divisor_methods_are_house_monotone(system, votes):
    larger = ElectoralSystem(**{**_fields(system), "seats": system.seats + 1})
    assume(not allocate_details(votes, system).tied.any())
    assume(not allocate_details(votes, larger).tied.any())
    assert (allocate(votes, larger) >= allocate(votes, system)).all()


@given(systems(runner_up=True, cap=True), vote_draws(), st.integers(0, 10**5),
       st.integers(0, 10**5))
def test_vectorised_equals_per_draw_reference(system, draws, against_all, invalid):
    seats = allocate(draws, system, against_all=against_all, invalid=invalid)
    expected = [reference_allocate(row, system, against_all, invalid) for row in draws.tolist()]
    assert seats.tolist() == expected


@given(systems(), vote_draws(max_draws=5))
def test_one_draw_equals_the_same_row_of_many(system, draws):
    many = allocate(draws, system)
    for row, seats in zip(draws, many):
        assert allocate(row, system).tolist() == seats.tolist()


def _fields(system):
    return {name: getattr(system, name) for name in system.__slots__}


@given(systems(runner_up=True, cap=True, tie_break="order"),
       vote_draws(max_lists=8, max_votes=6))
def test_a_tie_is_reported_wherever_the_order_of_the_lists_decides(system, draws):
    # Small counts tie often. Where reversing the lists' order changes the seats, the
    # order rule decided a seat: a tie must be reported, on the engine's path as in the
    # details, and both paths agree in every draw. (Where the runner-up rule acted, the
    # order chose among equal runners-up, which is not reported as a tie.)
    details = allocate_details(draws, system)
    reversed_seats = allocate(draws[:, ::-1], system)[:, ::-1]
    engine = allocate_by_list(np.ascontiguousarray(draws.T), system)
    decided_by_order = (details.seats != reversed_seats.T).any(axis=0) & ~details.runner_up
    assert not (decided_by_order & ~details.tie_decided).any()
    assert engine.tie_decided.tolist() == details.tie_decided.tolist()
    assert engine.admitted.tolist() == details.admitted.tolist()


# --- known cases ------------------------------------------------------------------------

def test_alabama_paradox_under_hare():
    assert allocate([6, 6, 2], ElectoralSystem(seats=10)).tolist() == [4, 4, 2]
    assert allocate([6, 6, 2], ElectoralSystem(seats=11)).tolist() == [5, 5, 1]


@pytest.mark.parametrize("method, expected", [
    ("hare", [51, 44, 2, 2, 1]),
    ("dhondt", [52, 45, 1, 1, 1]),
    ("sainte-lague", [51, 43, 2, 2, 2]),
])
def test_balinski_young_example(method, expected):
    system = ElectoralSystem(seats=100, method=method)
    assert allocate([5117, 4400, 162, 161, 160], system).tolist() == expected


def test_exactly_at_the_threshold_passes():
    system = ElectoralSystem(seats=10, threshold=0.07)
    # 7 of 100 is exactly 7%; a float comparison (7 >= 0.07 * 100 -> 7.000000000000001) fails.
    assert allocate([50, 43, 7], system).tolist() == [5, 4, 1]
    assert allocate([0.50, 0.43, 0.07], system).tolist() == [5, 4, 1]
    assert allocate([5000, 4301, 699], system).tolist()[2] == 0


def test_against_all_counts_in_the_valid_base_but_takes_no_seats():
    votes = [60, 34, 6]
    lists_only = ElectoralSystem(seats=10, threshold=0.06, threshold_base="lists")
    valid = ElectoralSystem(seats=10, threshold=0.06, threshold_base="valid")
    assert allocate(votes, lists_only, against_all=5).tolist() == [6, 3, 1]
    assert allocate(votes, valid, against_all=5).tolist() == [6, 4, 0]


def test_invalid_ballots_count_only_in_the_ballots_base():
    votes = [60, 34, 6]
    ballots = ElectoralSystem(seats=10, threshold=0.06, threshold_base="ballots")
    valid = ElectoralSystem(seats=10, threshold=0.06, threshold_base="valid")
    assert allocate(votes, valid, invalid=5).tolist() == [6, 3, 1]
    assert allocate(votes, ballots, invalid=5).tolist() == [6, 4, 0]


def test_runner_up_rule_admits_the_second_list_with_at_least_two_seats():
    system = ElectoralSystem(seats=98, threshold=0.07, runner_up=RunnerUp())
    result = allocate_details([900, 50, 40, 10], system)
    # 0.7 * 50 * 98 / 950 = 3.61 -> 3 seats for the runner-up, 95 for the leader.
    assert result.seats.tolist() == [95, 3, 0, 0]
    assert result.runner_up and result.passed.tolist() == [True, True, False, False]
    assert result.admitted == 1
    small = allocate([990, 6, 4], system).tolist()
    assert small == [96, 2, 0]  # 0.7 * 6 * 98 / 996 = 0.41 -> the floor of two seats


def test_runner_up_rule_is_off_unless_set():
    assert allocate([900, 50, 40, 10], ElectoralSystem(seats=98, threshold=0.07)).tolist() \
        == [98, 0, 0, 0]


def test_cap_gives_the_rest_to_the_others():
    system = ElectoralSystem(seats=120, cap=65, threshold=0.07)
    seats = allocate([700, 200, 100], system)
    assert seats.tolist() == [65, 37, 18]


def test_order_tie_break_prefers_the_earlier_list_and_reports_the_tie():
    result = allocate_details([10, 10, 10], ElectoralSystem(seats=2))
    assert result.seats.tolist() == [1, 1, 0]
    assert result.tied.tolist() == [True, True, True]


def test_votes_tie_break_prefers_more_votes():
    # Hare quotas 0.5 and 1.5: equal remainders for the last seat.
    assert allocate([1, 3], ElectoralSystem(seats=2)).tolist() == [1, 1]
    assert allocate([1, 3], ElectoralSystem(seats=2, tie_break="votes")).tolist() == [0, 2]
    # D'Hondt: the second seat ties between 6 / 2 and 3 / 1.
    dhondt_votes = ElectoralSystem(seats=2, method="dhondt", tie_break="votes")
    assert allocate([3, 6], dhondt_votes).tolist() == [0, 2]
    assert allocate([3, 6], ElectoralSystem(seats=2, method="dhondt")).tolist() == [1, 1]


@pytest.mark.parametrize("tie_break", ["order", "votes"])
def test_ties_across_the_cut_with_many_lists(tie_break):
    # Ten equal lists and five seats: every remainder ties, the rule alone decides.
    system = ElectoralSystem(seats=5, tie_break=tie_break)
    assert allocate([1] * 10, system).tolist() == [1] * 5 + [0] * 5
    # Twelve lists, quotas 0.5 each except the first two: the tie is only at the cut.
    votes = [3, 3] + [1] * 10
    expected = reference_allocate(votes, ElectoralSystem(seats=8, tie_break=tie_break))
    assert allocate(votes, ElectoralSystem(seats=8, tie_break=tie_break)).tolist() == expected


def test_no_list_passing_gives_no_seats():
    system = ElectoralSystem(seats=10, threshold=0.4)
    assert allocate([30, 30, 40 - 1, 1], system).tolist() == [0, 0, 0, 0]


def test_many_draws_keep_the_draws_axis_first():
    draws = np.array([[5148074, 792828, 659019, 383023, 258618]] * 3)
    seats = allocate(draws, ElectoralSystem(seats=98, threshold=0.07))
    assert seats.shape == (3, 5) and seats.tolist() == [[76, 12, 10, 0, 0]] * 3


# --- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("votes, message", [
    ([10, -1], "votes = [10, -1]: must not be negative"),
    ([10.0, float("nan")], "votes = [10.0, nan]: must not be NaN"),
    ([0, 0], "votes = [0, 0]: must not be all zero"),
    (["a"], "votes = ['a']: must be numbers"),
])
def test_bad_votes_are_named(votes, message):
    with pytest.raises(InvalidValue) as error:
        allocate(votes, ElectoralSystem(seats=10))
    assert str(error.value) == message


@pytest.mark.parametrize("fields, message", [
    ({"seats": 0}, "seats = 0: must be a whole number between 1 and 10000"),
    ({"threshold": 1.0}, "threshold = 1.0: must be a fraction in [0, 1)"),
    ({"threshold": -0.1}, "threshold = -0.1: must be a fraction in [0, 1)"),
    ({"method": "lottery"},
     "method = 'lottery': must be one of hare, droop, hagenbach-bischoff, imperiali, dhondt, "
     "sainte-lague, modified-sainte-lague, danish, huntington-hill, adams, dean"),
    ({"tie_break": "lot"}, "tie_break = 'lot': must be one of order, votes"),
    ({"threshold_base": "voters"},
     "threshold_base = 'voters': must be one of valid, lists, ballots"),
    ({"cap": 200}, "cap = 200: must be between 1 and seats (98)"),
])
def test_bad_systems_are_named(fields, message):
    with pytest.raises(ValueError) as error:
        ElectoralSystem(**{"seats": 98, **fields})
    assert str(error.value) == message


@given(systems(runner_up=True, cap=True), vote_draws(max_lists=6, max_votes=50))
def test_one_record_one_layout_lists_first(system, draws):
    """The details and the engine's path give the same record, lists first: ``seats`` the
    transpose of :func:`allocate`'s draws-first seats."""
    details = allocate_details(draws, system)
    engine = allocate_by_list(np.ascontiguousarray(draws.T), system, details=True)
    assert details.seats.shape == details.passed.shape == details.quotas.shape == draws.T.shape
    assert details.seats.tolist() == allocate(draws, system).T.tolist() == engine.seats.tolist()
    assert details.passed.tolist() == engine.passed.tolist()
    one = allocate_details(draws[0], system)
    assert one.seats.tolist() == details.seats[:, 0].tolist()
    assert one.admitted == details.admitted[0]
