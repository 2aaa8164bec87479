"""Published station results screened against a clean model: how unusual each fingerprint is.

The clean model is the station model of :mod:`sim.stations.model` with no manipulation: the
published file's own stations (their registered voters) and national totals, and the
heterogeneity of a model file (default: the shipped fragment measured on the Russian 2021
stations, ``calibration/stations-heterogeneity``; with regions in the file, fresh region
effects in every draw: :func:`clean_model`). Every draw splits the file's national counts
over its stations afresh; the fingerprints computed on the
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
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import ScenarioError
from sim.packaged import example
from sim.stations import fingerprints as fp
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.published import Published
from sim.stations.sizing import Spread
from sim.stations.spec import MAX_LOGIT, Frame, Manipulation, StationSpec, Stratum, read_stations
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


@dataclass(frozen=True, slots=True)
class CleanModel:
    """The clean station model of a published file: ``spec`` (the file's stations as the
    frame), and ``between``, the spread of region effects drawn afresh in every draw, when
    the file has regions and the model file a ``[regions]`` table (else None)."""

    spec: StationSpec
    between: Spread | None


def clean_model(published: Published, model: str | Path | None) -> CleanModel:
    """The clean station model of ``published``: the heterogeneity (and strata, if any)
    of the ``[stations]`` table of ``model`` (default: the shipped fragment), over the
    file's own stations.

    With regions in the file and a ``[regions]`` table in the model (``between`` and
    ``within``, each ``turnout_sd``, ``support_sd``, ``correlation``), the stations vary by
    ``within`` around their region, and the regions by ``between`` around the national
    values: a fresh region effect in every draw, as the regions of another election would
    differ. Otherwise the stations vary by ``[stations.heterogeneity]`` alone."""
    path = Path(model) if model else example(DEFAULT_MODEL).path
    top = Table(read_toml(path), str(path))
    top.check_keys(("stations", "regions"))
    table = top.table("stations", required=True)
    counts = published.counts
    data = {k: v for k, v in table.data.items() if k not in FRAME_KEYS}
    data.update(registered=int(counts.registered.sum()), count=counts.n_stations)
    between = None
    if "regions" in top.data and len(counts.strata) > 1:
        if "strata" in data:
            raise ScenarioError("stations.strata", sorted(data["strata"]), "cannot be used "
                                "with a [regions] table: the published file's regions are "
                                "the strata", file=str(path))
        regions = top.table("regions")
        regions.check_keys(("between", "within"))
        between = _spread(regions.table("between", required=True))
        data["heterogeneity"] = regions.table("within", required=True).data
    spec = read_stations(Table(data, str(path), "stations"), published.lists, None,
                         path.parent)
    if between is None:
        # The drawn frame's strata are kept (the model's), its sizes replaced by the file's.
        frame = Frame(registered=counts.registered, stratum=spec.frame.stratum,
                      strata=spec.frame.strata)
    else:
        frame = Frame(registered=counts.registered, stratum=counts.stratum,
                      strata=counts.strata)
    return CleanModel(spec=dataclasses.replace(spec, frame=frame), between=between)


def _spread(table: Table) -> Spread:
    table.check_keys(("turnout_sd", "support_sd", "correlation"))
    return Spread(turnout_sd=table.number("turnout_sd", required=True, low=0.0, high=MAX_LOGIT),
                  share_sd=table.number("support_sd", required=True, low=0.0, high=MAX_LOGIT),
                  correlation=table.number("correlation", required=True, low=-1.0, high=1.0))


def with_region_effects(model: CleanModel, rng: np.random.Generator) -> StationSpec:
    """The spec of one draw: each region's turnout and support log-odds shifts drawn from
    the bivariate normal of ``model.between`` (``a = s_t z1``, ``b = s_s (rho z1 +
    sqrt(1 - rho**2) z2)``); the spec itself without regions."""
    if model.between is None:
        return model.spec
    spread, names = model.between, model.spec.frame.strata
    z = rng.standard_normal((2, len(names)))
    turnout = spread.turnout_sd * z[0]
    support = spread.share_sd * (spread.correlation * z[0]
                                 + math.sqrt(1 - spread.correlation ** 2) * z[1])
    strata = tuple(Stratum(name=name, share=1 / len(names), size=1.0, turnout=float(a),
                           support=float(b)) for name, a, b in zip(names, turnout, support))
    return dataclasses.replace(model.spec, strata=strata)


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
    regional: bool  # region effects drawn per draw (CleanModel.between)


def screen(published: Published, model: CleanModel, *, draws: int, seed: int,
           resamples: int) -> Screening:
    """The fingerprints of ``published`` beside their distribution over ``draws`` clean
    draws of ``model`` (see the module docstring)."""
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
    block = BLOCK if model.between is None else 1  # region effects: one draw at a time
    for start in range(0, draws, block):
        n = min(block, draws - start)
        totals = NationalTotals.of(np.repeat(national[:, None], n, axis=1),
                                   np.full(n, invalid))
        spec = with_region_effects(model, model_rng)
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
                     histogram_clean=first, draws=draws, resamples=resamples, seed=seed,
                     regional=model.between is not None)


# The picture's manipulated panel: Klimek et al.'s two kinds of stuffing, illustrative
# shares (half the stations stuffed in proportion to their non-voters, a twentieth of those
# filled to the brim), a tenth of them rounding the leader's result to a whole percent.
ILLUSTRATION = Manipulation(share=0.5, where="random", strata=(), extreme=0.05,
                            misrecording="tabulation", rounding=0.1)


def manipulated_histogram(published: Published, model: CleanModel, excess: float, *,
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
    true = simulate_stations(with_region_effects(model, rng), genuine, rng,
                             focal_row=published.leader)
    records = manipulate(true, official, ILLUSTRATION, published.leader, rng)
    protocol = records.protocol
    return fp.turnout_share_histogram(protocol.registered, protocol.ballots[0],
                                      protocol.votes[0, published.leader])
