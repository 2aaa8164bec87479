"""The house a result elects and the law it counts seats by, in words.

``compare`` and the report put results side by side only when these words are the same:
the same house, tiers, method, threshold, cap and runner-up rule. (Who the appointed seats
are credited to is not in the words; it moves bloc totals, not the house.)
"""

from __future__ import annotations


def law_and_house(document: dict) -> str:
    """"107 seats (98 from lists), hare, threshold 7%, runner-up rule" for a result
    document: the house, its tiers, the method, the threshold, and the cap and the
    runner-up rule when in force."""
    parliament = document["summary"]["parliament"]
    system = document.get("assumptions", {}).get("system", {})
    tiers = f"{parliament['list_seats']} from lists"
    if parliament.get("district_seats"):
        tiers += f", {parliament['district_seats']} from districts"
    threshold = f"threshold {100 * system.get('threshold', 0):g}%"
    if system.get("threshold_base", "valid") != "valid":
        threshold += f" of {system['threshold_base']}"
    words = [f"{parliament['house']} seats ({tiers})", system.get("method", "?"), threshold]
    if system.get("cap") is not None:
        words.append(f"cap {system['cap']}")
    if system.get("runner_up"):
        words.append("runner-up rule")
    return ", ".join(words)
