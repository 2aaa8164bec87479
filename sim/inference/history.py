"""Past polls against past counts: what each published poll missed, on the log scale.

A polls file is a CSV with one row per (poll, reported option); the columns read here are
``election, kind, pollster, fieldwork, sample_size, share_pct`` and four that say how to
compare the row with a count: ``list`` (the option id in the election's tally file, or
``undecided`` / ``other``), ``source_id`` (one id for a pollster's waves), ``source_kind``
(the kind whose house effects the source shares) and ``share_of`` (``votes`` when the shares
are of decided voters, so that what the poll leaves is the other lists' share; otherwise
``respondents``). Only rows of ``kind = poll`` are read: exit polls are not forecasts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import FileProblem, ScenarioError
from sim.law.tally import Tally, official_shares
from sim.polls.spec import DESIGN_EFFECT

COLUMNS = ("election", "kind", "pollster", "fieldwork", "sample_size", "share_pct", "list",
           "source_id", "source_kind", "share_of")
NOT_COMPARED = ("undecided", "other")  # no count says how these respondents voted


@dataclass(frozen=True, slots=True, kw_only=True)
class PollMiss:
    """One poll against its election's count, over the categories it can be compared on.

    Attributes
    ----------
    election, source, kind : str
    n : float
        Effective sample size (respondents / design effect).
    labels : tuple of str, shape (k,)
        Option ids; ``rest:a,b`` is the options a poll of decided voters left unreported.
    poll, official : ndarray of float, shape (k,)
        The poll's shares (of its own base) and the count's shares of the same categories.
    ruling : ndarray of bool, shape (k,)
        Categories in the bloc whose house effect is estimated.
    """

    election: str
    source: str
    kind: str
    n: float
    labels: tuple[str, ...]
    poll: np.ndarray
    official: np.ndarray
    ruling: np.ndarray

    @property
    def miss(self) -> np.ndarray:
        """log(poll share) - log(official share), shape (k,); only differences matter."""
        return np.log(self.poll) - np.log(self.official)


def read_polls(path: str | Path) -> list[dict[str, str]]:
    """The pre-election poll rows of a polls file, checked for the columns it needs."""
    file = str(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})", file=file) from None
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ScenarioError("columns", missing, "a polls file needs the columns "
                            + ", ".join(COLUMNS), file=file)
    for number, row in enumerate(rows, start=2):
        where = f"line {number}"
        try:
            share = float(row["share_pct"])
        except ValueError:
            raise ScenarioError(f"{where}, share_pct", row["share_pct"], "must be a number",
                                file=file) from None
        if not 0 <= share <= 100:
            raise ScenarioError(f"{where}, share_pct", share, "must be between 0 and 100",
                                file=file)
        if row["share_of"] not in ("votes", "respondents"):
            raise ScenarioError(f"{where}, share_of", row["share_of"],
                                "must be 'votes' or 'respondents'", file=file)
        if row["sample_size"] and not row["sample_size"].isdigit():
            raise ScenarioError(f"{where}, sample_size", row["sample_size"],
                                "must be a whole number or empty", file=file)
    return [row for row in rows if row["kind"] == "poll"]


def poll_misses(rows: list[dict[str, str]], tallies: dict[str, Tally], *,
                bloc: frozenset[str], default_n: int, file: str = "") -> list[PollMiss]:
    """Every poll of an election with a tally, compared on the categories it reports.

    A poll needs two comparable categories (a lone figure of respondents is unusable: its
    base is unknown); a share of 0 in the poll or the count is not compared (no log).
    Polls without a sample size get ``default_n`` respondents.
    """
    polls: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in rows:
        if row["election"] in tallies:
            polls.setdefault((row["election"], row["pollster"], row["fieldwork"]), []).append(row)
    misses = []
    for (election, pollster, _), group in polls.items():
        official = official_shares(tallies[election])
        reported = {}
        for row in group:
            if row["list"] in NOT_COMPARED:
                continue
            if row["list"] not in official:
                raise ScenarioError(f"{election}, {pollster}, list", row["list"],
                                    "names no option of the election's tally "
                                    f"({', '.join(official)})", file=file)
            if float(row["share_pct"]) > 0 and official[row["list"]] > 0:  # logs defined
                reported[row["list"]] = float(row["share_pct"]) / 100
        shares = dict(official)
        if group[0]["share_of"] == "votes":
            rest = [o for o in official if o not in reported]
            if rest and sum(reported.values()) < 1:
                label = "rest:" + ",".join(rest)
                reported[label] = 1 - sum(reported.values())
                shares[label] = sum(official[o] for o in rest)
        if len(reported) < 2:
            continue
        labels = tuple(reported)
        size = group[0]["sample_size"]
        misses.append(PollMiss(
            election=election, source=group[0]["source_id"], kind=group[0]["source_kind"],
            n=(int(size) if size else default_n) / DESIGN_EFFECT, labels=labels,
            poll=np.array([reported[k] for k in labels]),
            official=np.array([shares[k] for k in labels]),
            ruling=np.array([k in bloc for k in labels])))
    return misses
