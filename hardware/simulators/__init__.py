"""Devices simulated in the project, one per kind, for tests and `caisse devices simulate`."""
