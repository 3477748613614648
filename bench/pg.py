"""The benchmarks' own PostgreSQL databases: each bench drops and recreates one by name."""
import os

import sqlalchemy as sa

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def db_url(name):
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def recreate_database(name):
    """Drop (closing its connections) and create `name`; returns its URL."""
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return db_url(name)
