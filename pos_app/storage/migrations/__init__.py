"""Alembic migrations of the till store."""
