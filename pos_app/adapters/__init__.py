"""Small adapters with no better home: the system clock and the secret hasher."""
