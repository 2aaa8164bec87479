"""The Monte Carlo loop: chunks, seed streams, executors, summaries and sweeps."""
