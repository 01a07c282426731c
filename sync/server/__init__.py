"""The central server: FastAPI app, its store and its command (`caisse-server`)."""
