"""Published station results screened against a clean model: how unusual each fingerprint is.

The clean model is the station model of :mod:`sim.stations.model` with no manipulation: the
published file's own stations (their registered voters) and national totals, and the
heterogeneity of a ``[stations]`` model file (default: the shipped fragment measured on the
Russian 2021 stations, ``calibration/stations-heterogeneity``). Every draw splits the
file's national counts over its stations afresh; the fingerprints computed on the
published counts are then read against their distribution over the draws:

    tail = (1 + #{draws with a value >= the published one}) / (1 + draws)

the upper tail, because every fingerprint grows with manipulation (more whole percents,
more anomalous votes, a larger corner, a steeper turnout-share slope). ``tail`` near
``1 / (1 + draws)`` says the clean model never reached the published value.

Random numbers: one ``SeedSequence(seed)`` and its children: the resampling of the
published counts, the clean draws, the clean draws' resampling, and the picture's
manipulated draw. The same file, model,
seed, draws and resamples give the same figures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.packaged import example
from sim.stations import fingerprints as fp
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.published import Published
from sim.stations.spec import Frame, Manipulation, StationSpec, read_stations
from sim.tables import Table, read_toml

DEFAULT_MODEL = "calibration/stations-heterogeneity.toml"
BLOCK = 4  # clean draws simulated together: memory ~ BLOCK * lists * stations * 8 bytes
# Keys of [stations] left out of the clean model: the published file gives the frame, and the
# model is clean (no manipulation, no observers).
FRAME_KEYS = ("count", "registered", "size_sd", "sizes", "frame_seed", "manipulation",
              "observers")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One statistic: its key, what it is in words, and how to print it."""

    key: str
    label: str
    unit: str  # "count", "votes", "share" or "number"


FINGERPRINTS = (
    Fingerprint("integer_excess", "integer-percent excess (stations)", "count"),
    Fingerprint("comet_excess", "comet excess: leader's anomalous votes", "votes"),
    Fingerprint("corner", "comet corner: turnout and share >= 80%", "share"),
    Fingerprint("last_digit_chi2", "last digits: chi-square (counts >= 100)", "number"),
    Fingerprint("correlation", "turnout-share correlation", "number"),
    Fingerprint("slope", "turnout-share slope", "number"),
    Fingerprint("within_slope", "turnout-share slope within regions", "number"),
)


def fingerprints_of(registered: np.ndarray, issued: np.ndarray, ballots: np.ndarray,
                    votes: np.ndarray, leader: int, stratum: np.ndarray | None, *,
                    rng: np.random.Generator, resamples: int) -> dict[str, np.ndarray]:
    """Every fingerprint of :data:`FINGERPRINTS` (and the comet's clean share), each with
    the leading axes of ``ballots`` ``(...)``; ``votes`` ``(..., n_lists, n_stations)``."""
    lead = votes[..., leader, :]
    valid = votes.sum(axis=-2)
    whole = fp.integer_excess(registered, issued, ballots, lead, rng=rng,
                              resamples=resamples)
    tail = fp.comet(registered, ballots, lead, valid)
    digits = fp.last_digits(votes)
    relation = fp.turnout_share_relation(registered, ballots, lead, stratum)
    return {"integer_excess": whole.excess, "comet_excess": tail.excess,
            "corner": tail.corner, "last_digit_chi2": digits.chi2,
            "correlation": relation.correlation, "slope": relation.slope,
            "within_slope": relation.within_slope, "clean_share": tail.clean_share,
            "integer_observed": whole.observed, "integer_expected": whole.expected,
            "mode_turnout": tail.mode_turnout, "last_digit_p": digits.p_value,
            "integer_p": whole.p_value}


def clean_model(published: Published, model: str | Path | None) -> StationSpec:
    """The clean station model of ``published``: the heterogeneity (and strata, if any)
    of the ``[stations]`` table of ``model`` (default: the shipped fragment), over the
    file's own stations."""
    path = Path(model) if model else example(DEFAULT_MODEL).path
    top = Table(read_toml(path), str(path))
    top.check_keys(("stations",))
    table = top.table("stations", required=True)
    counts = published.counts
    data = {k: v for k, v in table.data.items() if k not in FRAME_KEYS}
    data.update(registered=int(counts.registered.sum()), count=counts.n_stations)
    spec = read_stations(Table(data, str(path), "stations"), published.lists, None,
                         path.parent)
    # The drawn frame's strata are kept (the model's), its sizes replaced by the file's.
    frame = Frame(registered=counts.registered, stratum=spec.frame.stratum,
                  strata=spec.frame.strata)
    return dataclasses.replace(spec, frame=frame)


@dataclass(frozen=True, slots=True)
class Screening:
    """The published figures and their clean distributions.

    ``real[key]`` is a float, ``clean[key]`` float ``(draws,)``, ``tail[key]`` the upper
    tail probability; ``histogram_real`` and ``histogram_clean`` the turnout-share
    histograms (the clean one of the first draw), int ``(100, 100)``."""

    real: dict[str, float]
    clean: dict[str, np.ndarray]
    tail: dict[str, float]
    histogram_real: np.ndarray
    histogram_clean: np.ndarray
    draws: int
    resamples: int
    seed: int


def screen(published: Published, spec: StationSpec, *, draws: int, seed: int,
           resamples: int) -> Screening:
    """The fingerprints of ``published`` beside their distribution over ``draws`` clean
    draws of ``spec`` (see the module docstring)."""
    counts = published.counts
    real_rng, model_rng, clean_rng = (np.random.default_rng(s)
                                      for s in np.random.SeedSequence(seed).spawn(3))
    regions = counts.stratum if len(counts.strata) > 1 else None
    real = fingerprints_of(counts.registered, published.issued, counts.ballots,
                           counts.votes, published.leader, regions, rng=real_rng,
                           resamples=resamples)
    national = counts.votes.sum(axis=1)
    invalid = int(counts.ballots.sum() - national.sum())
    blocks, first = [], np.zeros((fp.PERCENT_BINS, fp.PERCENT_BINS), dtype=np.int64)
    for start in range(0, draws, BLOCK):
        n = min(BLOCK, draws - start)
        totals = NationalTotals.of(np.repeat(national[:, None], n, axis=1),
                                   np.full(n, invalid))
        drawn = simulate_stations(spec, totals, model_rng, focal_row=published.leader)
        blocks.append(fingerprints_of(drawn.registered, drawn.ballots, drawn.ballots,
                                      drawn.votes, published.leader, regions,
                                      rng=clean_rng, resamples=resamples))
        if start == 0:
            first = fp.turnout_share_histogram(drawn.registered, drawn.ballots[0],
                                               drawn.votes[0, published.leader])
    clean = {key: np.concatenate([block[key] for block in blocks]) for key in real}
    tail = {key: float((1 + (clean[key] >= real[key]).sum()) / (1 + draws)) for key in real}
    return Screening(real={key: float(value) for key, value in real.items()}, clean=clean,
                     tail=tail,
                     histogram_real=fp.turnout_share_histogram(
                         counts.registered, counts.ballots, counts.votes[published.leader]),
                     histogram_clean=first, draws=draws, resamples=resamples, seed=seed)


# The picture's manipulated panel: Klimek et al.'s two kinds of stuffing, illustrative
# shares (half the stations stuffed in proportion to their non-voters, a twentieth of those
# filled to the brim), a tenth of them rounding the leader's result to a whole percent.
ILLUSTRATION = Manipulation(share=0.5, where="random", strata=(), extreme=0.05,
                            misrecording="tabulation", rounding=0.1)


def manipulated_histogram(published: Published, spec: StationSpec, excess: float, *,
                          seed: int) -> np.ndarray:
    """The turnout-share histogram of one clean draw of ``spec`` in which ``excess``
    ballots for the leader are stuffed (:data:`ILLUSTRATION`), so that the official
    totals are the published ones: what a manipulation of the comet's size would look
    like on this frame. Int ``(100, 100)``."""
    counts = published.counts
    national = counts.votes.sum(axis=1)
    stuffed = int(min(max(excess, 0.0), national[published.leader]))
    genuine_votes = national.copy()
    genuine_votes[published.leader] -= stuffed
    invalid = np.full(1, counts.ballots.sum() - national.sum())
    genuine = NationalTotals.of(genuine_votes[:, None], invalid)
    official = NationalTotals.of(national[:, None], invalid)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[3])
    true = simulate_stations(spec, genuine, rng, focal_row=published.leader)
    records = manipulate(true, official, ILLUSTRATION, published.leader, rng)
    protocol = records.protocol
    return fp.turnout_share_histogram(protocol.registered, protocol.ballots[0],
                                      protocol.votes[0, published.leader])
