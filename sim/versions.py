"""The versions a result or posterior file records: elsim's (from the installed
distribution's metadata) and those of the libraries whose numbers it depends on."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "elsim-seats"  # the name elsim is installed under


def elsim_version() -> str:
    """The installed distribution's version, read from its metadata (not from the package
    above every layer, ``sim/__init__.py``)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def versions() -> dict[str, str]:
    """elsim, numpy, scipy and simpy, by name (imported here only when asked)."""
    import numpy
    import scipy
    import simpy

    return {"elsim": elsim_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "simpy": simpy.__version__}
