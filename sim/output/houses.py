"""The house a result elects and the law it counts seats by, in words.

``compare`` and the report put results side by side only when these words are the same:
the same house, tiers, method, threshold, cap and runner-up rule. (Who the appointed seats
are credited to is not in the words; it moves bloc totals, not the house.)
"""

from __future__ import annotations


def seats_words(summary: dict) -> str:
    """"107 seats: 98 from lists", "98 seats: 69 from lists, 29 from districts" or "350
    seats in 52 districts": the house and its tiers, for a result's summary."""
    parliament = summary["parliament"]
    districts = parliament.get("district_seats")
    if not parliament["list_seats"] and summary.get("districts"):
        return f"{parliament['house']} seats in {len(summary['districts'])} districts"
    tiers = f", {districts} from districts" if districts else ""
    return f"{parliament['house']} seats: {parliament['list_seats']} from lists{tiers}"


def law_and_house(document: dict) -> str:
    """"107 seats (98 from lists), hare, threshold 7%, runner-up rule" for a result
    document: the house, its tiers, the method, the threshold, and the cap and the
    runner-up rule when in force."""
    system = document.get("assumptions", {}).get("system", {})
    threshold = f"threshold {100 * system.get('threshold', 0):g}%"
    if system.get("threshold_base", "valid") != "valid":
        threshold += f" of {system['threshold_base']}"
    if system.get("threshold_scope", "national") != "national":
        threshold += " per district"
    house, _, tiers = seats_words(document["summary"]).partition(": ")
    words = [f"{house} ({tiers})" if tiers else house, system.get("method", "?"), threshold]
    if system.get("cap") is not None:
        words.append(f"cap {system['cap']}")
    if system.get("runner_up"):
        words.append("runner-up rule")
    return ", ".join(words)
