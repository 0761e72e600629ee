"""Measures: pure functions from a campaign's tables to its figures, and the comparisons between two dates."""
