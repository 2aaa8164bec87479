"""The last-digit flag of ``summary.stations.fingerprints`` is read against the clean
layer's distribution of the same run, so a clean election false-alarms at most the risk
even where the test's nominal p-value does not (docs/stations.md, question 3)."""

from __future__ import annotations

import numpy as np

from sim.stations.summary import StationSummary


def _layer(last_digit_p: np.ndarray) -> dict[str, np.ndarray]:
    n = last_digit_p.size
    return {"integer_excess": np.zeros(n), "corner": np.zeros(n), "correlation": np.zeros(n),
            "integer_p": np.ones(n), "last_digit_p": last_digit_p}


def _summary() -> StationSummary:
    """A summary of one draw's fractions (to_dict needs draws), fingerprints to come."""
    summary = StationSummary(("a", "b"), "a", None)
    summary.add({name: np.zeros(1) for name in summary.names}, np.zeros((1, 2)), None, {})
    return summary


def _clean(chunks: int) -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    return [rng.uniform(size=300) ** 3 for _ in range(chunks)]


def _document(chunks: int) -> dict:
    summaries = []
    # clean p-values skewed low (a third below 0.05: the nominal test false-alarms), the
    # protocols' lower still
    for clean in _clean(chunks):
        summary = _summary()
        summary.add_fingerprints({"clean": _layer(clean), "protocol": _layer(clean / 50)},
                                 stations=100, risk=0.05)
        summaries.append(summary)
    whole = summaries[0]
    for other in summaries[1:]:
        whole.merge(other)
    return whole.to_dict()["fingerprints"]


def test_a_clean_election_does_not_false_alarm_more_than_the_risk():
    prints = _document(chunks=3)
    assert prints["clean"]["p_digits_nominal"] > 0.3  # what the nominal p-value gives
    assert 0.04 <= prints["clean"]["p_digits_flag"] <= 0.05
    clean = np.concatenate(_clean(3))
    # the critical p is the clean draws' 5% quantile, within a bin (2% of p) and a draw
    critical = prints["digits_critical_p"]
    assert 0.04 <= np.mean(clean <= critical * 1.03) <= 0.05 + 1 / clean.size
    # the protocols' p-values are 50 times smaller: they flag where clean < 50 critical
    assert abs(prints["protocol"]["p_digits_flag"] - np.mean(clean / 50 <= critical)) < 0.01
    assert prints["protocol"]["p_digits_flag"] > 0.15


def test_the_flag_is_the_same_for_any_chunking():
    one = _summary()
    values = _clean(3)
    one.add_fingerprints({"clean": _layer(np.concatenate(values)),
                          "protocol": _layer(np.concatenate(values) / 50)}, 100, 0.05)
    one.draws = 3  # as the three chunks' summaries merged
    assert one.to_dict()["fingerprints"] == _document(chunks=3)
