"""Single-member districts: plurality and the two-round rule against per-draw references."""

from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.law.districts import first_round, plurality, runoff, seats_won
from tests.strategies import district_votes


def reference_winner(votes: list[int]) -> int:
    """The first candidate with the most votes, one district at a time."""
    return votes.index(max(votes))


@given(district_votes())
def test_plurality_equals_a_per_district_reference(votes):
    winners = plurality(votes)
    assert winners.shape == votes.shape[1:]
    for d in range(votes.shape[1]):
        for b in range(votes.shape[2]):
            assert winners[d, b] == reference_winner(votes[:, d, b].tolist())


@given(district_votes())
def test_every_district_elects_exactly_one(votes):
    seats = seats_won(plurality(votes), len(votes))
    assert seats.shape == (len(votes), votes.shape[2])
    assert (seats.sum(axis=0) == votes.shape[1]).all()
    assert (seats >= 0).all()


@given(district_votes(), st.randoms(use_true_random=False))
def test_permuting_districts_permutes_winners(votes, random):
    order = list(range(votes.shape[1]))
    random.shuffle(order)
    assert (plurality(votes[:, order]) == plurality(votes)[order]).all()


def test_known_answer_with_a_tie_to_the_earlier_candidate():
    # Three candidates, four districts, one draw; district 3 is a tie between rows 1 and 2.
    votes = np.array([[50, 10, 20, 5], [30, 60, 40, 5], [20, 30, 40, 90]])[:, :, None]
    assert plurality(votes)[:, 0].tolist() == [0, 1, 1, 2]
    assert seats_won(plurality(votes), 3)[:, 0].tolist() == [1, 2, 1]


def test_two_round_majority_is_exact_and_strict():
    # District 0: 50 of 100 is not more than half; district 1: 51 of 100 is.
    votes = np.array([[50, 51], [30, 29], [20, 20]])[:, :, None]
    leader, second, decided = first_round(votes, Fraction(1, 2))
    assert leader[:, 0].tolist() == [0, 0] and second[:, 0].tolist() == [1, 1]
    assert decided[:, 0].tolist() == [False, True]
    # In the second round candidate 1 beats the leader in district 0; district 1 stays decided.
    winners = runoff(leader, second, decided, np.array([[40], [10]]), np.array([[60], [90]]))
    assert winners[:, 0].tolist() == [1, 0]


@given(district_votes(), st.sampled_from([Fraction(1, 2), Fraction(2, 5), Fraction(1, 4)]))
def test_first_round_against_a_reference(votes, majority):
    leader, second, decided = first_round(votes, majority)
    for d in range(votes.shape[1]):
        for b in range(votes.shape[2]):
            column = votes[:, d, b].tolist()
            first = reference_winner(column)
            rest = column[:first] + [-1] + column[first + 1:]
            assert leader[d, b] == first and second[d, b] == reference_winner(rest)
            assert decided[d, b] == (Fraction(column[first], sum(column) or 1) > majority
                                     if sum(column) else False)


def test_a_second_round_tie_goes_to_the_first_round_leader():
    winners = runoff(np.array([2]), np.array([0]), np.array([False]), np.array([7]),
                     np.array([7]))
    assert winners.tolist() == [2]
