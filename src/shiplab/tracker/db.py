"""The tracker's database: an engine for any SQLAlchemy URL, upgraded to the newest schema by Alembic.

SQLite is the default (one file in the state folder). Every SQLite connection gets ``foreign_keys=ON`` (SQLite
ignores foreign keys otherwise), WAL journaling (readers never wait for the one writer) and a busy timeout, so the
web service and the reminder loop can share the file. Any other URL (``postgresql://…``) works unchanged.

:func:`ensure_database` is safe to call at every start: it runs ``alembic upgrade head`` programmatically, which
creates an empty database and brings an old one forward, keeping its rows.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shiplab.errors import ShiplabError

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "tracker_alembic_version"  # not alembic_version: JupyterHub's, in a database the two may share
OLD_REVISIONS = ("0001", "0002", "0003")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite, the folder is created and the pragmas are set on every connection."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ShiplabError(f"tracker database URL {url!r} is not a SQLAlchemy URL.",
                           hint="use sqlite:////absolute/path/tracker.sqlite or postgresql://user@host/db.") from None
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run ``alembic upgrade <revision>`` on ``engine`` (tests use this to stop at an older revision)."""
    cfg = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with foreign keys on, that drop would
            # cascade-delete every plan of every person. Off for the migration (outside any transaction, or
            # SQLite ignores it), checked afterwards, then on again before the connection returns to the pool.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                _adopt_old_version_table(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise ShiplabError(f"the tracker database has {len(broken)} broken reference(s) after the "
                                           "upgrade; nothing was changed.",
                                           hint="restore the database from its backup and report this.")
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def _adopt_old_version_table(conn) -> None:
    """Tracker databases made before revision 0004 kept their revision in Alembic's default ``alembic_version``
    (which JupyterHub uses too); move it to the tracker's own table. Our revisions are ``0001``…; JupyterHub's
    are hex ids, so a hub's table sharing the database is never taken."""
    tables = set(inspect(conn).get_table_names())
    if VERSION_TABLE in tables or "alembic_version" not in tables or "ship_plans" not in tables:
        return
    rows = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    if len(rows) == 1 and rows[0] in OLD_REVISIONS:
        conn.exec_driver_sql(f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) NOT NULL, "
                             f"CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num))")
        conn.exec_driver_sql(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ('{rows[0]}')")
        conn.exec_driver_sql("DROP TABLE alembic_version")


def ensure_database(url: str) -> Engine:
    """The engine for ``url`` with the schema at the newest revision (created or upgraded as needed)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        raise ShiplabError(f"cannot open or upgrade the tracker database at {engine.url!r}: {exc.orig}",
                           hint="check the path or server in tracker.db_url (the settings file) and its permissions.",
                           log_message=str(exc)) from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
