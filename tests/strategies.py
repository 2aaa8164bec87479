"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from sim.law.methods import METHODS
from sim.law.system import ElectoralSystem, RunnerUp

methods = st.sampled_from(sorted(METHODS))
largest_remainder_methods = st.sampled_from(
    sorted(name for name, method in METHODS.items() if method.kind == "quota"))
divisor_methods = st.sampled_from(
    sorted(name for name, method in METHODS.items() if method.kind == "divisor"))
thresholds = st.sampled_from([0.0, 0.03, 0.05, 0.07, 0.1])


@st.composite
def systems(draw, method=methods, cap=False, runner_up=False, tie_break=None):
    seats = draw(st.integers(1, 120))
    return ElectoralSystem(
        seats=seats,
        threshold=draw(thresholds),
        threshold_base=draw(st.sampled_from(["valid", "lists", "ballots"])),
        method=draw(method),
        tie_break=tie_break or draw(st.sampled_from(["order", "votes"])),
        runner_up=RunnerUp() if runner_up and draw(st.booleans()) else None,
        cap=draw(st.integers(max(1, seats // 3), seats)) if cap and draw(st.booleans()) else None,
    )


def vote_counts(min_lists=1, max_lists=12, max_votes=10**6):
    """One count: a list of non-negative integers, not all zero."""
    return st.lists(st.integers(0, max_votes), min_size=min_lists, max_size=max_lists).filter(
        lambda votes: sum(votes) > 0)


@st.composite
def vote_draws(draw, max_draws=12, max_lists=12, max_votes=10**6):
    """Several draws of one election: an int64 array (n_draws, n_lists)."""
    n_lists = draw(st.integers(1, max_lists))
    rows = draw(st.lists(vote_counts(n_lists, n_lists, max_votes), min_size=1, max_size=max_draws))
    return np.array(rows, dtype=np.int64)


def distinct_counts(min_lists=2, max_lists=8):
    """A count without equal votes, so that no remainder or quotient ties are likely."""
    return st.lists(st.integers(1, 10**6), min_size=min_lists, max_size=max_lists,
                    unique=True)


@st.composite
def district_votes(draw, max_candidates=6, max_districts=8, max_draws=6, max_votes=50):
    """District votes ``(n_candidates, n_districts, n_draws)`` of small integers, so that
    ties are frequent."""
    shape = (draw(st.integers(2, max_candidates)), draw(st.integers(1, max_districts)),
             draw(st.integers(1, max_draws)))
    values = draw(st.lists(st.integers(0, max_votes), min_size=int(np.prod(shape)),
                           max_size=int(np.prod(shape))))
    return np.array(values, dtype=np.int64).reshape(shape)


@st.composite
def poll_reports(draw, n_options=4):
    """A poll over ``n_options`` options "o0".."o{n-1}": the shares it reports (some options,
    maybe the undecided) and a fill for each option it does not report, all positive and
    adding up to at most 1."""
    options = tuple(f"o{i}" for i in range(n_options))
    parts = draw(st.lists(st.floats(0.01, 1.0), min_size=n_options + 2,
                          max_size=n_options + 2))
    shares = np.array(parts) / sum(parts)  # the options, the undecided, something left over
    reported = draw(st.lists(st.booleans(), min_size=n_options, max_size=n_options)
                    .filter(any))
    with_undecided = draw(st.booleans())
    given = {o: float(s) for o, s, r in zip(options, shares, reported) if r}
    if with_undecided:
        given["undecided"] = float(shares[n_options])
    fill = {o: float(s) for o, s, r in zip(options, shares, reported) if not r}
    return options, given, fill
