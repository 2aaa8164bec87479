"""``elsim calibrate-districts``: fit a scenario's district spread from a later election."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from sim.cli.group import main
from sim.districts.calibrate import fit_spread
from sim.districts.profile import MultiMemberDistricts, district_key, observed_by_list
from sim.errors import SimError
from sim.law.tally import load_tally
from sim.output.files import atomic_write
from sim.scenario import load_scenario


@main.command("calibrate-districts")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--observed", required=True, type=click.Path(dir_okay=False),
              help="A later election's districts tally, with the same districts.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the bootstrap of districts.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write the TOML here (else print it).")
def calibrate_districts_command(scenario, observed, seed, out):
    """Fit the district spread of SCENARIO's multi-member districts ([districts] with a
    profile) from how far the OBSERVED election's districts moved beyond its swing.

    The profile is carried to the observed election's national shares; the residuals of its
    district shares give the spread (sim/districts/calibrate.py has the equation), with a
    90% interval from resampling districts. The TOML written is a [districts] spread for
    scenarios to extend.
    """
    loaded = load_scenario(scenario)
    tier = loaded.districts
    if not isinstance(tier, MultiMemberDistricts):
        raise SimError(f"{scenario}: districts: calibrate-districts needs multi-member "
                       'districts ([districts] kind = "multi-member")')
    tally = load_tally(observed)
    keys = {district_key(d.name) for d in tally.pr_districts}
    missing = [name for name in tier.names if district_key(name) not in keys]
    if missing:
        raise SimError(f"{observed}: district {missing[0]!r} of the profile is missing")
    # Mapped to the scenario's lists as the backtest maps it: each candidacy counts once.
    votes, _seats = observed_by_list(tally, loaded.list_ids, loaded.ballot.aggregates,
                                     tier.proxy_sets(), tier.names)
    parties = np.array([item not in loaded.ballot.aggregates for item in loaded.list_ids])
    fit = fit_spread(tier, votes, parties, rng=np.random.default_rng(seed))
    text = fit.fragment(f"elsim calibrate-districts {scenario} --observed {observed} "
                        f"--seed {seed}: the profile {tier.profile_file} carried by its "
                        f"{tier.swing} swing to the observed national shares")
    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(Path(out), text)
    click.echo(f"{out}: district spread {fit.estimate:.3f} (90% interval {fit.low:.3f}-"
               f"{fit.high:.3f}), {fit.cells} cells of {fit.districts} districts")
