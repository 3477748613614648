"""Settings fail fast in production; the migrations have one head and build exactly the models."""
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from community.config import ConfigError, load_config
from tests.services import PG_TEST_DB, pg_url

# beside the suite's own database, so two suites on one machine (TEST_PG_DATABASE) do not collide
MIGRATIONS_DB = f"{PG_TEST_DB}_migrations"

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_production_without_secret_refuses_to_start():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"COMMUNITY_ENV": "production", "DATABASE_URL": "postgresql://x/y"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config({"COMMUNITY_ENV": "production", "SECRET_KEY": "s"})
    cfg = load_config({"COMMUNITY_ENV": "production", "SECRET_KEY": "s", "DATABASE_URL": "postgresql://x/y"})
    assert cfg["SESSION_COOKIE_SECURE"] is True


def test_embedded_defaults_need_no_settings(tmp_path):
    cfg = load_config({"INSTANCE_DIR": str(tmp_path)})
    assert cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert cfg["CELERY_BROKER_URL"] == "filesystem://"
    with pytest.raises(ConfigError, match="IMAGE_MAX_BYTES"):
        load_config({"IMAGE_MAX_BYTES": "ten"})


def test_migrations_have_a_single_head():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_builds_exactly_the_models(app, tmp_path):
    """Run the real migrations on a scratch PostgreSQL database and diff it against the models."""
    from flask_migrate import upgrade

    from community.extensions import db
    admin = sa.create_engine(pg_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{MIGRATIONS_DB}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{MIGRATIONS_DB}"'))
    url = pg_url(MIGRATIONS_DB)
    from community import create_app
    scratch = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path), "TESTING": True})
    with scratch.app_context():
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{MIGRATIONS_DB}" WITH (FORCE)'))
    assert diff == []
