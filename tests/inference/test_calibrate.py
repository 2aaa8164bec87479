"""The calibration fit: recovery of known error sds and house effects from synthetic polls,
and what the shipped polls file gives."""

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.inference.calibrate import fit_errors
from sim.inference.history import PollMiss, poll_misses, read_polls
from sim.law.tally import load_tally, official_shares
from tests.inference.paths import POLLS, TALLIES

KINDS = ("government-linked", "independent")


def synthetic_misses(rng, *, elections, election_sd, source_sd, house, n=2000):
    """Polls of known truths: three sources per election (two of the first kind), six
    lists, the first in the bloc; misses drawn exactly as the model says."""
    official = np.array([0.55, 0.15, 0.12, 0.09, 0.06, 0.03])
    ruling = np.arange(6) == 0
    misses = []
    for e in range(elections):
        shared = rng.normal(0, election_sd, 6)
        for s, kind in enumerate((KINDS[0], KINDS[0], KINDS[1])):
            log_poll = (np.log(official) + shared + rng.normal(0, source_sd, 6)
                        + house[kind] * ruling)
            poll = np.exp(log_poll) / np.exp(log_poll).sum()
            poll = rng.multinomial(n, poll) / n  # sampling error of n respondents
            keep = poll > 0
            misses.append(PollMiss(
                election=f"E{e}", source=f"S{s}", kind=kind, n=float(n),
                labels=tuple(f"l{i}" for i in np.flatnonzero(keep)), poll=poll[keep],
                official=official[keep], ruling=ruling[keep]))
    return misses


def test_fit_recovers_known_sds_and_house_effects():
    # 40 elections x 3 sources x 6 lists. Tolerances: about three standard errors of the
    # estimates at this size (the sds' profile intervals are about +-0.05 wide).
    truth = {"election_sd": 0.30, "source_sd": 0.15}
    house = {KINDS[0]: 0.25, KINDS[1]: -0.15}
    misses = synthetic_misses(np.random.default_rng(7), elections=40, house=house, **truth)
    fit = fit_errors(misses, KINDS)
    assert fit.election_sd == pytest.approx(0.30, abs=0.08)
    assert fit.source_sd == pytest.approx(0.15, abs=0.05)
    for name, value in truth.items():
        low, high = fit.intervals[name]
        assert low <= value <= high, (name, fit.intervals)
    for kind, value in house.items():
        assert abs(fit.house[kind] - value) < 3 * fit.house_se[kind], (kind, fit.house)
        assert fit.house_se[kind] < 0.1


def test_no_error_beyond_sampling_gives_small_sds():
    misses = synthetic_misses(np.random.default_rng(3), elections=15, election_sd=0.0,
                              source_sd=0.0, house={KINDS[0]: 0.0, KINDS[1]: 0.0}, n=5000)
    fit = fit_errors(misses, KINDS)
    # The posterior's 90% interval of the total sd stays near 0 (its lower end is above 0:
    # a credible interval of a positive quantity, not a profile interval touching the edge).
    assert fit.intervals["total_sd"][1] < 0.05


def test_shipped_polls_are_compared_where_a_count_says_how():
    rows = read_polls(POLLS)
    assert all(row["kind"] == "poll" for row in rows)  # exit polls are not forecasts
    tallies = {e: load_tally(path) for e, path in TALLIES.items()}
    misses = poll_misses(rows, tallies, bloc=frozenset({"nur-otan", "amanat"}), default_n=1000)
    sources = [m.source for m in misses]
    assert len(misses) == 7 and "central-asian-barometer" not in sources  # one lone figure
    public_policy = misses[sources.index("institute-of-public-policy")]
    assert public_policy.labels == ("nur-otan", "rest:ak-zhol,peoples-party,auyl,adal")
    official = official_shares(tallies["KZ2021"])["nur-otan"]
    assert public_policy.official == pytest.approx([official, 1 - official])
    assert public_policy.poll == pytest.approx([0.768, 0.232])
    demoscope = misses[sources.index("demoscope-paperlab")]
    assert "other" not in demoscope.labels and "against_all" in demoscope.labels
    assert demoscope.n == pytest.approx(1000 / 1.5)  # n not published: default, design effect


@pytest.mark.parametrize("line, column, message", [
    ("KZ2023,poll,x,y,1000,ten,a,s,independent,votes", "share_pct", "must be a number"),
    ("KZ2023,poll,x,y,1000,120,a,s,independent,votes", "share_pct", "between 0 and 100"),
    ("KZ2023,poll,x,y,1000,12,a,s,independent,all", "share_of", "'votes' or 'respondents'"),
    ("KZ2023,poll,x,y,many,12,a,s,independent,votes", "sample_size", "whole number"),
])
def test_bad_polls_file_names_line_and_column(tmp_path, line, column, message):
    path = tmp_path / "polls.csv"
    path.write_text("election,kind,pollster,fieldwork,sample_size,share_pct,list,source_id,"
                    "source_kind,share_of\n" + line + "\n")
    with pytest.raises(ScenarioError) as error:
        read_polls(path)
    assert f"line 2, {column}" in str(error.value) and message in str(error.value)
    assert str(path) in str(error.value)


def test_polls_file_without_the_comparison_columns_is_refused(tmp_path):
    path = tmp_path / "polls.csv"
    path.write_text("election,kind,pollster,share_pct\nKZ2023,poll,x,12\n")
    with pytest.raises(ScenarioError, match="needs the columns"):
        read_polls(path)
