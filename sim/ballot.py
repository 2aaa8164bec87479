"""The option axis: which row of a support, electorate or count array is which.

Every stage passes arrays with one row per ballot option: the lists in registration order,
then against-all when the ballot has that line. The electorate adds one last row, those who
stay home. :class:`Ballot` is the one place that knows this order, so no module indexes
rows by arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AGAINST_ALL = "against_all"
STAY_HOME = "abstain"
UNDECIDED = "undecided"  # a poll's line for respondents who named no option
RESERVED_IDS = (AGAINST_ALL, STAY_HOME, UNDECIDED)


@dataclass(frozen=True, slots=True)
class Ballot:
    """The lists on the ballot, in registration order, and whether it has against-all.

    ``aggregates`` are lists that stand for several parties (such as "others" in a poll):
    their votes count in the threshold base and the shares, but they never take seats.
    """

    lists: tuple[str, ...]
    against_all: bool = False
    aggregates: tuple[str, ...] = ()

    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def options(self) -> tuple[str, ...]:
        """Option ids in row order: the lists, then ``"against_all"`` if on the ballot."""
        return self.lists + ((AGAINST_ALL,) if self.against_all else ())

    @property
    def n_options(self) -> int:
        return self.n_lists + self.against_all

    @property
    def against_all_row(self) -> int | None:
        return self.n_lists if self.against_all else None

    @property
    def stay_home_row(self) -> int:
        """Row of those who stay home in an electorate array."""
        return self.n_options

    def row(self, option: str) -> int:
        """Row of a list, of ``"against_all"``, or of ``"abstain"`` (stay home)."""
        return self.stay_home_row if option == STAY_HOME else self.options.index(option)

    def electorate(self, support: np.ndarray, turnout: np.ndarray) -> np.ndarray:
        """Shares of the electorate ``(n_options + 1, n_draws)`` from vote shares
        ``(n_options, n_draws)`` and the share who vote ``(n_draws,)``."""
        electorate = np.empty((self.n_options + 1, support.shape[1]))
        np.multiply(support, turnout, out=electorate[:self.n_options])
        np.subtract(1.0, turnout, out=electorate[self.stay_home_row])
        return electorate

    def voting(self, electorate: np.ndarray) -> np.ndarray:
        """The option rows of an electorate array (a view)."""
        return electorate[:self.n_options]

    def list_votes(self, votes: np.ndarray) -> np.ndarray:
        """The lists' rows ``(n_lists, ...)`` of an options-first array."""
        return votes[:self.n_lists]

    def against_all_votes(self, votes: np.ndarray) -> np.ndarray | None:
        """The against-all row of ``(n_options, ...)`` votes, or None without that line."""
        return None if not self.against_all else votes[self.n_lists]
