"""Any coalition's seats, asked after the run: from the result's sample of per-draw seats.

A result keeps the seat vectors of a sample of its draws (``summary.seat_sample``: every
:data:`sim.engine.summary.SAMPLE_STRIDE`-th draw of each chunk, from the first chunks on, at
most :data:`sim.engine.summary.SAMPLE_DRAWS`). A coalition's seats in each of those draws are the
sum of its lists' seats (and the independents' of a district tier, when it names them) plus
the appointed seats it names, so its whole distribution follows;
a probability estimated from ``k`` sampled draws has the Monte Carlo standard error
``sqrt(p * (1 - p) / k)``, which is reported beside it. Blocs declared in the scenario are
summarised over every draw instead (``summary.blocs``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import numpy as np

from sim.errors import InvalidValue
from sim.output.records import Result, Summary

QUANTILES = (0.05, 0.5, 0.95)


def parse_coalition(text: str) -> list[str]:
    """``"a+b+c"`` → ``["a", "b", "c"]``. (A list id with "+" in it is named with
    ``elsim coalitions --member`` instead.)"""
    members = [part.strip() for part in text.split("+")]
    if not all(members):
        raise InvalidValue("coalition", text, 'must be list ids joined by "+", e.g. "a+b"')
    return members


def coalition(result: Result, members: list[str], lines: dict[str, int]) -> dict:
    """The seat distribution of the lists (the independents of a district tier, and appointed
    groups) ``members`` together, and P(seats >= line) for each of ``lines`` (name -> seats,
    from 1 to the house), with Monte Carlo errors."""
    summary = result.summary
    sample = summary.seat_sample
    if not sample.draws:
        raise InvalidValue("seat_sample", None, "this result keeps no per-draw seats: re-run "
                           "the scenario with this version of elsim")
    _check_lines(lines, summary.parliament.house)
    appointed = summary.parliament.appointed
    _check_members(members, summary, appointed)
    seated = sample.lists
    independents = None if summary.independents is None else summary.independents.id
    # Results before the sample had district columns kept no independents' seats.
    if independents in members and independents not in seated and sample.district_lists is None:
        raise InvalidValue("coalition", independents, "this result keeps no per-draw seats of "
                           "the independents: re-run the scenario with this version of elsim")
    width = len(seated) + len(sample.district_lists or ()) + 1
    rows = np.array(sample.rows, dtype=np.int64).reshape(-1, width)
    # A member missing from the sample's columns won no seat in any sampled draw.
    columns = [seated.index(m) for m in members if m in seated]
    seats = rows[:, columns].sum(axis=1) + sum(appointed.get(m, 0) for m in members)
    weights = rows[:, -1]
    draws = int(weights.sum())
    histogram = np.bincount(seats, weights=weights).astype(np.int64)
    cdf = np.cumsum(histogram)
    probabilities = {}
    for name, needed in lines.items():
        p = float(histogram[needed:].sum() / draws)
        probabilities[name] = {"seats_needed": needed, "p": round(p, 6),
                               "se": round(float(np.sqrt(p * (1 - p) / draws)), 6)}
    return {"members": members, "draws": draws,
            "mean": round(float(np.arange(len(histogram)) @ histogram / draws), 6),
            **{f"q{round(q * 100):02d}": int(np.searchsorted(cdf, q * draws))
               for q in QUANTILES},
            "lines": probabilities, "histogram": histogram.tolist()}


def _check_lines(lines: dict[str, int], house: int) -> None:
    for name, needed in lines.items():
        if isinstance(needed, bool) or not isinstance(needed, int | np.integer) \
                or not 1 <= needed <= house:
            raise InvalidValue(f"line {name!r}", needed, f"must be a whole number of seats "
                               f"from 1 to the house ({house})")


def _check_members(members: list[str], summary: Summary, appointed: Mapping[str, int]
                   ) -> None:
    """Every member names a list, the independents or an appointed group, once."""
    known = [item.id for item in summary.lists] + \
        ([summary.independents.id] if summary.independents is not None else []) + \
        list(appointed)
    for index, member in enumerate(members):
        if member not in known:
            close = difflib.get_close_matches(member, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            raise InvalidValue("coalition", member, f"names no list of this result; {hint}")
        if member in members[:index]:
            raise InvalidValue("coalition", "+".join(members),
                               f"names {member!r} twice: each member counts once")
