"""Inference from observed tallies: likelihood-free inference of a scenario's unknowns."""
