"""Poll sources and polls as a scenario states them, and the support draws they give."""
