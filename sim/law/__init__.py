"""The electoral law: systems, the house, allocation methods and the vectorised allocation."""
