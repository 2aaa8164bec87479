"""Inference from what was observed: calibration of the poll error model against past
elections, backtests, and likelihood-free inference of a scenario's unknowns from a
published count."""
