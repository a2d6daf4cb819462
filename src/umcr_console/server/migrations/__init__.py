"""Alembic migrations of the server database, run programmatically (server/migrate.py)."""
