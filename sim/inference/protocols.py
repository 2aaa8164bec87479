"""Observers' protocols as observed data for ``elsim infer`` (issue 23, question 4).

**The file.** A CSV with one row per station whose protocol the observers obtained (lines
starting with ``#`` are comments)::

    station,stratum,nur-otan,ak-zhol,peoples-party,auyl,adal,invalid,observed_voters
    17,cities,512,88,61,30,21,14,640

- ``station``: the station's number in the scenario's frame, 1 to N (the frame's order:
  the rows of a ``[stations] sizes`` file, or the drawn frame's stations, stratum by
  stratum in declared order);
- ``stratum``: the frame's stratum of that station (checked: a protocol filed under
  another stratum is a wrong number);
- one column per ballot option (the scenario's list ids, and ``against_all`` when the
  ballot has it): the votes the protocol copy records;
- optional ``invalid``: the invalid ballots of the protocol; optional ``observed_voters``:
  the observers' own count of the voters who came; optional ``registered``: the station's
  voters as the protocol gives them (it must equal the frame's).

Every problem is one :class:`~sim.errors.ScenarioError` naming the file, the line and
column, the value and the rule (a station the frame does not have, a stratum it does not
have, votes and invalid ballots above the station's registered voters, ...).

**The figures (summary statistics).** Pooled over the observed stations ``S``, in
percentage points:

    protocols.<b>        100 * sum_S y_bs / sum_S v_s    the beneficiary's share
    protocols.voters     100 * sum_S w_s / sum_S R_s     (with ``observed_voters``)

(``y_bs`` the beneficiary's votes in station ``s``'s protocol, ``v_s`` its valid votes,
``w_s`` the observers' own count of voters, ``R_s`` its registered voters; the beneficiary
is the list ``[count.inflation]`` favours, else ``[stations] list``.) Why these and no
more:

- *What the protocols add* is the split the official totals cannot see. The protocol copy
  holds the genuine votes plus the stuffing, not the misrecording (rewriting and
  tabulation come after it), so the beneficiary's share there, against its official
  share, measures the misrecording; the observers' own count is the genuine turnout, which
  against the official turnout measures the stuffing.
- *The official totals already fix the rest.* The count model's inflation gives the
  beneficiary stuffed ballots and a share of every other list's votes, the same share of
  each (:mod:`sim.count.official`), so the other lists' shares *relative to each other*
  are the same in the genuine, the counted and the official count: their shares in the
  protocols tell nothing the official shares did not, beyond noise. The protocols'
  turnout (their ballots over the registered voters) holds the stuffing as the official
  turnout does, so it repeats that figure. Each extra noisy figure in a largest-gap
  distance only lowers the acceptance rate at a given tolerance (and so widens the
  posterior for a given number of draws); ``invalid`` is read and checked, not compared.
- *Pooled, not per stratum.* The scenario fixes the strata's shifts of turnout and
  support, so a stratum's figures move with the national parameters along the same
  direction as the pooled ones (on the log-odds scale they differ by a fixed offset); per
  stratum they split the same information over more, noisier figures. Within a stratum the
  pooled counts ``sum y``, ``sum v``, ``sum R`` are the sufficient statistics of the
  binomial layers of the station model (an exponential family) given the station effects;
  with station effects drawn afresh (logit-normal) there is no finite sufficient
  statistic, and the pooled ratio remains the natural estimator of the stratum's mean.

**The distance's scale.** A national figure is exact: its gap is in points. A protocol
figure of ``m`` stations has sampling noise (station heterogeneity and counting noise)
whose standard error is of the order of a point or more, much larger than the national
total's. Its gap is therefore *standardised*: divided by its standard error ``se``, so a
protocol gap counts in standard errors, one standard error weighing as one point of a
national figure, and the distance is the largest of both kinds. ``se`` is computed once
from the observed protocols (the linearised variance of a ratio over stations that are
independent given the parameters; Cochran 1977, 6.3)::

    se^2 = (1 - m/N) * m / (m - H) * sum_S (y_s - r_h(s) x_s)^2 / (sum_S x_s)^2,
    r_h = sum_h y / sum_h x

with the residuals taken about each stratum's own ratio ``r_h`` and ``m - H`` degrees of
freedom for ``H`` strata (the number of stations per stratum is fixed by the design, so
the strata's differences are not noise; about the pooled ratio when no stratum has two
stations), the finite-population correction ``1 - m/N`` for ``N`` stations in the frame
(every draw's national totals are fixed, so the observed stations share a fixed total with
the others: all stations observed, the figure is the national one), the spread floored at
the binomial ``r (1 - r) / sum x`` (no heterogeneity) and ``se`` at :data:`MIN_SE`. Any
fixed scale gives the exact posterior as the tolerance falls; the scale decides only how
fast. At the tolerances reached in practice (one to three), a protocol figure is matched
to one to three of its standard errors; weighing a standard error as two points instead
was tried (60 replicates of a 100-station variant of the recovery test's design): the
coverage barely moved (94.6% against 96%), the official figures were matched less closely
and the misrecording's posterior widened (sd 0.039 against 0.036).

**The simulated figures, at the same design.** For a draw, the station level
(:mod:`sim.stations`) splits the draw's genuine national count over the whole frame,
manipulates it to the official count, and the figures are computed from the *counted*
layer (the protocol as signed and copied by the observer: stuffing in, rewriting and
tabulation out) of the **same stations** (so the same number per stratum and the same
sizes) and, for ``observed_voters``, from the true ballots. With ``[stations.observers]
design = "observed"``, the observed stations are left out of the manipulation (observers
deter it), as in the forward model. Station effects are drawn afresh in every draw: the
stations are taken as if chosen without regard to their result; a convenience sample
(commissions that hand over protocols where the ruling list does well) biases the reading
and is not corrected.

The station level costs the whole frame per draw (20 to 40 ms for 10,000 stations), so it
runs only for the draws whose national figures already lie within the round's tolerance
(the national gaps are part of the distance: no other draw can be accepted), and for
:data:`PRIOR_PROTOCOLS` draws of the prior sample (the posterior predictive check's prior
range). Its random numbers come from the chunk's ``stations`` stream, in draw order, so
the same seed gives the same posterior on any executor.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.simulate import ChunkDraws, stage_generators
from sim.errors import FileProblem, ScenarioError
from sim.inference.observed import figure_label
from sim.scenario import Scenario
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.run import block_draws, station_rows
from sim.stations.spec import StationSpec

STATION, STRATUM = "station", "stratum"
INVALID, VOTERS, REGISTERED = "invalid", "observed_voters", "registered"
OPTIONAL = (INVALID, VOTERS, REGISTERED)
OWN_COUNT = "voters"  # figure id, besides the beneficiary's list id
MIN_STATIONS = 2  # a figure's standard error comes from the spread over its stations
MIN_SE = 0.1  # points: no figure is compared more finely than this
PRIOR_PROTOCOLS = 500  # prior-sample draws whose protocols are simulated (their range)


@dataclass(frozen=True, slots=True, kw_only=True)
class Protocols:
    """The observed protocols, stations sorted by their place in the frame.

    Attributes
    ----------
    path : str
    stations : ndarray of int64, shape (m,)
        Each protocol's station, as an index into the frame (0-based; the file's are 1-based).
    registered : ndarray of int64, shape (m,)
        The frame's registered voters of those stations.
    stratum : ndarray of int16, shape (m,)
        Their strata (indices into the frame's).
    votes : ndarray of int64, shape (n_options, m)
        Votes per ballot option, in the ballot's order.
    invalid, voters : ndarray of int64, shape (m,), or None
        Invalid ballots and the observers' own count, when the file has them.
    """

    path: str
    stations: np.ndarray
    registered: np.ndarray
    stratum: np.ndarray
    votes: np.ndarray
    invalid: np.ndarray | None
    voters: np.ndarray | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedProtocols:
    """The protocols' figures: ``names`` (``protocols.<name>`` in samples), ``values`` and
    their standard errors ``se``, points, shape (n_figures,); ``labels`` in words."""

    protocols: Protocols
    beneficiary: int  # ballot row
    names: tuple[str, ...]
    labels: tuple[str, ...]
    values: np.ndarray
    se: np.ndarray

    @property
    def path(self) -> str:
        return self.protocols.path

    @property
    def n_stations(self) -> int:
        return int(self.protocols.stations.size)


def scenario_rows(scenario: Scenario) -> tuple[int, int]:
    """The ballot rows of the beneficiary and of the focal list, as the station level takes
    them (:func:`sim.stations.run.station_rows`)."""
    spec, count = scenario.stations, scenario.count
    assert spec is not None and count is not None  # [stations] needs [count]
    return station_rows(spec, scenario.ballot, count)


def read_protocols(path: str | Path, scenario: Scenario) -> Protocols:
    """The protocols file ``path`` (see the module docstring), checked against the
    scenario's ballot and station frame."""
    file = str(path)
    spec = scenario.stations
    if spec is None:
        raise FileProblem(f"--protocols needs a scenario with a [stations] table "
                          f"(the frame its station numbers refer to); {scenario.path} has "
                          "none", file=file)
    header, rows = _rows(path)
    options = scenario.ballot.options
    known = (STATION, STRATUM, *options, *OPTIONAL)
    for name in header:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError("columns", name, f"is not a column of a protocols file (the "
                                f"station, its stratum, the options {', '.join(options)}, and "
                                f"optionally {', '.join(OPTIONAL)}){hint}", file=file)
    missing = [name for name in (STATION, STRATUM, *options) if name not in header]
    if missing:
        raise ScenarioError("columns", missing, "are required: the station, its stratum and "
                            "the votes of every ballot option", file=file)
    frame = spec.frame
    numbers = {name: _whole(rows, header.index(name), name, file)
               for name in (STATION, *options, *OPTIONAL) if name in header}
    station = numbers[STATION] - 1
    column = {name: header.index(name) for name in header}
    seen: dict[int, int] = {}
    for (line, row), index in zip(rows, station.tolist()):
        if not 0 <= index < frame.n_stations:
            raise ScenarioError(f"line {line}, {STATION}", index + 1, f"names no station of "
                                f"the frame of {scenario.path} (1 to {frame.n_stations})",
                                file=file)
        if index in seen:
            raise ScenarioError(f"line {line}, {STATION}", index + 1, f"is already on line "
                                f"{seen[index]}: one protocol per station", file=file)
        seen[index] = line
        stratum = row[column[STRATUM]].strip()
        actual = frame.strata[frame.stratum[index]]
        if stratum != actual:
            rule = f"is not the stratum of station {index + 1}, which is {actual!r}" \
                if stratum in frame.strata else \
                f"names no stratum of [stations.strata] ({', '.join(frame.strata)})"
            raise ScenarioError(f"line {line}, {STRATUM}", stratum, rule, file=file)
    registered = frame.registered[station]
    votes = np.stack([numbers[name] for name in options])
    ballots = votes.sum(axis=0) + numbers.get(INVALID, 0)
    # the ballots are a sum of cells: the key names the cells, the value is the sum
    checks = [(ballots, "votes and invalid" if INVALID in header else "votes"),
              (numbers.get(VOTERS), VOTERS)]
    for (line, _), index, size in zip(rows, range(len(rows)), registered.tolist()):
        for values, name in checks:
            if values is not None and values[index] > size:
                raise ScenarioError(f"line {line}, {name}", int(values[index]),
                                    f"is more than the {size:,} registered voters of "
                                    f"station {station[index] + 1}", file=file)
        if REGISTERED in numbers and numbers[REGISTERED][index] != size:
            raise ScenarioError(f"line {line}, {REGISTERED}", int(numbers[REGISTERED][index]),
                                f"must be the frame's {size:,} registered voters of station "
                                f"{station[index] + 1}", file=file)
    if len(rows) < MIN_STATIONS:
        raise FileProblem(f"needs at least {MIN_STATIONS} stations (a figure's "
                          "standard error comes from their spread)", file=file)
    if not votes.sum():
        raise FileProblem("has no valid votes", file=file)
    order = np.argsort(station, kind="stable")
    return Protocols(path=file, stations=station[order], registered=registered[order],
                     stratum=frame.stratum[station[order]], votes=votes[:, order],
                     invalid=numbers[INVALID][order] if INVALID in numbers else None,
                     voters=numbers[VOTERS][order] if VOTERS in numbers else None)


def _rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows with their line numbers (comments and blank lines
    left out)."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileProblem("no such file", file=file) from None
    except UnicodeDecodeError:
        raise FileProblem("is not UTF-8 text (a CSV of protocols)",
                          file=file) from None
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})", file=file) from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    records = [(number, row) for (number, _), row in
               zip(lines, csv.reader(line for _, line in lines))]
    if len(records) < 2:
        raise FileProblem("needs a header line and at least one protocol",
                          file=file)
    header = [name.strip() for name in records[0][1]]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ScenarioError("columns", repeated, "each column name must appear once",
                            file=file)
    for number, row in records[1:]:
        if len(row) != len(header):
            raise ScenarioError(f"line {number}", len(row), f"has this many fields; the "
                                f"header has {len(header)}", file=file)
    return header, records[1:]


def _whole(rows: list[tuple[int, list[str]]], index: int, name: str,
           file: str) -> np.ndarray:
    """A column of non-negative whole numbers."""
    values = []
    for line, row in rows:
        cell = row[index].strip()
        try:
            value = int(cell)
        except ValueError:
            raise ScenarioError(f"line {line}, {name}", cell, "must be a whole number",
                                file=file) from None
        if value < 0:
            raise ScenarioError(f"line {line}, {name}", value, "must not be negative",
                                file=file)
        if value >= 2**62:
            raise ScenarioError(f"line {line}, {name}", value, "is too large for a count",
                                file=file)
        values.append(value)
    return np.array(values, dtype=np.int64)


def figure_names(protocols: Protocols, scenario: Scenario) -> tuple[str, ...]:
    """The ids of the figures the protocols give (see the module docstring)."""
    beneficiary, _ = scenario_rows(scenario)
    return (scenario.ballot.options[beneficiary],) \
        + ((OWN_COUNT,) if protocols.voters is not None else ())


def figures(votes: np.ndarray, voters: np.ndarray | None, registered: np.ndarray,
            beneficiary: int) -> np.ndarray:
    """The protocols' figures, computed alike for the observed protocols and a draw's.

    ``votes`` int ``(..., n_options, m)``, ``voters`` int ``(..., m)`` or None,
    ``registered`` int ``(m,)``. Returns float ``(n_figures, ...)``, points, in the order of
    :func:`figure_names`.
    """
    valid = votes.sum(axis=-2).sum(axis=-1)
    rows = [100 * votes[..., beneficiary, :].sum(axis=-1) / np.maximum(valid, 1)]
    if voters is not None:
        rows.append(100 * voters.sum(axis=-1) / registered.sum())
    return np.stack(rows)


def _standard_errors(protocols: Protocols, beneficiary: int, frame_size: int) -> np.ndarray:
    """Each figure's standard error, points (the module docstring's ratio formula)."""
    valid = protocols.votes.sum(axis=0)
    pairs = [(protocols.votes[beneficiary], valid)]
    if protocols.voters is not None:
        pairs.append((protocols.voters, protocols.registered))
    _, stratum = np.unique(protocols.stratum, return_inverse=True)
    m, strata = stratum.size, int(stratum.max()) + 1
    if m - strata < 1:  # no stratum with two stations: residuals about the pooled ratio
        stratum, strata = np.zeros(m, dtype=np.int64), 1
    # The national totals are fixed in every draw, so the observed stations are drawn from
    # a fixed total: the finite-population correction.
    fpc = 1 - m / frame_size
    errors = []
    for y, x in pairs:
        y, x = y.astype(float), x.astype(float)
        total = max(x.sum(), 1.0)
        ratio = y.sum() / total
        within = np.bincount(stratum, y) / np.maximum(np.bincount(stratum, x), 1.0)
        spread = m / (m - strata) * ((y - within[stratum] * x) ** 2).sum() / total ** 2
        binomial = ratio * (1 - ratio) / total
        errors.append(max(100 * np.sqrt(fpc * max(spread, binomial)), MIN_SE))
    return np.array(errors)


def observed_protocols(protocols: Protocols, scenario: Scenario) -> ObservedProtocols:
    """The figures of the observed protocols and their standard errors."""
    assert scenario.stations is not None  # read_protocols refuses a scenario without
    beneficiary, _ = scenario_rows(scenario)
    names = figure_names(protocols, scenario)
    values = figures(protocols.votes, protocols.voters, protocols.registered, beneficiary)
    se = _standard_errors(protocols, beneficiary, scenario.stations.frame.n_stations)
    return ObservedProtocols(protocols=protocols, beneficiary=beneficiary, names=names,
                             labels=tuple(_label(name, scenario, protocols) for name in names),
                             values=values, se=se)


def _label(name: str, scenario: Scenario, protocols: Protocols) -> str:
    m = protocols.stations.size
    if name == OWN_COUNT:
        return f"turnout by the observers' own count at the {m} stations"
    return f"{figure_label(name, scenario)} in the {m} protocols"


def station_protocols(spec: StationSpec, genuine: NationalTotals, official: NationalTotals,
                      rows: tuple[int, int], stations: np.ndarray, deterred: bool,
                      rng: np.random.Generator):
    """The protocol copies of ``stations`` for a block of draws: the station level of
    :mod:`sim.stations` (clean model, then manipulation to the official count) read where
    an observer reads it.

    ``genuine`` and ``official`` are the block's national counts; ``rows`` the beneficiary's
    and the focal list's ballot rows; ``stations`` int ``(m,)`` frame indices; ``deterred``:
    the stations are left out of the manipulation. Returns the counted layer's votes int
    ``(n_draws, n_options, m)`` and invalid ballots ``(n_draws, m)``, and the true ballots
    ``(n_draws, m)`` (the observers' own count).
    """
    beneficiary, focal = rows
    true = simulate_stations(spec, genuine, rng, focal_row=focal)
    exclude = None
    if deterred:
        exclude = np.zeros(true.ballots.shape, dtype=bool)
        exclude[:, stations] = True
    counted = manipulate(true, official, spec.manipulation, beneficiary, rng, exclude).counted
    assert counted.invalid is not None  # the model draws invalid ballots
    return (counted.votes[..., stations], counted.invalid[:, stations],
            true.ballots[:, stations])


def simulated_protocols(scenario: Scenario, chunk: ChunkDraws, stations: np.ndarray,
                        rng: np.random.Generator, path: str = "simulated",
                        draw: int = 0) -> Protocols:
    """The protocols (with invalid ballots and the observers' own count) that observers of
    ``stations`` (frame indices, sorted) would bring back from draw ``draw`` of ``chunk``:
    an observation simulated from known parameters (tests, the shipped example)."""
    spec = scenario.stations
    assert spec is not None
    genuine, official = _national(chunk, np.array([draw]), spec)
    votes, invalid, voters = station_protocols(spec, genuine, official, scenario_rows(scenario),
                                               stations, _deterred(spec), rng)
    return Protocols(path=path, stations=stations, registered=spec.frame.registered[stations],
                     stratum=spec.frame.stratum[stations], votes=votes[0], invalid=invalid[0],
                     voters=voters[0])


def write_protocols(protocols: Protocols, scenario: Scenario, comments: tuple[str, ...] = ()
                    ) -> str:
    """The CSV text of ``protocols`` (``comments`` as ``#`` lines first), as
    :func:`read_protocols` reads it."""
    spec = scenario.stations
    assert spec is not None
    options = scenario.ballot.options
    extra = {name: values for name, values in ((INVALID, protocols.invalid),
                                                (VOTERS, protocols.voters)) if values is not None}
    lines = [f"# {line}" for line in comments]
    lines.append(",".join((STATION, STRATUM, *options, *extra)))
    for i, station in enumerate(protocols.stations.tolist()):
        counts = [*protocols.votes[:, i].tolist(), *(values[i] for values in extra.values())]
        lines.append(",".join([str(station + 1), spec.frame.strata[spec.frame.stratum[station]],
                               *(str(int(c)) for c in counts)]))
    return "\n".join(lines) + "\n"


def _national(chunk: ChunkDraws, draws: np.ndarray,
              spec: StationSpec) -> tuple[NationalTotals, NationalTotals]:
    """The genuine and the official national counts of a chunk's ``draws`` (indices)."""
    assert chunk.invalid is not None and chunk.genuine is not None
    assert chunk.true_turnout is not None  # [stations] needs a count model
    genuine = NationalTotals.genuine(chunk.true_turnout[draws], chunk.invalid[draws],
                                     chunk.genuine[:, draws], int(spec.frame.registered.sum()))
    return genuine, NationalTotals.of(chunk.votes[:, draws], chunk.invalid[draws])


def _deterred(spec: StationSpec) -> bool:
    """Whether observers deter manipulation at the stations they watch."""
    return spec.observers is not None and spec.observers.design == "observed"


@dataclass(frozen=True, slots=True)
class ProtocolCheck:
    """Simulates a chunk's protocol figures where the acceptor asks for them."""

    observed: ObservedProtocols
    spec: StationSpec
    rows: tuple[int, int]
    deterred: bool
    entropy: int

    @classmethod
    def of(cls, observed: ObservedProtocols, scenario: Scenario, entropy: int) -> ProtocolCheck:
        spec = scenario.stations
        assert spec is not None  # read_protocols refused a scenario without stations
        return cls(observed, spec, scenario_rows(scenario), _deterred(spec), entropy)

    def simulate(self, index: int, chunk: ChunkDraws, wanted: np.ndarray) -> np.ndarray:
        """The figures of chunk ``index``'s ``wanted`` draws (bool ``(n,)``), float
        ``(n_figures, n)``, NaN for the others; from the chunk's ``stations`` stream."""
        result = np.full((len(self.observed.names), wanted.size), np.nan)
        chosen = np.flatnonzero(wanted)
        if not chosen.size:
            return result
        rng = stage_generators(self.entropy, index)["stations"]
        protocols = self.observed.protocols
        step = block_draws(self.spec.frame.n_stations, chunk.votes.shape[0])
        for start in range(0, chosen.size, step):
            block = chosen[start:start + step]
            genuine, official = _national(chunk, block, self.spec)
            votes, _, voters = station_protocols(self.spec, genuine, official, self.rows,
                                                 protocols.stations, self.deterred, rng)
            result[:, block] = figures(votes, voters if protocols.voters is not None else None,
                                       protocols.registered, self.observed.beneficiary)
        return result

    def gaps(self, simulated: np.ndarray) -> np.ndarray:
        """Standardised gaps (standard errors) of simulated figures ``(n_figures, n)``; 0
        where a draw was not simulated (its national gaps already exceed the tolerance)."""
        observed = self.observed
        gaps = np.abs(simulated - observed.values[:, None]) / observed.se[:, None]
        return np.where(np.isnan(gaps), 0.0, gaps)


def protocol_document(observed: ObservedProtocols) -> dict:
    """What the posterior document says of the observed protocols."""
    return {"path": observed.path, "stations": observed.n_stations,
            "figures": {name: round(float(value), 4)
                        for name, value in zip(observed.names, observed.values)},
            "standard_errors": {name: round(float(value), 4)
                                for name, value in zip(observed.names, observed.se)}}
