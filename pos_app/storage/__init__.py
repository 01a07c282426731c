"""SQLite storage: typed rows, repositories, the unit of work and migrations."""
