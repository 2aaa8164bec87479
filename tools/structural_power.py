"""The structural prior's power of ``p`` by the log evidence of the Kazakh counts, per
leave-out (docs/backtest.md, "The structural prior").

    python tools/structural_power.py

For each set of changes (all four, and without each backtested election) and each power
0, 1/4, 1/2, 3/4, 1 of ``tau^2 = change_sd^2 (1 - p) / p^power``: the log of the grid
posterior's normalising constant under the calibration's priors (its coarse grid), minus
that of the prior alone. Rows compare powers; the constant differs between rows.
"""

from __future__ import annotations

import numpy as np

import sim.polls.structural as structural
from sim.inference import calibrate
from sim.law.tally import load_tally, official_shares

FILES = {f"KZ{year}": f"scenarios/history/kz-{year}.toml"
         for year in (2007, 2012, 2016, 2021, 2023)}
SUCCESSORS = {"cppk": "peoples-party", "birlik": "adal", "nur-otan": "amanat"}
BLOC = frozenset({"nur-otan", "amanat"})
POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _logsumexp(values: np.ndarray) -> float:
    top = values.max()
    return float(top + np.log(np.exp(values - top).sum()))


def log_evidence(shares: dict[str, dict[str, float]], leave_out: str | None) -> float:
    """The changes' log evidence at the module's current CHANGE_POWER."""
    names = sorted(shares)
    pieces = []
    for before, after in zip(names, names[1:]):
        if leave_out in (before, after):
            continue
        renamed = {SUCCESSORS.get(o, o) if o not in shares[after] else o: v
                   for o, v in shares[before].items()}
        piece = calibrate._change_block(renamed, shares[after], BLOC)
        if piece is not None:
            pieces.append(piece)
    coarse = tuple(calibrate._coarse_grid(calibrate.CHANGE_PRIOR_SCALE) for _ in range(2))
    log_post = calibrate._log_posterior(calibrate._stacked(pieces), coarse)[2]
    prior = (coarse[0][1][:, None] + coarse[1][1][None, :]).ravel()
    return _logsumexp(log_post) - _logsumexp(prior)


def main() -> None:
    shares = {e: official_shares(load_tally(path)) for e, path in FILES.items()}
    print("changes fitted | " + " | ".join(f"{p:g}" for p in POWERS) + " | best")
    for leave_out in (None, "KZ2012", "KZ2021", "KZ2023"):
        row = []
        for power in POWERS:
            structural.CHANGE_POWER = power  # change_scale reads it at each call
            row.append(log_evidence(shares, leave_out))
        label = "all four" if leave_out is None else f"without {leave_out}"
        print(f"{label} | " + " | ".join(f"{v:.2f}" for v in row)
              + f" | {POWERS[int(np.argmax(row))]:g}")


if __name__ == "__main__":
    main()
