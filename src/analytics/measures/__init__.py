"""The measures: pure functions from a campaign's tables to figures.

Layers, top down (import-linter keeps them): `kpis` (a unit's figures, cached per campaign) -> `evaluation`
(ratings, commitments, appraisal) and `findings` (data-quality findings) -> `metrics` (docs/domain.md's metric
functions). Nothing is imported here, so that `import analytics.measures` loads no pandas.
"""
