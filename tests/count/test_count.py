"""The official count: turnout, invalid ballots and inflation in deterministic cases."""

import numpy as np
import pytest

from sim.ballot import Ballot
from sim.count.official import count_votes, draw_turnout
from sim.count.spec import read_count
from sim.params import ParamDraws
from sim.tables import Table

LISTS = ("a", "b", "c")


def model(**table):
    return read_count(Table({"registered": 1000, "turnout": 0.5, **table}, "f.toml", "count"),
                      LISTS)


def electorate(shares=(0.25, 0.15, 0.1), stay_home=0.5, n=3):
    return np.tile(np.array([*shares, stay_home])[:, None], (1, n))


def draws(n):
    return ParamDraws(n, np.random.default_rng(0))


def count(m, state=None, against_all=False):
    state = electorate() if state is None else state
    return count_votes(state, m, Ballot(LISTS, against_all), params=draws(state.shape[1]))


def test_plain_count():
    tally = count(model(invalid=0.1))
    # 500 ballots: 250, 150, 100; 10% invalid in every list's pile.
    assert tally.votes[:, 0].tolist() == [225, 135, 90]
    assert tally.invalid.tolist() == [50] * 3
    assert tally.turnout[0] == pytest.approx(0.5)
    assert tally.genuine[:, 0] == pytest.approx([0.5, 0.3, 0.2])


def test_turnout_multipliers_lower_a_lists_vote():
    tally = count(model(turnout_multipliers={"c": 0.5}))
    assert tally.votes[:, 0].tolist() == [250, 150, 50]
    assert tally.turnout[0] == pytest.approx(0.45)


def test_turnout_never_exceeds_the_registered_voters():
    tally = count(model(turnout_multipliers={"a": 10.0}), electorate(stay_home=0.5))
    assert tally.turnout[0] == pytest.approx(1.0)
    assert tally.votes[:, 0].sum() == 1000


def test_stuffing_adds_ballots_for_the_list_and_raises_turnout():
    tally = count(model(inflation={"list": "a", "stuffing": 0.2}))
    # 20% of the 500 registered non-voters: 100 extra ballots for a.
    assert tally.votes[:, 0].tolist() == [350, 150, 100]
    assert tally.turnout[0] == pytest.approx(0.6)
    assert tally.genuine[:, 0] == pytest.approx([0.5, 0.3, 0.2])


def test_misrecording_moves_a_share_of_the_other_lists_votes():
    tally = count(model(inflation={"list": "a", "misrecording": 0.1}))
    assert tally.votes[:, 0].tolist() == [275, 135, 90]
    assert tally.turnout[0] == pytest.approx(0.5)


def test_official_share_rises_exactly_as_specified():
    tally = count(model(inflation={"list": "a", "stuffing": 0.2, "misrecording": 0.1}))
    # Stuffing first (a: 350 of 600), then 10% of b and c (15 + 10) recorded for a.
    assert tally.votes[:, 0].tolist() == [375, 135, 90]
    assert tally.votes[0, 0] / tally.votes[:, 0].sum() == pytest.approx(0.625)


def test_against_all_is_counted_and_kept_apart():
    state = np.tile(np.array([0.2, 0.15, 0.1, 0.05, 0.5])[:, None], (1, 2))
    ballot = Ballot(LISTS, against_all=True)
    tally = count_votes(state, model(), ballot, params=draws(2))
    assert tally.votes[:ballot.n_lists, 0].tolist() == [200, 150, 100]
    assert ballot.against_all_votes(tally.votes).tolist() == [50, 50]


def test_the_electorate_follows_the_turnout_draw():
    support = np.array([[0.5], [0.3], [0.2]])
    ballot = Ballot(LISTS)
    turnout = draw_turnout(model(turnout=0.6), draws(1))
    assert ballot.electorate(support, turnout)[:, 0] == pytest.approx([0.3, 0.18, 0.12, 0.4])
    everyone = draw_turnout(None, draws(1))
    assert ballot.electorate(support, everyone)[:, 0] == pytest.approx([0.5, 0.3, 0.2, 0.0])
