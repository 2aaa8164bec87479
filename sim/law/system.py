"""Electoral systems for list PR: the threshold, the method, ties, the runner-up rule, the cap.

Read from a scenario's or a tally's ``[system]`` table; :mod:`sim.law.allocate` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from sim.errors import InvalidValue
from sim.law.methods import METHODS
from sim.limits import FACTOR_DECIMALS, MAX_SEATS, THRESHOLD_DECIMALS
from sim.tables import Table, exact_fraction, percent_hint

THRESHOLD_BASES = ("valid", "lists", "ballots")
THRESHOLD_SCOPES = ("national", "district")
TIE_BREAKS = ("order", "votes")
OVERHANG_RULES = ("kept", "levelled")


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
    threshold : float or Fraction
        Share of the threshold base a list needs (``>=``), in ``[0, 1)``; a Fraction states
        it exactly (the Netherlands: ``1/150``, one full quota).
    threshold_base : {"valid", "lists", "ballots"}
        ``"valid"``: list votes plus against-all and blank ballots; ``"lists"``: list votes
        only; ``"ballots"``: valid votes plus invalid ballots.
    threshold_scope : {"national", "district"}
        Where the threshold is met: over the national votes (Poland, Turkey), or in each
        district over the district's votes (Spain).
    thresholds_by_kind : dict of str to Fraction
        The threshold of lists of a kind (Poland: ``coalition = 0.08``), instead of
        ``threshold``; a list's kind is declared with the list.
    threshold_or_districts : int, optional
        A list that wins at least this many single-member districts passes whatever its
        share (New Zealand: 1; Germany before 2023: 3).
    regional_threshold : Fraction, optional
        A list must also have at least this share of the votes in every region
        (Kyrgyzstan 2021: 0.5%).
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
    threshold: float | Fraction = 0.0
    threshold_base: str = "valid"
    method: str = "hare"
    tie_break: str = "order"
    runner_up: RunnerUp | None = None
    cap: int | None = None
    threshold_scope: str = "national"
    thresholds_by_kind: dict[str, Fraction] = field(default_factory=dict)
    threshold_or_districts: int | None = None
    regional_threshold: Fraction | None = None
    compensation: Compensation | None = None
    adjustment: Adjustment | None = None

    def __post_init__(self):
        if isinstance(self.seats, bool) or not isinstance(self.seats, (int, np.integer)) \
                or not 1 <= self.seats <= MAX_SEATS:
            raise InvalidValue("seats", self.seats,
                               f"must be a whole number between 1 and {MAX_SEATS}")
        if isinstance(self.threshold, bool) or not isinstance(
                self.threshold, (int, float, Fraction)) or not 0 <= self.threshold < 1:
            raise InvalidValue("threshold", self.threshold, "must be a fraction in [0, 1)"
                               + percent_hint(self.threshold, 1))  # type: ignore[arg-type]
        _check_decimals("threshold", self.threshold, THRESHOLD_DECIMALS)
        _check_choice("threshold_base", self.threshold_base, THRESHOLD_BASES)
        _check_choice("threshold_scope", self.threshold_scope, THRESHOLD_SCOPES)
        for kind, fraction in self.thresholds_by_kind.items():
            if not 0 <= fraction < 1:
                raise InvalidValue(f"thresholds_by_kind.{kind}", str(fraction),
                                   "must be a fraction in [0, 1)")
            _check_decimals(f"thresholds_by_kind.{kind}", fraction, THRESHOLD_DECIMALS)
        if self.regional_threshold is not None:
            _check_decimals("regional_threshold", self.regional_threshold, THRESHOLD_DECIMALS)
        if self.threshold_or_districts is not None and not 1 <= self.threshold_or_districts \
                <= MAX_SEATS:
            raise InvalidValue("threshold_or_districts", self.threshold_or_districts,
                               f"must be between 1 and {MAX_SEATS}")
        _check_choice("method", self.method, tuple(METHODS))
        _check_choice("tie_break", self.tie_break, TIE_BREAKS)
        if self.cap is not None and not 1 <= self.cap <= self.seats:
            raise InvalidValue("cap", self.cap, f"must be between 1 and seats ({self.seats})")

    @property
    def threshold_fraction(self) -> Fraction:
        """The threshold as an exact fraction (0.07 is 7/100, not 0.07000000000000000666)."""
        return exact_fraction(self.threshold)

    def threshold_of(self, kind: str | None) -> Fraction:
        """The threshold a list of ``kind`` must reach (None: an ordinary list)."""
        if kind is not None and kind in self.thresholds_by_kind:
            return self.thresholds_by_kind[kind]
        return self.threshold_fraction


@dataclass(frozen=True, slots=True, kw_only=True)
class Compensation:
    """The list tier tops up the seats won in single-member districts (mixed-member
    proportional): each passing list's share of the whole house is apportioned, and its
    list seats are that share less its district seats.

    ``overhang = "kept"``: a list that won more districts than its share keeps them and the
    house grows by the difference (New Zealand, Electoral Act 1993 s. 191-192).
    ``"levelled"``: the house grows until every list's share covers its districts (Germany,
    Federal Electoral Act s. 6 as amended in 2013, before the 2023 reform).
    """

    overhang: str = "kept"

    def __post_init__(self):
        _check_choice("compensation.overhang", self.overhang, OVERHANG_RULES)


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustment:
    """National adjustment (levelling) seats placed in the multi-member districts, as
    Norway's Storting: see :class:`sim.law.tiers.adjustment.AdjustmentTier` for the rule.

    ``seats`` levelling seats for the lists with at least ``threshold`` of the national
    votes, found by ``method`` over the whole house; at most ``per_district`` in a district.
    """

    seats: int
    threshold: Fraction = Fraction(0)
    method: str = "modified-sainte-lague"
    per_district: int = 1

    def __post_init__(self):
        if not 1 <= self.seats <= MAX_SEATS:
            raise InvalidValue("adjustment.seats", self.seats,
                               f"must be between 1 and {MAX_SEATS}")
        if not 0 <= self.threshold < 1:
            raise InvalidValue("adjustment.threshold", str(self.threshold),
                               "must be a fraction in [0, 1)")
        _check_decimals("adjustment.threshold", self.threshold, THRESHOLD_DECIMALS)
        _check_choice("adjustment.method", self.method, tuple(METHODS))
        if not 1 <= self.per_district <= MAX_SEATS:
            raise InvalidValue("adjustment.per_district", self.per_district,
                               f"must be between 1 and {MAX_SEATS}")


BASE_NAMES = {"valid": "the valid votes (every ballot but the invalid ones)",
              "lists": "the list votes",
              "ballots": "all ballots (valid and invalid)"}


def describe_rules(system: ElectoralSystem) -> list[str]:
    """Every rule of the system in force, one sentence each, for results and reports."""
    method = METHODS[system.method].label
    rules = [f"{system.seats} seats shared by {method} among the lists with at least "
             f"{threshold_words(system.threshold)} of {BASE_NAMES[system.threshold_base]}"
             + (" in each district." if system.threshold_scope == "district" else ".")]
    for kind, fraction in system.thresholds_by_kind.items():
        rules.append(f"Lists of kind {kind!r} need {threshold_words(fraction)} instead.")
    if system.threshold_or_districts is not None:
        rules.append(f"A list that wins at least {system.threshold_or_districts} single-member "
                     "district(s) takes part whatever its share.")
    if system.regional_threshold is not None:
        rules.append(f"A list also needs {threshold_words(system.regional_threshold)} of the "
                     "votes in every region.")
    if system.compensation is not None:
        rules.append("The list seats compensate: each passing list's share of the whole house "
                     "is apportioned, less the districts it won; overhang seats are "
                     + ("kept (the house grows by them)." if system.compensation.overhang
                        == "kept" else "levelled (the house grows until none is left)."))
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


def _check_decimals(key: str, value: float | Fraction, decimals: int) -> None:
    """Exact integer comparisons in :mod:`sim.law.allocate` stay within 64 bits only for
    fractions of small denominators (see :mod:`sim.limits`)."""
    if exact_fraction(value).denominator > 10**decimals:
        raise InvalidValue(key, value, f"must have at most {decimals} decimals")


def _check_choice(key: str, value: object, known: tuple[str, ...]) -> None:
    if value not in known:
        raise InvalidValue(key, value, f"must be one of {', '.join(known)}")


def threshold_words(threshold: float | Fraction) -> str:
    """"5%", or "1/150" for a fraction that is no round percentage."""
    fraction = exact_fraction(threshold) if not isinstance(threshold, Fraction) else threshold
    percent = 100 * fraction
    if isinstance(threshold, Fraction) and (percent * 10**4).denominator != 1:
        return f"{fraction.numerator}/{fraction.denominator}"
    return f"{float(percent):g}%"


SYSTEM_KEYS = ("seats", "threshold", "threshold_base", "method", "tie_break", "runner_up", "cap",
               "threshold_scope", "thresholds_by_kind", "threshold_or_districts",
               "regional_threshold", "compensation", "adjustment")


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
    compensation = None
    if "compensation" in table:
        rule = table.table("compensation")
        rule.check_keys(("overhang",))
        compensation = _located(table, lambda: Compensation(
            overhang=rule.string("overhang", "kept")), prefix=table.key)
    adjustment = _read_adjustment(table) if "adjustment" in table else None
    by_kind = table.table("thresholds_by_kind")
    return _located(table, lambda: ElectoralSystem(
        seats=table.integer("seats", required=True),
        threshold=_threshold(table, "threshold"),
        threshold_scope=table.string("threshold_scope", "national"),
        thresholds_by_kind={kind: exact_fraction(_threshold(by_kind, kind))
                            for kind in by_kind.names()},
        threshold_or_districts=table.integer("threshold_or_districts"),
        regional_threshold=None if "regional_threshold" not in table
        else exact_fraction(_threshold(table, "regional_threshold")),
        compensation=compensation,
        adjustment=adjustment,
        threshold_base=table.string("threshold_base", "valid"),
        method=table.string("method", "hare"),
        tie_break=table.string("tie_break", "order"),
        runner_up=runner_up,
        cap=table.integer("cap"),
    ), prefix=table.key)


def _read_adjustment(table: Table) -> Adjustment:
    """``[system.adjustment]``: levelling seats placed in the districts."""
    rule = table.table("adjustment")
    rule.check_keys(("seats", "threshold", "method", "per_district"))
    return _located(table, lambda: Adjustment(
        seats=rule.integer("seats", required=True),
        threshold=exact_fraction(_threshold(rule, "threshold")),
        method=rule.string("method", "modified-sainte-lague"),
        per_district=rule.integer("per_district", 1)), prefix=table.key)


def _threshold(table: Table, name: str) -> float | Fraction:
    """A threshold: a number, or an exact fraction written as a string (``"1/150"``)."""
    value = table.raw(name, 0.0)
    if isinstance(value, str):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise table.error(name, value, 'must be a number or a fraction such as "1/150"') \
                from None
    return table.number(name, 0.0)


def _located(table: Table, build, *, prefix: str):
    """Run ``build``; place a rule's error in the table's file under ``prefix``."""
    try:
        return build()
    except InvalidValue as error:
        if error.file is not None:
            raise
        raise error.located(table.file, prefix) from None
