"""Alembic environment: the tracker's metadata, on the connection :mod:`shiplab.tracker.db` hands over.

The revision is recorded in ``tracker_alembic_version``, not Alembic's default ``alembic_version``, which JupyterHub
uses for its own schema: the tracker may share the hub's PostgreSQL database without either mistaking the other's
revision for its own.
"""

from alembic import context
from sqlalchemy import create_engine

from shiplab.tracker.db import VERSION_TABLE
from shiplab.tracker.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                      version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    run(config.attributes["connection"])
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
        run(conn)
        conn.commit()
