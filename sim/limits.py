"""The documented maxima of what a scenario may ask for, and why each is where it is.

The engine counts votes in 64-bit integers and compares them exactly
(:mod:`sim.law.allocate`, :mod:`sim.law.methods`), so every quantity that enters a product
there is bounded here. A draw's votes add up to at most :data:`MAX_VOTES` (V = 10**10; a
scenario's counts are bounded by :data:`MAX_REGISTERED` already), and each vote count beside
the lists (against-all, invalid, unseated) too; with at most :data:`MAX_SEATS` seats (S), a
threshold of at most six decimals and a runner-up factor of at most three, the products are

- the threshold, ``numerator × base`` with a base of at most 4V: below 10**6 × 4·10**10;
- the quotas, ``votes × (seats + 2)``: below 10**10 × (S + 2) ≈ 10**14;
- the runner-up rule, ``factor numerator × votes × seats`` = 10**3 × 10**10 × 10**4 = 10**17,

all below 2**63 ≈ 9.2·10**18, and remainders below V are exact as float64. The divisor
methods compare float quotients ``votes / divisor`` with integer divisors of at most
10·S + 5; they order exactly while ``votes × divisor < 2**52`` ≈ 4.5·10**15 (the proof is in
:mod:`sim.law.methods`), which V × (10·S + 5) ≈ 10**15 satisfies. That bound is the tightest;
V is still five times :data:`MAX_REGISTERED` (India, the largest electorate, has about 10**9).
The readers of each stage check their keys against these; docs/scenarios.md lists them.
"""

from __future__ import annotations

from sim.errors import InvalidValue, ScenarioError

MAX_SEATS = 10_000  # list seats, and each entry of appointed seats
MAX_LISTS = 60  # the set of seated lists is a 64-bit mask per draw
MAX_REGISTERED = 2_000_000_000  # registered voters (India, the largest, has about 10**9)
MAX_VOTES = 10**10  # the votes of one draw (or count), added up over the lists; see above
MAX_POLL_SIZE = 100_000_000  # respondents of one poll
MAX_DESIGN_EFFECT = 100.0
MAX_WEIGHT = 1e6  # a source's weight (weights are relative: their sum must stay finite)
MAX_PRIOR = 1e6  # model.flat_prior, a Dirichlet concentration
MAX_HALF_LIFE_DAYS = 100_000.0
MAX_DAYS = 3_660  # campaign days and reaction delays: ten years
MAX_DRIFT_SD = 1.0  # campaign.drift_sd, per day on the log-share scale
THRESHOLD_DECIMALS = 6  # the threshold as an exact fraction of denominator <= 10**6
FACTOR_DECIMALS = 3  # the runner-up factor, likewise <= 10**3
# Draws of one run: summaries stay exact (integer sums in Python ints) at any size, but a
# run this long already takes days on one machine; beyond it, run several seeds and merge.
MAX_DRAWS = 10**10
MAX_SWEEP_VARIANTS = 400  # each variant is a full scenario, built when the file is read
DRAWS_RULE = (f"must be at most {MAX_DRAWS:.0e} per run; for more, run the scenario several "
              "times with different seeds (--seed), on a Dask cluster with --dask if need be")


def check_draws(draws: int, key: str = "draws", file: str | None = None) -> None:
    """The one check of the draws limit, wherever a number of draws comes in (a scenario's
    ``run.draws``, ``elsim run --draws``, ``simulate(draws=...)``): over :data:`MAX_DRAWS`
    it is an error naming ``key`` (and ``file``, for a scenario's)."""
    if draws > MAX_DRAWS:
        raise (InvalidValue if file is None else ScenarioError)(key, draws, DRAWS_RULE,
                                                                 file=file)
# Local worker processes (--workers, and the workers of --dask local): each holds elsim,
# numpy and a chunk's arrays (about 30 MB), and a run has one chunk per 50,000 draws, so more
# processes than this only cost memory on any machine elsim runs on. A pool also never
# starts more processes than the run has chunks.
MAX_WORKERS = 64
WORKERS_RULE = (f"must be at most {MAX_WORKERS} local processes (a pool never starts more "
                "than a run's chunks); for more machines, use a Dask cluster with --dask")
