"""The shipped calibration data and counts, and a small count, for the inference tests."""

from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
POLLS = str(ROOT / "scenarios" / "calibration" / "kazakhstan-polls.csv")
TALLIES = {f"KZ{year}": str(ROOT / "scenarios" / "history" / f"kz-{year}.toml")
           for year in (2012, 2021, 2023)}
BACKTEST = ROOT / "scenarios" / "backtest"

TALLY = """
[system]
seats = 10
threshold = 0.05

[votes]
a = 50
b = 30
c = 20

[official]
a = 5
b = 3
c = 2
"""
