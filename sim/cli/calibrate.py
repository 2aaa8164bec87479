"""``elsim calibrate``: fit the poll error model to past polls and counts."""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.group import main
from sim.errors import SimError
from sim.inference.calibrate import Fit, fit_changes, fit_errors
from sim.inference.fragment import fragment
from sim.inference.history import poll_misses, read_polls
from sim.law.tally import load_tally, official_shares
from sim.output.files import atomic_write
from sim.output.text import render


def _pairs(values, option: str) -> dict[str, str]:
    """``NAME=VALUE`` options as a dict; a name given twice is refused (which to take?)."""
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise SimError(f"{option} {value!r}: must be NAME=VALUE")
        if key in pairs:
            raise SimError(f"{option} {value!r}: {key} is already given "
                           f"({option} {key}={pairs[key]}); give each name once")
        pairs[key] = rest
    return pairs


@main.command("calibrate")
@click.argument("polls", type=click.Path(dir_okay=False))
@click.option("--tally", "tallies", multiple=True, required=True, metavar="ELECTION=FILE",
              help="The count of an election of the polls file (repeat for each election).")
@click.option("--bloc", required=True, metavar="ID=LIST,LIST",
              help="The bloc whose house effects are estimated, and its lists' ids.")
@click.option("--leave-out", multiple=True, metavar="ELECTION",
              help="Fit without this election's polls (for an honest backtest of it).")
@click.option("--history", "history", multiple=True, metavar="ELECTION=FILE",
              help="The count of an election without polls, for the structural prior "
                   "(repeat; elections are taken in the order of their names).")
@click.option("--successor", "successors", multiple=True, metavar="OLD=NEW",
              help="List OLD of an election is list NEW of the next (a renamed list; both "
                   "ids of a count given).")
@click.option("--default-n", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Respondents assumed for a poll that publishes no sample size.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the TOML here "
              "(else print it).")
def calibrate_command(polls, tallies, bloc, leave_out, history, successors, default_n, out):
    """Estimate the poll error model ([model.error]) from POLLS, a CSV of past polls.

    Every pre-election poll of an election given with --tally is compared with its count
    on the log scale; the election-level and source-level sds and each source kind's house
    effect on the bloc get a posterior under weakly informative priors, passed on as draws
    (docs/backtest.md). With --history (or --successor), the official results of every
    election given also fit the structural prior ([model.structural]): how a list's share
    moves from one election to the next. Elections are ordered by their names (so name
    them to sort in time: KZ2016 before KZ2021); each change is between two neighbours.
    """
    named = _pairs(tallies, "--tally")
    unknown = [e for e in leave_out if e not in named]
    if unknown:
        raise SimError(f"--leave-out {unknown[0]!r}: not an election given with --tally "
                       f"({', '.join(named)})")
    bloc_id, members = next(iter(_pairs([bloc], "--bloc").items()))
    rows = read_polls(polls)
    counts = {e: load_tally(path) for e, path in named.items() if e not in leave_out}
    misses = poll_misses(rows, counts, bloc=frozenset(members.split(",")),
                         default_n=default_n, file=polls)
    kinds = {row["source_kind"]: 0 for row in rows}
    for miss in misses:
        kinds[miss.kind] += 1
    fit = fit_errors(misses, tuple(sorted(kinds)))
    structural = None
    if history or successors:
        extra = _pairs(history, "--history")
        both = [e for e in extra if e in named]
        if both:
            raise SimError(f"--history {both[0]}={extra[both[0]]}: {both[0]} is already given "
                           f"with --tally ({named[both[0]]}); give each election once")
        structural = _changes({**named, **extra}, _pairs(successors, "--successor"),
                              frozenset(members.split(",")), leave_out)
    command = " ".join(["elsim calibrate", polls, *(f"--tally {e}={p}" for e, p in named.items()),
                        f"--bloc {bloc}", *(f"--leave-out {e}" for e in leave_out),
                        *(f"--history {h}" for h in history),
                        *(f"--successor {s}" for s in successors),
                        f"--default-n {default_n}"])
    text = fragment(fit, bloc=bloc_id, kinds=kinds, command=command, left_out=tuple(leave_out),
                    structural=structural)
    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(Path(out), text)
    rows_out = [[name, f"{getattr(fit, name):.3f}", f"{low:.3f}-{high:.3f}"]
                for name, (low, high) in fit.intervals.items()]
    rows_out += [[f"house effect {kind} on {bloc_id}", f"{fit.house[kind]:+.3f}",
                  f"sd {fit.house_se[kind]:.3f}"] for kind in sorted(kinds)]
    if structural is not None:
        low, high = structural.intervals["election_sd"]
        rows_out += [["structural change_sd", f"{structural.election_sd:.3f}",
                      f"{low:.3f}-{high:.3f}"],
                     [f"structural drift of {bloc_id}", f"{structural.house['drift']:+.3f}",
                      f"sd {structural.house_se['drift']:.3f}"]]
    click.echo(f"{out}: {fit.polls} polls of {', '.join(fit.elections)}")
    click.echo(render(["parameter (log scale)", "posterior median", "90% interval"], rows_out))


def _changes(files: dict[str, str], successors: dict[str, str], bloc: frozenset[str],
             leave_out) -> Fit:
    """The structural prior fitted to consecutive elections' counts (in the order of their
    names), leaving out both changes that involve a left-out election; the record names
    only the elections of the changes kept."""
    elections = sorted(files)
    shares = {e: official_shares(load_tally(files[e])) for e in elections}
    lists = {o for found in shares.values() for o in found}
    for old, new in successors.items():
        for name in (old, new):
            if name not in lists:
                raise SimError(f"--successor {old}={new}: {name} is no list of the counts "
                               f"given ({', '.join(elections)})")
    pairs, used = [], set()
    for before, after in zip(elections, elections[1:]):
        if before in leave_out or after in leave_out:
            continue
        renamed = {successors.get(o, o) if o not in shares[after] else o: v
                   for o, v in shares[before].items()}
        pairs.append((renamed, shares[after]))
        used |= {before, after}
    return fit_changes(pairs, bloc | frozenset(successors.get(o, o) for o in bloc),
                       tuple(sorted(used)))
