"""The published figures that inference compares draws with, in percentage points.

An observed tally (``sim.law.tally``) gives each list's votes and, where present, the
against-all and invalid ballots. The figures are each option's share of the valid votes,
and, when the tally has invalid ballots and the scenario a count model, the invalid share of
all ballots and the turnout: all ballots over the scenario's registered voters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.ballot import AGAINST_ALL
from sim.engine.simulate import ChunkDraws
from sim.errors import ScenarioError
from sim.law.tally import Tally
from sim.scenario import Scenario

TURNOUT = "turnout"
INVALID = "invalid"


@dataclass(frozen=True, slots=True, kw_only=True)
class Observed:
    """The observed figures, in the order :func:`draw_figures` computes them.

    Attributes
    ----------
    path : str
        The tally file.
    names : tuple of str
        Figure ids: the ballot options (lists, then ``against_all``), then ``turnout`` and
        ``invalid`` when observed.
    values : ndarray, shape (n_figures,)
        Percentage points.
    """

    path: str
    names: tuple[str, ...]
    values: np.ndarray

    @property
    def has_count(self) -> bool:
        return TURNOUT in self.names


def observed_figures(tally: Tally, scenario: Scenario) -> Observed:
    """The tally's figures for the scenario's ballot; a tally that names other lists, or
    lacks the against-all line the ballot has, is a :class:`ScenarioError`."""
    ballot = scenario.ballot
    if sorted(tally.lists) != sorted(ballot.lists):
        raise ScenarioError("votes", list(tally.lists),
                            f"must name the lists of {scenario.path}: {list(ballot.lists)}",
                            file=tally.path)
    if ballot.against_all != (tally.against_all is not None):
        rule = "must be given: the scenario's ballot has against-all" if ballot.against_all \
            else "must not be given: the scenario's ballot has no against-all line"
        raise ScenarioError("ballots.against_all", tally.against_all, rule, file=tally.path)
    votes = dict(zip(tally.lists, tally.votes.tolist()))
    counts = np.array([votes[name] for name in ballot.lists]
                      + ([tally.against_all] if ballot.against_all else []), dtype=float)
    valid = counts.sum()
    names, values = list(ballot.options), list(100 * counts / valid)
    if tally.invalid is not None and scenario.count is not None:
        ballots = valid + tally.invalid
        names += [TURNOUT, INVALID]
        values += [100 * ballots / scenario.count.registered, 100 * tally.invalid / ballots]
        if ballots > scenario.count.registered:
            raise ScenarioError("ballots.invalid", tally.invalid,
                                f"makes {ballots:,.0f} ballots, more than the "
                                f"{scenario.count.registered:,} registered voters of "
                                f"{scenario.path}", file=tally.path)
    return Observed(path=tally.path, names=tuple(names), values=np.array(values))


def draw_figures(chunk: ChunkDraws, observed: Observed) -> np.ndarray:
    """The same figures for each draw of a chunk.

    Returns
    -------
    ndarray, shape (n_figures, n_draws)
        Percentage points, rows in the order of ``observed.names``.
    """
    shares = 100 * chunk.shares(chunk.votes)
    if not observed.has_count:
        return shares
    # Observed turnout needs a count model, whose draws have these.
    assert chunk.invalid is not None and chunk.turnout is not None
    valid = chunk.votes.sum(axis=0)
    invalid = 100 * chunk.invalid / np.maximum(valid + chunk.invalid, 1)
    return np.vstack([shares, 100 * chunk.turnout, invalid])


def figure_label(name: str, scenario: Scenario) -> str:
    """A figure's name in words."""
    if name == AGAINST_ALL:
        return "against all"
    names = {item.id: item.name for item in scenario.lists}
    if name in names:
        return names[name]
    return {TURNOUT: "turnout", INVALID: "invalid ballots"}[name]
