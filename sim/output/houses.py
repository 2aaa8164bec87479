"""The house a result elects and the law it counts seats by, in words.

``compare`` and the report put results side by side only when these words are the same:
the same house, tiers, method, threshold, cap and runner-up rule. (Who the appointed seats
are credited to is not in the words; it moves bloc totals, not the house.)
"""

from __future__ import annotations

from sim.output.records import Result, Summary


def seats_words(summary: Summary) -> str:
    """"107 seats: 98 from lists", "98 seats: 69 from lists, 29 from districts" or "350
    seats in 52 districts": the house and its tiers, for a result's summary."""
    parliament = summary.parliament
    districts = parliament.district_seats
    if not parliament.list_seats and summary.districts:
        return f"{parliament.house} seats in {len(summary.districts)} districts"
    tiers = f", {districts} from districts" if districts else ""
    return f"{parliament.house} seats: {parliament.list_seats} from lists{tiers}"


def law_and_house(result: Result) -> str:
    """"107 seats (98 from lists), hare, threshold 7%, runner-up rule" for a result
    document: the house, its tiers, the method, the threshold, and the cap and the
    runner-up rule when in force."""
    system = result.assumptions.system
    threshold = f"threshold {100 * system.threshold:g}%"
    if system.threshold_base != "valid":
        threshold += f" of {system.threshold_base}"
    if (system.threshold_scope or "national") != "national":
        threshold += " per district"
    house, _, tiers = seats_words(result.summary).partition(": ")
    words = [f"{house} ({tiers})" if tiers else house, system.method, threshold]
    if system.cap is not None:
        words.append(f"cap {system.cap}")
    if system.runner_up:
        words.append("runner-up rule")
    return ", ".join(words)
