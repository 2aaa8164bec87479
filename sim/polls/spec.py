"""Poll sources, polls and the poll model, as a scenario's ``[sources]``, ``[[poll]]`` and
``[model]`` tables state them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.ballot import UNDECIDED
from sim.errors import ScenarioError
from sim.limits import MAX_DESIGN_EFFECT, MAX_HALF_LIFE_DAYS, MAX_POLL_SIZE, MAX_PRIOR, MAX_WEIGHT
from sim.tables import Table

SHARE_ROUNDING = 0.005  # published shares may add up to a little over 100%


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A poll source: who polled, how much we believe it, and how it leans."""

    id: str
    name: str
    weight: float
    house_effects: dict[str, float]
    fill: dict[str, float]
    half_life_days: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Poll:
    """One published poll: shares of respondents per option, ``undecided`` included."""

    source: str
    pollster: str | None
    fieldwork_end: dt.date | None
    n: int
    design_effect: float
    shares: dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """How poll sources become support draws."""

    combine: str
    systematic_sd: float
    undecided: str | dict[str, float]
    flat_prior: float
    election_date: dt.date | None


def _shares_table(table: Table, name: str, allowed: tuple[str, ...], *, low: float = 0.0,
                  high: float = 1.0) -> dict[str, float]:
    """A table of option → number, each option known and each number in range."""
    shares = table.table(name)
    shares.check_names(allowed)
    return {option: shares.number(option, low=low, high=high) for option in shares.names()}


def read_sources(table: Table, list_ids: tuple[str, ...],
                 options: tuple[str, ...]) -> tuple[Source, ...]:
    sources = []
    for source_id, entry in table.entries():
        entry.check_keys(("name", "weight", "house_effects", "fill", "half_life_days"))
        sources.append(Source(
            id=source_id, name=entry.string("name", source_id),
            weight=entry.number("weight", 1.0, low=0.0, high=MAX_WEIGHT),
            house_effects=_shares_table(entry, "house_effects", list_ids, low=-100, high=100),
            fill=_shares_table(entry, "fill", options),
            half_life_days=entry.number("half_life_days", low=0.001,
                                        high=MAX_HALF_LIFE_DAYS)))
    if not sources:
        raise ScenarioError("sources", {}, "must declare at least one poll source")
    if sum(source.weight for source in sources) <= 0:
        raise ScenarioError("sources", {s.id: s.weight for s in sources},
                            "weights must not all be zero")
    return tuple(sources)


def read_model(table: Table, list_ids: tuple[str, ...]) -> Model:
    table.check_keys(("combine", "systematic_sd", "undecided", "flat_prior", "election_date"))
    undecided = table.raw("undecided", "proportional")
    if isinstance(undecided, dict):
        split = _shares_table(table, "undecided", list_ids)
        if sum(split.values()) > 1 + SHARE_ROUNDING:
            raise table.error("undecided", undecided, "the split must not exceed 1")
        undecided = split
    else:
        table.string("undecided", choices=("proportional", "abstain"))
    election_date = table.raw("election_date")
    if isinstance(election_date, dt.datetime) or (
            election_date is not None and not isinstance(election_date, dt.date)):
        raise table.error("election_date", election_date, "must be a date (2021-01-10)")
    return Model(
        combine=table.string("combine", "mixture", choices=("mixture", "pooled")),
        systematic_sd=table.number("systematic_sd", 0.0, low=0.0, high=5.0),
        undecided=undecided,
        flat_prior=table.number("flat_prior", 0.5, low=0.0, high=MAX_PRIOR),
        election_date=election_date,
    )


def read_polls(top: Table, sources: dict[str, Source], options: tuple[str, ...],
           model: Model) -> tuple[Poll, ...]:
    polls = []
    for entry in top.tables("poll"):
        entry.check_keys(("source", "pollster", "fieldwork", "n", "design_effect", "shares",
                          "url"))
        source = entry.string("source", required=True)
        entry.member("source", source, sources, "source in [sources]")
        shares = _shares_table(entry, "shares", options + (UNDECIDED,))
        filled = {**sources[source].fill, **shares}
        if not set(shares) - {UNDECIDED}:
            raise entry.error("shares", shares, "must give at least one list's share")
        if sum(filled.values()) > 1 + SHARE_ROUNDING:
            raise entry.error("shares", shares,
                              "shares (with the source's fill) must not add up to more than 1")
        if sum(filled.get(option, 0.0) for option in options) <= 0:
            raise entry.error("shares", shares, "must give some option a positive share")
        missing = [option for option in options if option not in filled]
        if missing:
            raise entry.error("shares", shares, f"gives no share for {', '.join(missing)}: "
                              f"add them or a fill in [sources.{source}]")
        fieldwork_end = _fieldwork_end(entry)
        if None not in (fieldwork_end, model.election_date) and \
                fieldwork_end > model.election_date:
            raise entry.error("fieldwork", entry.raw("fieldwork"), "must not end after "
                              f"model.election_date ({model.election_date})")
        if sources[source].half_life_days is not None and (
                fieldwork_end is None or model.election_date is None):
            raise entry.error("fieldwork", entry.raw("fieldwork"),
                              "a source with half_life_days needs every poll's fieldwork "
                              "date and model.election_date")
        polls.append(Poll(source=source, pollster=entry.string("pollster"),
                          fieldwork_end=fieldwork_end, n=entry.integer("n", required=True, low=1,
                                                                  high=MAX_POLL_SIZE),
                          design_effect=entry.number("design_effect", 1.5, low=1.0,
                                                     high=MAX_DESIGN_EFFECT),
                          shares=filled))
    if not polls:
        raise ScenarioError("poll", [], "must give at least one poll ([[poll]])")
    for source in sources:
        if not any(poll.source == source for poll in polls):
            raise ScenarioError(f"sources.{source}", None, "has no poll ([[poll]] source = ...)")
    return tuple(polls)


def _fieldwork_end(entry: Table) -> dt.date | None:
    """The last fieldwork day: a date, or a string "YYYY-MM-DD/YYYY-MM-DD"."""
    value = entry.raw("fieldwork")
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.split("/")[-1].strip())
        except ValueError:
            pass
    raise entry.error("fieldwork", value, 'must be a date or "YYYY-MM-DD/YYYY-MM-DD"')
