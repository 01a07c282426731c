"""caisse: an offline-first till for French leisure venues."""

__version__ = "0.1.0"
