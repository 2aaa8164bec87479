"""Station counts: the one array contract of the station level.

A :class:`StationCounts` holds the counts of every polling station, for one real election
(no leading axis) or for a block of simulated draws (leading axis ``n_draws``). Simulated
counts come from :func:`sim.stations.model.simulate_stations`; real ones are read from a
published table (``sim.stations.published``). The fingerprints (``sim.stations.fingerprints``)
and the quick count read only this contract.

Shapes (``...`` is ``()`` for one election, ``(n_draws,)`` for draws):

- ``registered`` int64 ``(n_stations,)``: registered voters of each station (the frame's);
- ``stratum`` int16 ``(n_stations,)``: index into ``strata`` (names, in declared order);
- ``ballots`` int64 ``(..., n_stations)``: ballots in the box, valid and invalid;
- ``votes`` int64 ``(..., n_options, n_stations)``: valid votes per ballot option (the lists,
  then against-all when on the ballot: :class:`sim.ballot.Ballot`'s order);
- ``invalid`` int64 ``(..., n_stations)`` or None when the source does not say: then the
  invalid ballots are taken as ``ballots - votes.sum(-2)``.

Invariants (checked by :meth:`StationCounts.check`): every count is non-negative,
``votes.sum(-2) <= ballots <= registered``, and with ``invalid`` given
``votes.sum(-2) + invalid == ballots``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class StationCounts:
    """Counts of every station (see the module docstring for shapes and invariants)."""

    registered: np.ndarray
    stratum: np.ndarray
    ballots: np.ndarray
    votes: np.ndarray
    invalid: np.ndarray | None = None
    strata: tuple[str, ...] = ("all",)

    @property
    def n_stations(self) -> int:
        return int(self.registered.shape[0])

    def valid(self) -> np.ndarray:
        """Valid votes per station, shape ``(..., n_stations)``."""
        return self.votes.sum(axis=-2)

    def turnout(self) -> np.ndarray:
        """Ballots over registered voters, float ``(..., n_stations)``; 0 for an empty
        station."""
        return self.ballots / np.maximum(self.registered, 1)

    def share(self, list_index: int, *, of: str = "valid") -> np.ndarray:
        """The option's votes over the station's valid votes (``of="valid"``) or over all
        its ballots (``of="ballots"``, as Kobak et al. 2016), float ``(..., n_stations)``;
        0 where the denominator is 0."""
        base = self.valid() if of == "valid" else self.ballots
        return self.votes[..., list_index, :] / np.maximum(base, 1)

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """National ballots ``(...)`` and votes ``(..., n_options)``: the station sums."""
        return self.ballots.sum(axis=-1), self.votes.sum(axis=-1)

    def check(self) -> StationCounts:
        """Itself, when the invariants hold; else :class:`InvalidValue` naming the first
        station that breaks one."""
        valid = self.valid()
        registered = np.broadcast_to(self.registered, self.ballots.shape)
        rules = [(self.ballots < 0, self.ballots, "ballots", "must not be negative"),
                 (self.votes.min(axis=-2) < 0, self.votes.min(axis=-2), "votes",
                  "must not be negative"),
                 (self.ballots > registered, self.ballots, "ballots",
                  "must not exceed the station's registered voters"),
                 (valid > self.ballots, valid, "votes",
                  "must not add up to more than the station's ballots")]
        if self.invalid is not None:
            rules.append((valid + self.invalid != self.ballots, self.invalid, "invalid",
                          "valid votes and invalid ballots must add up to the ballots"))
        for bad, values, key, rule in rules:
            if np.any(bad):
                where = tuple(np.argwhere(bad)[0])
                raise InvalidValue(f"station[{where[-1]}].{key}", int(values[where]), rule)
        return self


def won_shares(votes: np.ndarray) -> np.ndarray:
    """Each option's share of the stations where it came first (ties to the earlier
    option): ``votes`` int ``(..., n_options, n_stations)`` gives float ``(..., n_options)``."""
    winners = votes.argmax(axis=-2)
    return np.stack([(winners == j).mean(axis=-1) for j in range(votes.shape[-2])], axis=-1)
