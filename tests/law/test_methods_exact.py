"""Every method of the registry against the slow exact reference, draw by draw.

Several draws at once with their own seat counts (1 seat, more seats than lists), small
counts so that ties are frequent, large ones near the vote limit so that the float quotients
are put to the test.
"""

import functools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.law.allocate import allocate
from sim.law.methods import METHODS, Preference
from sim.law.system import ElectoralSystem, describe_rules
from sim.limits import MAX_VOTES
from tests.law.methods_reference import PRIORITIES, reference_seats


@st.composite
def draws_and_seats(draw, max_votes, max_lists=11):
    """``(votes (n_lists, n_draws), seats (n_draws,))``: lists first, as methods take them;
    every draw has votes, and its own seat count."""
    n_lists = draw(st.integers(1, max_lists))
    n_draws = draw(st.integers(1, 6))
    counts = st.lists(st.integers(0, max_votes), min_size=n_lists, max_size=n_lists)
    rows = draw(st.lists(counts.filter(any), min_size=n_draws, max_size=n_draws))
    seat_counts = st.one_of(st.just(1), st.integers(1, n_lists + 1),
                            st.integers(n_lists, 4 * n_lists + 12), st.integers(1, 300))
    seats = draw(st.lists(seat_counts, min_size=n_draws, max_size=n_draws))
    return np.array(rows, dtype=np.int64).T.copy(), np.array(seats, dtype=np.int64)


def check_against_reference(method, votes, seats, tie_break):
    allocated, tied = METHODS[method].allocate(votes, seats, Preference(tie_break, votes), True)
    for d in range(votes.shape[1]):
        expected, tie = reference_seats(method, votes[:, d].tolist(), int(seats[d]), tie_break)
        assert allocated[:, d].tolist() == expected, (d, votes[:, d], seats[d])
        # A tie is flagged exactly where the reference's seat by seat met one.
        assert bool(tied[:, d].any()) == tie, (d, votes[:, d], seats[d])


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=80)
@given(case=draws_and_seats(max_votes=6), tie_break=st.sampled_from(["order", "votes"]))
def test_small_counts_with_many_ties_equal_the_reference(method, case, tie_break):
    check_against_reference(method, *case, tie_break)


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=40)
@given(case=draws_and_seats(max_votes=4, max_lists=24),
       tie_break=st.sampled_from(["order", "votes"]))
def test_many_lists_sorted_rather_than_compared_equal_the_reference(method, case, tie_break):
    # Over PAIRWISE_MAX lists with votes the ranking sorts: its cut tells the ties.
    check_against_reference(method, *case, tie_break)


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=30)
@given(case=draws_and_seats(max_votes=10**6), tie_break=st.sampled_from(["order", "votes"]))
def test_larger_counts_equal_the_reference(method, case, tie_break):
    check_against_reference(method, *case, tie_break)


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=20)
@given(case=draws_and_seats(max_votes=MAX_VOTES // 11))
def test_counts_near_the_vote_limit_equal_the_reference(method, case):
    check_against_reference(method, *case, "order")


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=50)
@given(case=draws_and_seats(max_votes=6), scale=st.integers(1, MAX_VOTES // 66),
       tie_break=st.sampled_from(["order", "votes"]))
def test_small_counts_scaled_up_keep_their_ties(method, case, scale, tie_break):
    # Scaling keeps every tie of the small counts, while the float quotients of the tied
    # seats round differently: only exact comparisons give the reference's seats.
    votes, seats = case
    check_against_reference(method, votes * scale, seats, tie_break)


@functools.cache
def tie_pairs(method):
    """``(a, b, v1, v2)``: with ``v1`` and ``v2`` votes, the first list's seat ``a + 1`` and
    the second's seat ``b + 1`` have equal exact quotients, for ``a`` and ``b`` from 1 to 40
    (Huntington-Hill: where ``a (a + 1) / (b (b + 1))`` is a square of a fraction)."""
    pairs = []
    for a in range(1, 41):
        for b in range(1, 41):
            if method == "huntington-hill":
                ratio = Fraction(a * (a + 1), b * (b + 1))
                root = (math.isqrt(ratio.numerator), math.isqrt(ratio.denominator))
                if Fraction(root[0] ** 2, root[1] ** 2) == ratio:
                    pairs.append((a, b, root[0], root[1]))
                continue
            # v / divisor: the divisors are the reciprocals of the priorities of one vote.
            da, db = 1 / PRIORITIES[method](a)(1), 1 / PRIORITIES[method](b)(1)
            common = da.denominator * db.denominator
            pairs.append((a, b, int(da * common), int(db * common)))
    return pairs


@pytest.mark.parametrize("method", sorted(n for n, m in METHODS.items() if m.kind == "divisor"))
@settings(max_examples=60)
@given(data=st.data(), tie_break=st.sampled_from(["order", "votes"]))
def test_ties_between_different_seats_are_seen_at_any_scale(method, data, tie_break):
    # Two lists whose next seats tie exactly, the house one seat short of both: the last
    # seat is the tie, whatever the scale of the counts and however their floats round.
    a, b, v1, v2 = data.draw(st.sampled_from(tie_pairs(method)))
    scale = data.draw(st.integers(1, MAX_VOTES // (v1 + v2)))
    votes = np.array([[v1 * scale], [v2 * scale]], dtype=np.int64)
    check_against_reference(method, votes, np.array([a + b + 1]), tie_break)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_one_seat_many_lists_and_more_seats_than_lists(method):
    votes = np.array([[7, 1, 0], [5, 1, 0], [7, 1, 3], [2, 0, 1]], dtype=np.int64)
    seats = np.array([1, 9, 2], dtype=np.int64)
    check_against_reference(method, votes, seats, "order")
    check_against_reference(method, votes, seats, "votes")


# Droop's quota for counts is a whole number of votes (floor(total / (seats + 1)) + 1), a
# quota that shares do not have.
@pytest.mark.parametrize("method", sorted(set(METHODS) - {"droop"}))
@settings(max_examples=30)
@given(case=draws_and_seats(max_votes=1000))
def test_shares_give_the_seats_of_their_counts_where_no_tie_decides(method, case):
    # Counts of at most 1000 keep distinct quotients and remainders far apart beside the
    # floats' rounding, so shares must find the same seats (equal shares are not ties in
    # practice, so only draws without a tie are compared).
    votes, seats = case
    shares = votes / votes.sum(axis=0)
    allocated, _ = METHODS[method].allocate(shares, seats, Preference("order", shares), False)
    for d in range(votes.shape[1]):
        expected, tie = reference_seats(method, votes[:, d].tolist(), int(seats[d]))
        if not tie:
            assert allocated[:, d].tolist() == expected, (d, votes[:, d], seats[d])


@pytest.mark.parametrize("method", sorted(METHODS))
def test_a_column_without_votes_gets_no_seats_beside_the_others(method):
    # A flattened districts x draws axis can hold a district where no list may take seats.
    votes = np.array([[5, 0, 2], [3, 0, 2], [1, 0, 0]], dtype=np.int64)
    seats = np.array([4, 3, 1], dtype=np.int64)
    allocated, tied = METHODS[method].allocate(votes, seats, Preference("order", votes), True)
    assert allocated[:, 1].tolist() == [0, 0, 0] and not tied[:, 1].any()
    check_against_reference(method, votes[:, [0, 2]].copy(), seats[[0, 2]].copy(), "order")


# --- known cases ------------------------------------------------------------------------

def test_imperiali_lowers_the_divisor_when_its_quotas_give_too_many_seats():
    # Quota 100 / 5 = 20 gives 2 + 2 + 0 = 4 whole seats of 3; quota 100 / 4 = 25 gives
    # 2 + 1 + 0, and nothing is left for the remainders (today's plug-in gave [2, 2, -1]).
    system = ElectoralSystem(seats=3, method="imperiali")
    assert allocate([50, 49, 1], system).tolist() == [2, 1, 0]
    assert reference_seats("imperiali", [50, 49, 1], 3) == ([2, 1, 0], False)


def test_hagenbach_bischoff_falls_back_to_hare_only_when_every_quota_divides():
    # Quota 45 / 3 = 15 divides both lists: 2 + 1 whole seats of 2. The Hare quota 22.5
    # gives 1 + 0 and the remainders 7.5 and 15 give the second list the other seat.
    system = ElectoralSystem(seats=2, method="hagenbach-bischoff")
    assert allocate([30, 15], system).tolist() == [1, 1]
    assert allocate([5117, 4400, 162, 161, 160],
                    ElectoralSystem(seats=100, method="hagenbach-bischoff")).tolist() \
        == [52, 44, 2, 1, 1]


@pytest.mark.parametrize("method", ["sainte-lague", "modified-sainte-lague"])
def test_a_tie_at_a_rounding_boundary_goes_by_the_tie_rule(method):
    # 96131 / 31 = 9303 / 3 = 3101: the 17th seat is a tie between the first list's 16th
    # and the second's 2nd seat. The rounded start (15.5 and 1.5, the first one computed a
    # hair low) gave it to the second list, which the order rule does not prefer.
    assert allocate([96131, 9303], ElectoralSystem(seats=17, method=method)).tolist() \
        == [16, 1]
    by_votes = ElectoralSystem(seats=5, method=method, tie_break="votes")
    assert allocate([21681, 50589], by_votes).tolist() == [1, 4]


@pytest.mark.parametrize("method", ["adams", "dean", "huntington-hill"])
def test_a_first_divisor_of_zero_gives_the_largest_lists_the_first_seats(method):
    votes = [900, 50, 40, 10]
    assert allocate(votes, ElectoralSystem(seats=4, method=method)).tolist() == [1, 1, 1, 1]
    # Fewer seats than lists with votes: the largest lists get one each, nothing more.
    assert allocate(votes, ElectoralSystem(seats=2, method=method)).tolist() == [1, 1, 0, 0]
    assert allocate([3, 5, 5], ElectoralSystem(seats=1, method=method)).tolist() == [0, 1, 0]
    assert allocate([3, 5, 5], ElectoralSystem(seats=1, method=method,
                                               tie_break="votes")).tolist() == [0, 1, 0]


@pytest.mark.parametrize("scale", [1, 3, 10**9])
@pytest.mark.parametrize("tie_break, expected", [("order", [2, 8]), ("votes", [1, 9])])
def test_huntington_hill_sees_a_tie_that_its_floats_miss(scale, tie_break, expected):
    # 1/sqrt(1*2) and 6/sqrt(8*9) are equal, but not as floats (0.7071067811865475 and
    # ...476): the tenth seat is a tie between the first list's second and the second
    # list's ninth, and only the tie rule may decide it.
    votes = np.array([[scale], [6 * scale]], dtype=np.int64)
    seats, tied = METHODS["huntington-hill"].allocate(
        votes, np.array([10]), Preference(tie_break, votes), True)
    assert seats[:, 0].tolist() == expected
    assert tied[:, 0].tolist() == [True, True]


def test_every_method_has_its_label_in_the_rules():
    for name, method in METHODS.items():
        assert method.kind in ("quota", "divisor")
        rule = describe_rules(ElectoralSystem(seats=10, method=name))[0]
        assert rule.startswith(f"10 seats shared by {method.label} among the lists")
    assert METHODS["dhondt"].label == "D'Hondt"


@pytest.mark.parametrize("tie_break", ["order", "votes"])
def test_remainders_that_float32_would_merge_are_told_apart_above_its_range(tie_break):
    # Hare ranks integer remainders in float32 only while a draw has at most 2**24 votes.
    # Here 33,554,434 votes for 5 seats leave one seat to remainders 2**24 and 2**24 + 1
    # (and 1), which float32 rounds to the same number: only the exact ranking gives the
    # seat to the second list rather than by the tie rule.
    votes = np.array([[10_066_330], [16_777_217], [6_710_887]], dtype=np.int64)
    assert int(votes.sum()) > 2**24
    assert np.float32(2**24) == np.float32(2**24 + 1)
    check_against_reference("hare", votes, np.array([5]), tie_break)
    expected, tie = reference_seats("hare", votes[:, 0].tolist(), 5, tie_break)
    assert expected == [1, 3, 1] and not tie


@pytest.mark.parametrize("n_lists", [6, 18])
def test_equal_float_shares_that_each_win_a_leftover_seat_are_in_no_tie(n_lists):
    # 1/n_lists of 5 * n_lists seats rounds to a quotient just below 5: every list gets 4
    # whole seats and one of the n_lists leftovers, so no list was refused a seat (18 lists
    # go through the sort, 6 through the pairwise ranking).
    shares = np.full((n_lists, 1), 1 / n_lists)
    allocated, tied = METHODS["hare"].allocate(shares, np.array([5 * n_lists]),
                                               Preference("order", shares), True)
    assert allocated[:, 0].tolist() == [5] * n_lists
    assert not tied.any()
