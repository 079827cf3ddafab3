"""Rate limits shared by every worker: hit counters in the database, one row per key and time window.

Used against guessing (join codes, sign-in). A counter in one process would let an attacker
multiply the limit by the number of workers; a row in the shared database does not. Keys are
stored hashed, so an email address used as a key is not kept in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import sqlalchemy as sa

from webui import storage


def allow(key: str, limit: int, window_seconds: int, engine: sa.Engine | None = None) -> bool:
    """Count one hit on `key`; False when `limit` hits already fell in the current window."""
    engine = engine or storage.db()
    now = time.time()
    bucket = int(now // window_seconds)
    digest = hashlib.sha256(f"{window_seconds}:{key}".encode()).hexdigest()
    expires = storage.now() + dt.timedelta(seconds=2 * window_seconds)
    table = storage.throttle
    with engine.begin() as conn:
        insert = _insert(engine)(table).values(key=digest, bucket=bucket, hits=1, expires=expires)
        insert = insert.on_conflict_do_update(index_elements=["key", "bucket"], set_={"hits": table.c.hits + 1})
        conn.execute(insert)
        hits = conn.execute(sa.select(table.c.hits).where(table.c.key == digest, table.c.bucket == bucket)).scalar_one()
        if bucket % 16 == 0:  # now and then, forget old windows
            conn.execute(table.delete().where(table.c.expires < storage.now()))
    return hits <= limit


def _insert(engine: sa.Engine):
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
