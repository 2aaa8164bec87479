"""The station level: a frame of polling stations under each draw's national count.

``spec`` reads ``[stations]``; ``counts`` is the array contract (:class:`StationCounts`);
``model`` splits each draw's national count over the stations (clean model, exact totals).
"""
