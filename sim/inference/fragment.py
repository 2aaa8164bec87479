"""The TOML fragment ``elsim calibrate`` writes: ``[model.error]`` for scenarios to extend.

The sds are passed on with their uncertainty as triangular distributions over their 90%
profile-likelihood intervals (mode at the estimate), the house effects as normals (estimate,
standard error): each draw of a scenario then takes its own values, so the intervals it
prints include what the calibration does not know.
"""

from __future__ import annotations

from sim.inference.calibrate import PRIOR_SD, Fit

MIN_WIDTH = 1e-3  # numpy's triangular needs low < high


def _triangular(fit: Fit, name: str) -> str:
    low, high = fit.intervals[name]
    mode = getattr(fit, name)
    low, mode = min(low, mode), max(mode, low)
    high = max(high, mode, low + MIN_WIDTH)
    return f"{{ triangular = [{low:.3f}, {mode:.3f}, {high:.3f}] }}"


def fragment(fit: Fit, *, bloc: str, kinds: dict[str, int], command: str,
             left_out: tuple[str, ...] = ()) -> str:
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
    """
    low, high = fit.intervals["total_sd"]
    note = (f"Fitted by maximum likelihood to {fit.polls} pre-election polls of "
            f"{', '.join(fit.elections)}"
            + (f" (left out: {', '.join(left_out)})" if left_out else "")
            + f"; one source misses a list's log share by sd {fit.total_sd:.2f} "
            f"(90% interval {low:.2f}-{high:.2f}). docs/backtest.md")
    lines = [
        "# Written by `elsim calibrate`; do not edit by hand. Made with:",
        f"#   {command}",
        "# The poll error model on the log scale of each list's vote share, fitted to the polls of",
        "# past elections against their counts (the elsim documentation, docs/model.md and",
        "# docs/backtest.md in the repository).",
        "# Sds: triangular over the 90% profile-likelihood interval, mode at the estimate.",
        "# House effects (what a kind of source leans towards the bloc, log scale): normal",
        f"# (estimate, standard error); prior normal(0, {PRIOR_SD}), so a kind without",
        "# comparable polls keeps that prior.",
        "[model.error]",
        f"election_sd = {_triangular(fit, 'election_sd')}"
        f"  # estimate {fit.election_sd:.3f}",
        f"source_sd = {_triangular(fit, 'source_sd')}  # estimate {fit.source_sd:.3f}",
        f'note = "{note}"',
    ]
    for kind, polls in sorted(kinds.items()):
        mean, se = fit.house.get(kind, 0.0), fit.house_se.get(kind, PRIOR_SD)
        lines += ["", f"[model.error.kinds.{kind}]  # {polls} poll(s) compared",
                  f"house_effects = {{ {bloc} = {{ normal = [{mean:.3f}, {se:.3f}] }} }}"]
    return "\n".join(lines) + "\n"
