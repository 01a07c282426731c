"""The till's business rules, in pure Python (standard library only)."""
