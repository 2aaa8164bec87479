"""Test configuration: hypothesis profiles.

``dev`` is quick for a working session; ``ci`` (chosen when the environment has ``CI`` set,
as our CI does, or with ``HYPOTHESIS_PROFILE=ci``) runs many more examples, derandomised so
that a CI failure reproduces.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=400, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
