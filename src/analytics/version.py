"""The package's version, in a module of its own so that any layer can stamp outputs with it."""

__version__ = "0.1.0"
