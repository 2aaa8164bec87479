"""What each poll source measured and what it assumed: its prior for the support draws.

A source's polls are pooled (respondents weighted by sample size and age). The categories
every poll of the source reported (and "the rest" as one category) are **measured**: Dirichlet
with concentration ``n_effective * shares + flat_prior``, ``n_effective`` being the respondents
over the design effect. How the rest splits among the options the polls did not report and
the undecided is **assumed**: Dirichlet around the source's ``fill`` with concentration
``fill_strength``. Only measured respondents count in the sample size. docs/model.md has the
equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.ballot import UNDECIDED
from sim.polls.spec import Model, Poll, Source
from sim.portable import dot

EMPTY = 1e-9  # a rest below this share is rounding: nothing to split


@dataclass(frozen=True, slots=True)
class SourcePrior:
    """One source's prior over respondent shares, measured and assumed parts apart.

    Components are the options in ballot order, then the undecided (``n_options + 1``).

    Attributes
    ----------
    shares : ndarray, shape (n_options + 1,)
        Pooled respondent shares, the fill's assumptions included; sums to 1.
    measured : ndarray of bool, shape (n_options + 1,)
        Components every poll of the source reported (the undecided too when every poll
        reported them or gave every option).
    alpha : ndarray, shape (n_measured,) or (n_measured + 1,)
        Dirichlet concentration of the measured components and, last when something is
        assumed, of the rest.
    beta : ndarray, shape (n_assumed,)
        Dirichlet concentration of the split of the rest (``fill_strength`` times its
        central split).
    respondents : float
        Pooled respondents (age-weighted).
    n_effective : float
        Respondents over the design effect.
    design_effect : float
        Pooled design effect.
    fill_strength : float
    split : ndarray, shape (n_options,)
        Share of the undecided going to each option (zeros unless ``undecided`` is a table).
    """

    shares: np.ndarray
    measured: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    respondents: float
    n_effective: float
    design_effect: float
    fill_strength: float
    split: np.ndarray

    @property
    def assumed_rows(self) -> np.ndarray:
        """Components drawn from the fill prior, shape (n_assumed,); the other unmeasured
        ones (an undecided share the fill leaves at zero) are always zero."""
        return np.flatnonzero(~self.measured & (self.shares > EMPTY))

    @property
    def empty_rows(self) -> np.ndarray:
        """The unmeasured components the fill leaves at zero, shape (n_empty,)."""
        return np.flatnonzero(~self.measured & (self.shares <= EMPTY))

    @property
    def undecided(self) -> float:
        """Expected share of respondents who name no option and are not split among them."""
        return float(self.shares[-1] * (1.0 - self.split.sum()))

    def draw(self, n_draws: int, *, rng: np.random.Generator,
             out: np.ndarray | None = None) -> np.ndarray:
        """Unnormalised vote masses per option, shape (n_options, n_draws), into ``out``
        when given (rows contiguous, as a column block of options-first memory is).

        A Dirichlet draw is independent Gamma(alpha_i) draws divided by their sum; drawing
        the gammas one row at a time straight into options-first memory is faster than
        ``Generator.dirichlet``, and the caller normalises once, after its error terms.
        """
        votes = np.empty((len(self.split), n_draws)) if out is None else out
        undecided = np.zeros(n_draws)
        rows = [*votes, undecided]  # one view per component
        assumed = self.assumed_rows
        for component in self.empty_rows:  # the assumed rows are drawn below
            rows[component][:] = 0.0
        for component, value in zip(np.flatnonzero(self.measured), self.alpha):
            rng.standard_gamma(value, out=rows[component])
        if assumed.size:
            rest = rng.standard_gamma(self.alpha[-1], size=n_draws)
            for component, value in zip(assumed, self.beta):
                rng.standard_gamma(value, out=rows[component])
            # Summed in place, in the order sum() would: the same bits, no temporaries.
            split = rows[assumed[0]].copy()
            for component in assumed[1:]:
                split += rows[component]
            rest /= split
            for component in assumed:
                rows[component] *= rest
        if self.split.any():
            votes += undecided * self.split[:, None]
        return votes


def source_prior(source: Source, polls: list[Poll], model: Model,
                 options: tuple[str, ...]) -> SourcePrior:
    """Pool a source's polls and separate what they measured from what the fill assumes."""
    weights = np.array([_age_weight(poll, source, model) * poll.n for poll in polls])
    shares = np.array([_respondent_shares(poll, options) for poll in polls])
    measured = np.logical_and.reduce([_measured(poll, options) for poll in polls])
    total = weights.sum()
    pooled = dot(weights, shares) / total
    design_effect = float(dot(weights, np.array([poll.design_effect for poll in polls]))) / total
    n_effective = total / design_effect
    rest = float(pooled[~measured].sum())
    assumed = ~measured & (pooled > EMPTY)
    strength = model.fill_strength if source.fill_strength is None else source.fill_strength
    alpha = pooled[measured] * n_effective + model.flat_prior
    beta = np.zeros(0)
    if assumed.any():
        alpha = np.append(alpha, rest * n_effective + model.flat_prior)
        beta = strength * pooled[assumed] / rest
    split = np.array([model.undecided.get(option, 0.0) for option in options]) \
        if isinstance(model.undecided, dict) else np.zeros(len(options))
    return SourcePrior(shares=pooled, measured=measured, alpha=alpha, beta=beta,
                       respondents=float(total), n_effective=float(n_effective),
                       design_effect=design_effect, fill_strength=strength, split=split)


def source_priors(sources: tuple[Source, ...], polls: tuple[Poll, ...], model: Model,
                  options: tuple[str, ...]) -> tuple[SourcePrior, ...]:
    """Each source's prior, in declared order."""
    return tuple(source_prior(source, [poll for poll in polls if poll.source == source.id],
                              model, options) for source in sources)


FILL_FACTOR_WARNING = 2.0  # an assumed share this many times above or below its fill: a warning


def fill_warnings(sources: tuple[Source, ...], polls: tuple[Poll, ...], model: Model,
                  options: tuple[str, ...]) -> list[str]:
    """Fill shares whose assumed share in the source's prior comes out more than
    ``FILL_FACTOR_WARNING`` times above or below what the fill wrote: the source pools a
    poll that reports the option with polls that leave it to the fill."""
    components = options + (UNDECIDED,)
    warnings = []
    with np.errstate(all="ignore"):  # polls a half-life weighs to nothing: no shares (NaN)
        priors = source_priors(sources, polls, model, options)
    for source, prior in zip(sources, priors):
        for option, written in source.fill.items():
            index = components.index(option)
            assumed = float(prior.shares[index])
            if prior.measured[index] or not np.isfinite(assumed) or \
                    1 / FILL_FACTOR_WARNING <= assumed / written <= FILL_FACTOR_WARNING:
                continue
            warnings.append(f"sources.{source.id}.fill.{option} = {written:g}: the share "
                            f"assumed for it comes out at {assumed:.3g} of the source's "
                            f"respondents, {assumed / written:.2g} times what the fill "
                            "says, because the source's polls that report it are pooled "
                            "with those that leave it to the fill; give each its own "
                            "source, or a fill near what the polls report")
    return warnings


def _respondent_shares(poll: Poll, options: tuple[str, ...]) -> np.ndarray:
    """Shares of respondents per option, then the undecided; shape (n_options + 1,),
    summing to 1.

    What the poll reported stands, and so does the fill: both are shares of all
    respondents. What the two leave counts as undecided (beside the poll's own undecided
    share, if it gave one). A fill that exceeds what the poll leaves by rounding (the
    reader refuses more) is scaled down to it.
    """
    components = options + (UNDECIDED,)
    reported = np.array([poll.shares[c] if c in poll.reported else 0.0 for c in components])
    reported /= max(1.0, reported.sum())  # published shares may add up to 100.3%
    left = 1.0 - reported.sum()
    filled = np.array([poll.shares.get(c, 0.0) if c not in poll.reported else 0.0
                       for c in components])
    if UNDECIDED not in poll.reported or _unassigned(poll, options) > EMPTY:
        filled[-1] = max(0.0, left - filled.sum())
    if filled.sum() <= 0:
        filled[-1] = 1.0
    return reported + left * filled / filled.sum()


def _unassigned(poll: Poll, options: tuple[str, ...]) -> float:
    """The share of respondents the poll and its fill give to no option and not to the
    undecided (they count as undecided)."""
    return 1.0 - min(1.0, sum(poll.shares.get(c, 0.0) for c in options + (UNDECIDED,)))


def _measured(poll: Poll, options: tuple[str, ...]) -> np.ndarray:
    """Which components the poll itself reported, shape (n_options + 1,): its options, and
    the undecided when it reported them or gave every option (the rest is then measured).
    A reported undecided share that the fill leaves respondents to is not measured: part
    of it is the assumption that those respondents are undecided."""
    given = [option in poll.reported for option in options]
    undecided = UNDECIDED in poll.reported and _unassigned(poll, options) <= EMPTY
    return np.array(given + [undecided or all(given)])


def _age_weight(poll: Poll, source: Source, model: Model) -> float:
    """``0.5 ** (age / half_life)``: a poll one half-life old counts half."""
    if source.half_life_days is None:
        return 1.0
    # read_polls refuses a half-life without both dates.
    assert model.election_date is not None and poll.fieldwork_end is not None
    age = (model.election_date - poll.fieldwork_end).days
    return 0.5 ** (max(age, 0) / source.half_life_days)
