"""Electoral systems for list PR: the threshold, the method, ties, the runner-up rule, the cap.

Read from a scenario's or a tally's ``[system]`` table; :mod:`sim.law.allocate` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from sim.errors import InvalidValue
from sim.law.methods import METHODS
from sim.limits import FACTOR_DECIMALS, MAX_SEATS, THRESHOLD_DECIMALS
from sim.tables import Table, exact_fraction, percent_hint

THRESHOLD_BASES = ("valid", "lists", "ballots")
TIE_BREAKS = ("order", "votes")


@dataclass(frozen=True, slots=True, kw_only=True)
class RunnerUp:
    """Kazakhstan's runner-up rule: when one list passes, the next one is admitted.

    References
    ----------
    Constitutional Law "On Elections in the Republic of Kazakhstan", Art. 97-1 (2009
    amendment). The quota is computed over both lists and the runner-up's quotient is
    multiplied by a correction index of 0.7; secondary sources (IPU, ElectionGuide) say it
    gets at least two seats. The end of the article was not available, so this is elsim's
    reading: the runner-up gets ``max(min_seats, floor(factor * votes * seats / total))``
    with ``total`` the votes of both lists, and the leading list takes every other seat.
    """

    factor: float = 0.7
    min_seats: int = 2

    def __post_init__(self):
        if not 0 < self.factor <= 1:
            raise InvalidValue("runner_up.factor", self.factor, "must be in (0, 1]")
        _check_decimals("runner_up.factor", self.factor, FACTOR_DECIMALS)
        if not 0 <= self.min_seats <= MAX_SEATS:
            raise InvalidValue("runner_up.min_seats", self.min_seats,
                               f"must be between 0 and {MAX_SEATS}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ElectoralSystem:
    """How list votes become seats.

    Parameters
    ----------
    seats : int
        Seats shared among the lists.
    threshold : float
        Share of the threshold base a list needs (``>=``), in ``[0, 1)``.
    threshold_base : {"valid", "lists", "ballots"}
        ``"valid"``: list votes plus against-all; ``"lists"``: list votes only;
        ``"ballots"``: valid votes plus invalid ballots.
    method : str
        A key of :data:`sim.law.methods.METHODS`.
    tie_break : {"order", "votes"}
        Equal remainders or quotients go to the earlier-registered list, or to the list
        with more votes and then the earlier one.
    runner_up : RunnerUp, optional
        Admit the runner-up when exactly one list passes.
    cap : int, optional
        Most seats one list may hold; the rest are shared among the others.
    """

    seats: int
    threshold: float = 0.0
    threshold_base: str = "valid"
    method: str = "hare"
    tie_break: str = "order"
    runner_up: RunnerUp | None = None
    cap: int | None = None

    def __post_init__(self):
        if isinstance(self.seats, bool) or not isinstance(self.seats, (int, np.integer)) \
                or not 1 <= self.seats <= MAX_SEATS:
            raise InvalidValue("seats", self.seats,
                               f"must be a whole number between 1 and {MAX_SEATS}")
        if not isinstance(self.threshold, (int, float)) or not 0 <= self.threshold < 1:
            raise InvalidValue("threshold", self.threshold, "must be a fraction in [0, 1)"
                               + percent_hint(self.threshold, 1))
        _check_decimals("threshold", self.threshold, THRESHOLD_DECIMALS)
        _check_choice("threshold_base", self.threshold_base, THRESHOLD_BASES)
        _check_choice("method", self.method, tuple(METHODS))
        _check_choice("tie_break", self.tie_break, TIE_BREAKS)
        if self.cap is not None and not 1 <= self.cap <= self.seats:
            raise InvalidValue("cap", self.cap, f"must be between 1 and seats ({self.seats})")

    @property
    def threshold_fraction(self) -> Fraction:
        """The threshold as an exact fraction (0.07 is 7/100, not 0.07000000000000000666)."""
        return exact_fraction(self.threshold)


BASE_NAMES = {"valid": "the valid votes (lists and against-all)", "lists": "the list votes",
              "ballots": "all ballots (valid and invalid)"}


def describe_rules(system: ElectoralSystem) -> list[str]:
    """Every rule of the system in force, one sentence each, for results and reports."""
    rules = [f"{system.seats} seats shared by {METHODS[system.method].label} among the lists "
             f"with at least {100 * system.threshold:g}% of {BASE_NAMES[system.threshold_base]}."]
    if system.runner_up is not None:
        rules.append(f"Runner-up rule: when only one list passes, the list with the next most "
                     f"votes is admitted and gets max({system.runner_up.min_seats}, "
                     f"floor({system.runner_up.factor:g} x its share of the two lists' votes "
                     f"x {system.seats})) seats; the leading list the rest.")
    if system.cap is not None:
        rules.append(f"Cap: no list holds more than {system.cap} seats; a capped list keeps "
                     f"{system.cap} and its surplus is shared among the other passing lists by "
                     "the same method (again, until no list exceeds the cap).")
    rules.append("Equal remainders or quotients go to the earlier-registered list." if
                 system.tie_break == "order" else "Equal remainders or quotients go to the "
                 "list with more votes, then to the earlier-registered one.")
    return rules


def _check_decimals(key: str, value: float, decimals: int) -> None:
    """Exact integer comparisons in :mod:`sim.law.allocate` stay within 64 bits only for
    fractions of small denominators (see :mod:`sim.limits`)."""
    if exact_fraction(value).denominator > 10**decimals:
        raise InvalidValue(key, value, f"must have at most {decimals} decimals")


def _check_choice(key: str, value: object, known: tuple[str, ...]) -> None:
    if value not in known:
        raise InvalidValue(key, value, f"must be one of {', '.join(known)}")


SYSTEM_KEYS = ("seats", "threshold", "threshold_base", "method", "tie_break", "runner_up", "cap")


def read_system(table: Table) -> ElectoralSystem:
    """An :class:`ElectoralSystem` from a ``[system]`` table."""
    table.check_keys(SYSTEM_KEYS)
    runner_up = None
    if "runner_up" in table:
        rule = table.table("runner_up")
        rule.check_keys(("factor", "min_seats"))
        runner_up = _located(table, lambda: RunnerUp(
            factor=rule.number("factor", 0.7), min_seats=rule.integer("min_seats", 2, low=0)),
            prefix=table.key)
    return _located(table, lambda: ElectoralSystem(
        seats=table.integer("seats", required=True),
        threshold=table.number("threshold", 0.0),
        threshold_base=table.string("threshold_base", "valid"),
        method=table.string("method", "hare"),
        tie_break=table.string("tie_break", "order"),
        runner_up=runner_up,
        cap=table.integer("cap"),
    ), prefix=table.key)


def _located(table: Table, build, *, prefix: str):
    """Run ``build``; place a rule's error in the table's file under ``prefix``."""
    try:
        return build()
    except InvalidValue as error:
        if error.file is not None:
            raise
        raise error.located(table.file, prefix) from None
