"""Poll sources, polls and the poll model, as a scenario's ``[sources]``, ``[[poll]]`` and
``[model]`` tables state them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.ballot import UNDECIDED
from sim.errors import ScenarioError, ScenarioProblems
from sim.limits import MAX_DESIGN_EFFECT, MAX_HALF_LIFE_DAYS, MAX_POLL_SIZE, MAX_PRIOR, MAX_WEIGHT
from sim.params import Param
from sim.polls.structural import PreviousShares, Structural, read_structural
from sim.polls.survey_error import ErrorModel, read_error, read_house_effects
from sim.tables import Table

POLL_KINDS = ("poll", "recall")  # a recall poll may end after the election (docs/scenarios.md)
SHARE_ROUNDING = 0.005  # published shares may add up to a little over 100%
DESIGN_EFFECT = 1.5  # a common figure for clustered national samples (docs/model.md)
DEFAULT_FILL_STRENGTH = 10.0  # pseudo-respondents behind a fill (docs/model.md, "Why 10")


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A poll source: who polled, how much we believe it, and how it leans."""

    id: str
    name: str
    weight: float
    kind: str | None
    house_effects: dict[str, Param]  # by option or bloc id, log scale: what the source leans
    fill: dict[str, float]  # shares of all respondents for options its polls leave out
    fill_strength: float | None  # None: the model's
    half_life_days: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Poll:
    """One published poll: shares of respondents per option, ``undecided`` included, with
    the source's fill for the options it does not report."""

    source: str
    pollster: str | None
    fieldwork_end: dt.date | None
    n: int
    design_effect: float
    design_effect_stated: bool
    shares: dict[str, float]
    reported: tuple[str, ...]  # what the poll itself gave (options, maybe "undecided")
    kind: str = "poll"  # or "recall": asked after the election how people voted (backtests)


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """How poll sources become support draws."""

    combine: str
    between_sd: float | None  # pooled: None estimates it from the sources
    undecided: str | dict[str, float]
    flat_prior: float
    fill_strength: float
    error: ErrorModel
    election_date: dt.date | None
    structural: Structural


def _shares_table(table: Table, name: str, allowed: tuple[str, ...]) -> dict[str, float]:
    """A table of option → share, each option known and each share in [0, 1]; every bad
    entry is reported, not only the first."""
    shares = table.table(name)
    known = list(allowed)
    result: dict[str, float] = {}
    problems: list[ScenarioError] = []
    for option in shares.names():
        try:
            shares.check_name(option, known)
            result[option] = shares.number(option, required=True, low=0.0, high=1.0)
        except ScenarioError as error:
            problems.append(error)
    if problems:
        raise ScenarioProblems(problems) if len(problems) > 1 else problems[0]
    return result


UNASSIGNED_WARNING = 0.05  # a poll leaving more of its respondents unassigned gets a warning


def poll_warnings(polls: tuple[Poll, ...], options: tuple[str, ...]) -> list[str]:
    """Polls that leave a large part of the respondents unassigned where that is probably
    not meant: valid (they count as undecided), but often a typing slip (0.021 for 0.21),
    or a fill written as a split of what the poll leaves. A poll that reports no undecided
    and leaves options to its source's fill leaves the rest on purpose."""
    warnings = []
    for index, poll in enumerate(polls):
        left = 1.0 - sum(poll.shares.values())
        if left <= UNASSIGNED_WARNING:
            continue
        complete = set(options) <= set(poll.reported)
        if complete and UNDECIDED not in poll.reported:
            warnings.append(f"poll[{index}].shares: {left:.0%} of the respondents are "
                            "given to no list and not to undecided, so they count as "
                            f"undecided; if a share was mistyped, correct it, else write "
                            f"undecided = {left:.3g}")
        elif not complete and UNDECIDED in poll.reported:
            filled = sorted(set(poll.shares) - set(poll.reported))
            leaves = 1.0 - sum(poll.shares[key] for key in poll.reported)
            warnings.append(f"poll[{index}].shares: {left:.0%} of the respondents are "
                            "given to no list, not to undecided and not by the fill of "
                            f"[sources.{poll.source}] ({', '.join(filled)}), so they are "
                            "assumed undecided; a fill is a share of all respondents, not a "
                            "split of what the poll leaves: if it was meant as one, give "
                            f"it as shares that add up to {leaves:.3g}")
    return warnings


def read_sources(table: Table, options: tuple[str, ...], bloc_ids: tuple[str, ...],
                 model: Model) -> tuple[Source, ...]:
    """``[sources]``: house effects may name options or blocs, ``kind`` a kind of the
    model's error model."""
    sources = []
    for source_id, entry in table.entries():
        entry.check_keys(("name", "weight", "kind", "house_effects", "fill", "fill_strength",
                          "half_life_days"))
        kind = entry.string("kind")
        if kind is not None:
            entry.member("kind", kind, model.error.kinds, "kind in [model.error.kinds]")
        fill = _shares_table(entry, "fill", options)
        for option, share in fill.items():
            if share <= 0:
                raise entry.table("fill").error(option, share, "must be above 0: a fill is "
                                                "a share you assume (a small one for a tiny list)")
        sources.append(Source(
            id=source_id, name=entry.string("name", source_id),
            weight=entry.number("weight", 1.0, low=0.0, high=MAX_WEIGHT), kind=kind,
            house_effects=read_house_effects(entry, "house_effects", options + bloc_ids),
            fill=fill, fill_strength=entry.number("fill_strength", low=0.001, high=MAX_PRIOR),
            half_life_days=entry.number("half_life_days", low=0.001,
                                        high=MAX_HALF_LIFE_DAYS)))
    if not sources:
        raise ScenarioError("sources", {}, "must declare at least one poll source")
    if sum(source.weight for source in sources) <= 0:
        raise ScenarioError("sources", {s.id: s.weight for s in sources},
                            "weights must not all be zero")
    return tuple(sources)


MIN_POOLED_PRIOR = 0.01  # keeps exp(digamma(alpha)) of an empty option far from underflow


def read_model(table: Table, options: tuple[str, ...], bloc_ids: tuple[str, ...], *,
               previous_shares: PreviousShares) -> Model:
    """``[model]`` with its ``[model.error]``; ``systematic_sd`` is refused with a pointer to
    what replaced it. ``previous_shares`` reads the structural prior's previous count."""
    table.check_keys(("combine", "between_sd", "undecided", "flat_prior", "fill_strength",
                      "error", "election_date", "systematic_sd", "structural"))
    if "systematic_sd" in table:
        raise table.error("systematic_sd", table.raw("systematic_sd"),
                          "was replaced by [model.error] (election_sd, source_sd): see "
                          "docs/model.md")
    undecided = table.raw("undecided", "proportional")
    if isinstance(undecided, dict):
        split = _shares_table(table, "undecided", options)
        if sum(split.values()) > 1 + SHARE_ROUNDING:
            raise table.error("undecided", undecided, "the split must not exceed 1")
        undecided = split
    else:
        table.string("undecided", choices=("proportional", "abstain"))
    election_date = table.date("election_date", "2021-01-10")
    combine = table.string("combine", "mixture", choices=("mixture", "pooled"))
    flat_prior = table.number("flat_prior", 0.5, low=0.0, high=MAX_PRIOR)
    if combine == "pooled" and flat_prior < MIN_POOLED_PRIOR:
        # An option's log share has mean digamma(alpha), about -1 / alpha for a small one.
        raise table.error("flat_prior", table.raw("flat_prior"), f"must be at least "
                          f"{MIN_POOLED_PRIOR:g} with combine = \"pooled\" (an option no poll "
                          "gives votes to has a log share of about -1 / flat_prior, too small "
                          "for the pooling's arithmetic below that)")
    return Model(
        combine=combine, between_sd=_between_sd(table), undecided=undecided,
        flat_prior=flat_prior,
        fill_strength=table.number("fill_strength", DEFAULT_FILL_STRENGTH, low=0.001,
                                   high=MAX_PRIOR),
        error=read_error(table.table("error"), options + bloc_ids),
        election_date=election_date,
        structural=read_structural(table.table("structural"), options, options + bloc_ids,
                                   previous_shares=previous_shares),
    )


def _between_sd(table: Table) -> float | None:
    """``"estimate"`` (None) or a declared between-source sd on the log scale."""
    if isinstance(table.raw("between_sd"), str):
        table.string("between_sd", choices=("estimate",))
        return None
    return table.number("between_sd", low=0.0, high=5.0)


def read_polls(top: Table, sources: dict[str, Source], options: tuple[str, ...],
           model: Model) -> tuple[Poll, ...]:
    polls = []
    for entry in top.tables("poll"):
        entry.check_keys(("source", "pollster", "fieldwork", "n", "design_effect", "shares",
                          "url", "kind"))
        source = entry.string("source", required=True)
        entry.member("source", source, sources, "source in [sources]")
        shares = _shares_table(entry, "shares", options + (UNDECIDED,))
        filled = {**sources[source].fill, **shares}
        if not set(shares) - {UNDECIDED}:
            raise entry.error("shares", shares, "must give at least one list's share")
        if sum(filled.values()) > 1 + SHARE_ROUNDING:
            raise entry.error("shares", shares, _too_much(shares, filled, source))
        if sum(filled.get(option, 0.0) for option in options) <= 0:
            raise entry.error("shares", shares, "must give some option a positive share")
        missing = [option for option in options if option not in filled]
        if missing:
            raise entry.error("shares", shares, f"gives no share for {', '.join(missing)}: "
                              f"add them or a fill in [sources.{source}]")
        fieldwork_end = _fieldwork_end(entry)
        kind = entry.string("kind", "poll", choices=POLL_KINDS)
        if fieldwork_end is not None and model.election_date is not None and \
                fieldwork_end > model.election_date and kind != "recall":
            raise entry.error("fieldwork", entry.raw("fieldwork"), "must not end after "
                              f"model.election_date ({model.election_date}) for a forecast; "
                              'a poll asking after the election how people voted is a recall '
                              'poll: mark it kind = "recall" (for backtests)')
        if sources[source].half_life_days is not None and (
                fieldwork_end is None or model.election_date is None):
            raise entry.error("fieldwork", entry.raw("fieldwork"),
                              "a source with half_life_days needs every poll's fieldwork "
                              "date and model.election_date")
        polls.append(Poll(source=source, pollster=entry.string("pollster"),
                          fieldwork_end=fieldwork_end,
                          n=entry.integer("n", required=True, low=1, high=MAX_POLL_SIZE),
                          design_effect=entry.number("design_effect", DESIGN_EFFECT, low=1.0,
                                                     high=MAX_DESIGN_EFFECT),
                          design_effect_stated="design_effect" in entry,
                          shares=filled, reported=tuple(shares), kind=kind))
    if not polls:
        raise ScenarioError("poll", [], "must give at least one poll ([[poll]])")
    for source in sources:
        if not any(poll.source == source for poll in polls):
            raise ScenarioError(f"sources.{source}", None, "has no poll ([[poll]] source = ...)")
    return tuple(polls)


def _too_much(shares: dict[str, float], filled: dict[str, float], source: str) -> str:
    """Why a poll's shares with its source's fill are refused: which shares are too large."""
    given = sum(shares.values())
    total = f"must not add up to more than 1 (they add up to {sum(filled.values()):.4g})"
    if given > 1 + SHARE_ROUNDING:
        return f"the poll's own shares {total}"
    fill = {option: share for option, share in filled.items() if option not in shares}
    listed = ", ".join(f"{option} {share:.4g}" for option, share in fill.items())
    return (f"shares with the fill of [sources.{source}] {total}: the poll leaves "
            f"{max(0.0, 1 - given):.4g} of its respondents, and the fill gives {listed} on "
            "top; a fill is a share of all respondents, as a poll's shares are: lower it to "
            "what the poll leaves")


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
