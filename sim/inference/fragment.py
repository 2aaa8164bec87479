"""The TOML fragment ``elsim calibrate`` writes: ``[model.error]`` for scenarios to extend.

The sds are passed on as their paired posterior draws (a list of numbers: each Monte
Carlo draw of a scenario takes one pair), the house effects as normals (posterior mean and
sd): each draw of a scenario then takes its own values, so the intervals it prints include
what the calibration does not know.
"""

from __future__ import annotations

from sim.inference.calibrate import CHANGE_PRIOR_SCALE, PRIOR_SD, SD_PRIOR_SCALE, Fit
from sim.polls.structural import CHANGE_POWER


def _draws(values) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "]"


def fragment(fit: Fit, *, bloc: str, kinds: dict[str, int], command: str,
             left_out: tuple[str, ...] = (), structural: Fit | None = None) -> str:
    """The calibration file's text.

    Parameters
    ----------
    fit : Fit
    bloc : str
        The bloc id the house effects are keyed on in the scenarios.
    kinds : dict of str to int
        Every kind named in the polls file and how many of its polls were compared.
    command : str
        The command line that made the file (recorded in its header).
    left_out : tuple of str
        Elections left out of the fit.
    structural : Fit or None
        The structural prior's fit (:func:`sim.inference.calibrate.fit_changes`), written as
        ``[model.structural]``: a scenario uses it by naming its ``previous`` result.
    """
    low, high = fit.intervals["total_sd"]
    note = (f"Posterior from {fit.polls} pre-election polls of {', '.join(fit.elections)}"
            + (f" (left out: {', '.join(left_out)})" if left_out else "")
            + f"; one source misses a list's log share by sd {fit.total_sd:.2f} "
            f"(median; 90% interval {low:.2f}-{high:.2f}). docs/backtest.md")
    summary = {name: f"median {getattr(fit, name):.3f}, 90% {lo:.3f}-{hi:.3f}"
               for name, (lo, hi) in fit.intervals.items()}
    lines = [
        "# Written by `elsim calibrate`; do not edit by hand. Made with:",
        f"#   {command}",
        "# The poll error model on the log scale of each list's vote share, fitted to the polls of",
        "# past elections against their counts (the elsim documentation, docs/model.md and",
        "# docs/backtest.md in the repository).",
        f"# Sds: {fit.draws.shape[1]} paired draws of their posterior under half-normal priors "
        f"of scale {SD_PRIOR_SCALE:g}",
        "# (each Monte Carlo draw takes one pair: draw j of election_sd goes with draw j of",
        "# source_sd). House effects (what a kind of source leans towards the bloc, log",
        "# scale): normal (posterior mean and sd); prior normal(0, "
        f"{PRIOR_SD}), so a kind without",
        "# comparable polls keeps that prior.",
        "[model.error]",
        f"# election_sd: {summary['election_sd']}",
        f"election_sd = {_draws(fit.draws[0])}",
        f"# source_sd: {summary['source_sd']}",
        f"source_sd = {_draws(fit.draws[1])}",
        f'note = "{note}"',
    ]
    for kind, polls in sorted(kinds.items()):
        mean, se = fit.house.get(kind, 0.0), fit.house_se.get(kind, PRIOR_SD)
        lines += ["", f"[model.error.kinds.{kind}]  # {polls} poll(s) compared",
                  f"house_effects = {{ {bloc} = {{ normal = [{mean:.3f}, {se:.3f}] }} }}"]
    if structural is not None:
        lines += _structural(structural, bloc)
    return "\n".join(lines) + "\n"


def _structural(fit: Fit, bloc: str) -> list[str]:
    low, high = fit.intervals["election_sd"]
    drift, drift_sd = fit.house["drift"], fit.house_se["drift"]
    return [
        "",
        "# The structural prior: a list's previous official share with a calibrated change,",
        "# fitted to consecutive elections' counts (" + ", ".join(fit.elections) + "). A list of",
        f"# previous share p moves by change_sd^2 (1 - p) / p^{CHANGE_POWER:g} on the log "
        "scale, the bloc's",
        f"# lists by a drift besides. change_sd: {fit.draws.shape[1]} draws of its posterior, "
        f"half-normal prior of scale {CHANGE_PRIOR_SCALE:g}.",
        "# A scenario uses it by naming its previous result: previous = \"<tally file>\".",
        "[model.structural]",
        f"# change_sd: median {fit.election_sd:.3f}, 90% {low:.3f}-{high:.3f}",
        f"change_sd = {_draws(fit.draws[0])}",
        f"drift = {{ {bloc} = {{ normal = [{drift:.3f}, {drift_sd:.3f}] }} }}",
        f'note = "Fitted to the counts of {", ".join(fit.elections)} ({fit.polls} changes); '
        f'change_sd {fit.election_sd:.2f} (90% {low:.2f}-{high:.2f}), drift of {bloc} '
        f'{drift:+.2f} (sd {drift_sd:.2f}). docs/backtest.md"',
    ]
