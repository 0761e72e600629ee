"""Measures: pure functions from KPI tables to the figures people read (restatements and revisions, ...)."""
