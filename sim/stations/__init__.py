"""The station level: a frame of polling stations under each draw's national count.

``spec`` reads ``[stations]`` (frame, heterogeneity, manipulation, observers); ``counts`` is
the array contract (:class:`StationCounts`); ``model`` splits each draw's genuine count over
the stations (exact totals); ``manipulation`` carries it to the official count;
``observers`` the quick count; ``summary`` and ``run`` the engine's per-draw summaries;
``fingerprints``, ``published`` and ``screen`` the fingerprints and published station data.
docs/stations.md.
"""
