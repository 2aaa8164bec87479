"""Build configuration beyond setup.cfg: the shipped scenarios as package data.

``scenarios/`` stays the one copy in git; it installs as the data package ``sim.examples``
(a wheel copies it to ``sim/examples/``, an editable install maps the name to the folder).
Every ``*.toml``, ``*.csv`` and ``*.md`` below it ships, by the globs in setup.cfg.
"""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["sim", "sim.*"]) + ["sim.examples"],
      package_dir={"sim.examples": "scenarios"})
