"""What a scenario assumes, in words and numbers, for result files and reports."""

from __future__ import annotations

from collections.abc import Mapping

from sim.ballot import UNDECIDED
from sim.districts.profile import MultiMemberDistricts
from sim.output.records import ModelAssumption, SourceAssumption
from sim.polls.support import SupportModel
from sim.scenario import Scenario

REST = "rest"  # the respondents a source's polls did not split among the options they report


def assumptions(scenario: Scenario, support: SupportModel) -> dict:
    """What the scenario assumes, in words and numbers, for reports; what the polls measured
    and what the scenario assumed on top of them stay apart."""
    document = {
        "system": {"seats": scenario.system.seats, "threshold": float(scenario.system.threshold),
                   "threshold_base": scenario.system.threshold_base,
                   **({"threshold_scope": scenario.system.threshold_scope}
                      if scenario.system.threshold_scope != "national" else {}),
                   "method": scenario.system.method,
                   "runner_up": scenario.system.runner_up is not None,
                   "cap": scenario.system.cap,
                   "appointed": {a.name: a.seats for a in scenario.appointed}},
        "rules": scenario.law.describe() + [
            f"{a.name}: {a.seats} seats not elected from the lists"
            + (f", counted with {a.bloc}" if a.bloc else "") + "." for a in scenario.appointed
        ] + [f"{item.name} stands for several parties: it counts in the threshold base and "
             "the shares, and takes no seats." for item in scenario.lists if item.aggregate],
        "sources": [_source(scenario, source, prior, effects, weight)
                    for source, prior, effects, weight in zip(
                        scenario.sources, support.priors, support.effects, support.weights)],
        "model": _model(scenario.model, support, scenario.options),
    }
    if scenario.campaign is not None:
        document["campaign"] = {
            "days": scenario.campaign.days,
            "drift_sd": scenario.campaign.drift_sd.describe(),
            "events": [event.describe() for event in scenario.campaign.events],
            "endorsers": {e.name: f"pool {e.pool.describe()}, follows {e.fraction.describe()}"
                          f", targets {', '.join(e.targets)}"
                          for e in scenario.campaign.endorsers},
        }
    if isinstance(scenario.districts, MultiMemberDistricts):
        profile = scenario.districts
        document["districts"] = {
            "seats": profile.seats, "districts": len(profile.names),
            "profile": profile.profile_file, "swing": profile.swing,
            "spread": profile.spread.describe(),
            "regions": {r.name: [profile.names[d] for d in r.districts]
                        for r in profile.regions},
            "region_spread": None if profile.region_spread is None
            else profile.region_spread.describe()}
    elif scenario.districts is not None:
        tier = scenario.districts
        independents = tier.independents
        document["districts"] = {
            "seats": tier.seats, "rule": tier.rule,
            "majority": str(tier.majority) if tier.rule == "two-round" else None,
            "spread": tier.spread, "baseline": tier.baseline_file,
            "independents": None if independents is None else {
                "name": independents.name, "share": independents.share.describe(),
                "bloc": independents.bloc}}
    if scenario.count is not None:
        count = scenario.count
        document["count"] = {
            "registered": count.registered, "turnout": count.turnout.describe(),
            "invalid": count.invalid.describe(),
            "turnout_multipliers": {k: v.describe() for k, v in
                                    count.turnout_multipliers.items()},
            "inflation": None if count.inflation is None else {
                "list": count.inflation.list,
                "stuffing": count.inflation.stuffing and count.inflation.stuffing.describe(),
                "misrecording": count.inflation.misrecording
                and count.inflation.misrecording.describe()},
        }
    return document


def _source(scenario, source, prior, effects, weight) -> dict:
    """One source: measured shares of respondents (options reported by every poll, then the
    rest as one total), the assumed split of the rest, and the house effects."""
    components = scenario.options + (UNDECIDED,)
    measured = {c: _round(share) for c, share, m in zip(components, prior.shares, prior.measured)
                if m}
    rest = [c for c, share, m in zip(components, prior.shares, prior.measured)
            if not m and share > 0]
    total = sum(prior.shares[components.index(c)] for c in rest)
    if rest:
        measured[REST] = _round(total)
    return {
        "id": source.id, "name": source.name, "weight": _round(weight), "kind": source.kind,
        "respondents": _round(prior.respondents), "design_effect": _round(prior.design_effect),
        "n_effective": _round(prior.n_effective),
        "measured": measured,
        "assumed": {"split_of_rest": {c: _round(prior.shares[components.index(c)] / total)
                                      for c in rest},
                    "fill_strength": prior.fill_strength} if rest else None,
        "undecided": _round(prior.undecided),
        "half_life_days": source.half_life_days,
        "house_effects": {option: effect.describe() for option, effect
                          in zip(scenario.options, effects) if effect is not None},
        "polls": [{"pollster": poll.pollster, "n": poll.n,
                   "fieldwork_end": poll.fieldwork_end and poll.fieldwork_end.isoformat(),
                   "design_effect": poll.design_effect,
                   "design_effect_assumed": not poll.design_effect_stated,
                   "reported": {k: v for k, v in poll.shares.items() if k in poll.reported},
                   "filled": {k: v for k, v in poll.shares.items() if k not in poll.reported},
                   # Only a recall poll says its kind: earlier result files stay the same.
                   **({"kind": poll.kind} if poll.kind != "poll" else {})}
                  for poll in scenario.polls if poll.source == source.id],
    }


def _model(model, support: SupportModel, options: tuple[str, ...]) -> dict:
    error = model.error
    document = {"combine": model.combine, "undecided": model.undecided,
                "flat_prior": model.flat_prior, "fill_strength": model.fill_strength,
                "error": {"election_sd": error.election_sd.describe(),
                          "source_sd": error.source_sd.describe(),
                          "bloc_sd": error.bloc_sd.describe(), "note": error.note,
                          "sampling_error_only": error.is_zero}}
    if support.structural is not None:
        structural = model.structural
        document["structural"] = {
            "previous": structural.previous, "change_sd": structural.change_sd.describe(),
            "drift": {key: value.describe() for key, value in structural.drift.items()},
            "note": structural.note,
            "poll_weight": {options[row]: _round(weight) for row, weight
                            in zip(support.structural.rows.tolist(), support.poll_weight)}}
    if support.pooled is not None:
        document["between_sd"] = {
            "declared": model.between_sd, "used": _round(support.pooled.between_sd),
            "estimated": None if support.pooled.estimated_sd is None
            else _round(support.pooled.estimated_sd)}
    return document


def _round(value) -> float:
    return round(float(value), 6)


def describe_source(source: SourceAssumption, names: dict[str, str]) -> str:
    """A source's assumptions document in words: what it measured, what was assumed."""
    label = {**names, "undecided": "undecided", "against_all": "against all", REST: "the rest"}
    measured = ", ".join(f"{label.get(k, k)} {100 * v:.1f}%" for k, v in source.measured.items())
    stated = [poll.design_effect_assumed for poll in source.polls]
    design = f"design effect {source.design_effect:.3g}" + (
        " (assumed: not stated)" if all(stated) else " (partly assumed)" if any(stated) else "")
    words = (f"{source.name} (weight {source.weight:.0%}): measured {measured} of "
             f"{source.respondents:,.0f} respondents, {design}")
    if source.assumed:
        split = ", ".join(f"{label.get(k, k)} {100 * v:.0f}%"
                          for k, v in source.assumed.split_of_rest.items())
        words += (f"; assumed split of the rest: {split} (fill strength "
                  f"{source.assumed.fill_strength:g})")
    if source.house_effects:
        words += "; house effects " + ", ".join(f"{label.get(k, k)} {v}" for k, v in
                                                source.house_effects.items())
    recalls = sum(poll.kind == "recall" for poll in source.polls)
    if recalls:
        polls = len(source.polls)
        which = "its poll is a recall poll" if polls == 1 else \
            f"{recalls} of its {polls} polls " + ("is a recall poll" if recalls == 1
                                                  else "are recall polls")
        words += f"; {which} (asked after the election how people voted)"
    if source.half_life_days:
        words += f"; a poll {source.half_life_days:g} days older counts half"
    return words + "."


def describe_error(model: ModelAssumption, names: Mapping[str, str] | None = None) -> str:
    """The error model in words; ``names`` (option id -> list name) names the lists."""
    error = model.error
    if error.sampling_error_only:
        return "Survey error: none declared, so the intervals show sampling error only."
    words = (f"Survey error (log scale sd): election {error.election_sd}, source "
             f"{error.source_sd}" + (f", bloc {error.bloc_sd}" if error.bloc_sd != "0" else ""))
    words += f" ({error.note})." if error.note else "."
    structural = model.structural
    if structural is not None:
        weights = ", ".join(f"{(names or {}).get(option, option)} {weight:.0%}"
                            for option, weight in structural.poll_weight.items())
        words += (f" Structural prior: the previous result ({structural.previous}) with a "
                  f"change of sd {structural.change_sd}; the polls' share of each list's "
                  f"precision (the rest is the prior's): {weights}.")
    return words
