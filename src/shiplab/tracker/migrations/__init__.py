"""Alembic migrations of the tracker database (run by :func:`shiplab.tracker.db.ensure_database`)."""
