"""Browser tests reuse the integration fixtures: real gunicorn on PostgreSQL."""
from tests.integration.conftest import clean_db  # noqa: F401
