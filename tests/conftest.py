"""Shared fixtures: one app on a real PostgreSQL database, each test inside a rolled-back transaction."""
import contextlib
import itertools
import os

import pytest
import sqlalchemy as sa

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from tests.services import PG_TEST_DB, pg_url, require_port  # noqa: E402

_counter = itertools.count(1)


def _ensure_database():
    require_port(pg_url(), "PostgreSQL")
    admin = sa.create_engine(pg_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_TEST_DB})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{PG_TEST_DB}"'))
    admin.dispose()


def base_config(tmp_path_factory, **extra):
    instance = tmp_path_factory.mktemp("instance")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": pg_url(),
        "INSTANCE_DIR": str(instance),
        "MEDIA_ROOT": str(instance / "media"),
        "CELERY_BROKER_DIR": str(instance / "broker"),
        "OUTBOX_NUDGE": False,
        "PASSWORD_TIME_COST": 1,
        "PASSWORD_MEMORY_COST": 1024,
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    _ensure_database()
    from community import create_app
    from community.extensions import db

    app = create_app(base_config(tmp_path_factory))
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


@pytest.fixture(autouse=True)
def _rollback(request, app):
    """Every test runs in a transaction that is rolled back; services' commits become savepoints."""
    if request.node.get_closest_marker("integration") or request.node.get_closest_marker("browser"):
        yield
        return
    with rolled_back(app):
        yield


@contextlib.contextmanager
def rolled_back(app):
    from community.extensions import db

    # Flask-SQLAlchemy picks its bind from the app's engine map, so the test connection is put
    # there; commits in services become savepoints inside the outer transaction. No app context is
    # held during the test, so each request gets its own session as in production.
    engines = db._app_engines[app]
    engine = engines[None]
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection
    original = db.session
    db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
    try:
        yield
    finally:
        db.session = original
        engines[None] = engine
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def make_member(app):
    """Create a member with a role (and a brand for brand users); returns (member, token)."""
    from community.extensions import db
    from community.services import accounts

    def make(role="member", username=None, brand_id=None, **fields):
        username = username or f"{role}{next(_counter)}x"
        with app.test_request_context():
            member = accounts.register(username, "password123", fields.pop("nickname", None))
            member.role = role
            if brand_id is not None:
                member.brand_id = brand_id
            for key, value in fields.items():
                setattr(member, key, value)
            if role == "creator":
                from community.models import CreatorProfile
                db.session.add(CreatorProfile(member_id=member.id, level="达人", verified=True))
            db.session.commit()
            token = accounts.issue_token(member)
            return db.session.get(type(member), member.id), token
    return make


def auth(token):
    return {"Authorization": f"Bearer {token}"}
