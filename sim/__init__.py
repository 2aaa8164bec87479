"""elsim: Monte Carlo election scenarios for list proportional representation."""

__version__ = "0.1.0"
