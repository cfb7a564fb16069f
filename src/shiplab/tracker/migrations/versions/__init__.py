"""Revisions, oldest first: 0001 the initial schema, 0002 people.active, 0003 index on ship_plans.updated_at."""
