"""Alembic environment: run with a connection given by webui.storage.upgrade, or with
sqlalchemy.url / DATABASE_URL from the command line (alembic -c webui/migrations/alembic.ini)."""

import os

import sqlalchemy as sa
from alembic import context

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL") or "sqlite:///instance/vagvisare.sqlite3"
    with sa.create_engine(url).begin() as conn:
        run(conn)
