"""Shared FastAPI knowledge as data: what is blocking, what is deprecated, what is what."""
