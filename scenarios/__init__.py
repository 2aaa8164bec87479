"""The shipped scenarios, official counts and calibration data: the package ``sim.examples``.

setup.py installs this folder under that name, so that an installed elsim finds its data
through ``importlib.resources`` (``sim.packaged``) wherever it is installed.
"""
