"""Saved consultations: one row per case (a user's idea, with every guide they went through),
written in one transaction per request. SQLite file by default, PostgreSQL through DATABASE_URL.
The schema is made by the Alembic migrations in webui/migrations (run at start-up)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

metadata = sa.MetaData()

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

# Mirrors of the tables of migration 0002 (staff, audit, throttle, outbox), for queries.
staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("organisation", sa.String(64)),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
)
staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("staff_id", sa.String(32), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
)
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("subject_kind", sa.String(30), nullable=False),
    sa.Column("subject_id", sa.String(64), nullable=False),
    sa.Column("detail", sa.String(500), nullable=False),
)
throttle = sa.Table(
    "throttle",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("bucket", sa.BigInteger, primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Column("expires", sa.DateTime, nullable=False),
)
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.String(300)),
    sa.Column("claimed_until", sa.DateTime),
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    """An unguessable id (192 bits)."""
    return secrets.token_urlsafe(24)


def db() -> sa.Engine:
    """The database engine of the running app."""
    from flask import current_app

    return current_app.extensions["vagvisare_store"].engine


def make_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):  # durable and concurrent enough for a few workers
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

    return engine


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest migration. Several workers may start at once: they take
    a lock first (a file lock next to a SQLite file, an advisory lock on PostgreSQL)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with _migration_lock(engine):
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7410525)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


@contextlib.contextmanager
def _migration_lock(engine: sa.Engine):
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Store:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create(self, data: dict) -> str:
        case_id = new_id()
        t = now()
        with self.engine.begin() as conn:
            conn.execute(cases.insert().values(id=case_id, created=t, updated=t, data=json.dumps(data)))
        return case_id

    def load(self, case_id: str) -> dict | None:
        if not isinstance(case_id, str) or not (20 <= len(case_id) <= 64):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(cases.c.data).where(cases.c.id == case_id)).first()
        return json.loads(row[0]) if row else None

    def save(self, case_id: str, data: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(cases.update().where(cases.c.id == case_id).values(updated=now(), data=json.dumps(data)))

    def delete(self, case_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(cases.delete().where(cases.c.id == case_id))

    def purge(self, days: int) -> int:
        """Delete cases not touched for `days` days; returns how many."""
        cutoff = now() - dt.timedelta(days=days)
        with self.engine.begin() as conn:
            return conn.execute(cases.delete().where(cases.c.updated < cutoff)).rowcount
