"""PySide6 screens. They receive ready services (a `Context`) and never touch storage."""
