"""The campaign: its description, event kinds, and its simpy run over whole arrays of draws."""
