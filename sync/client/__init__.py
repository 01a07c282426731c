"""The till side of sync: pushing the outbox and the journal, pulling reference data."""
