"""Where the real services of the test machine live, and a hard failure when one is missing.

Integration tests never skip on a missing service: CI must not turn green because Redis died.
"""
import os
import socket
from urllib.parse import urlparse

import pytest

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_TEST_DB = os.environ.get("TEST_PG_DATABASE", "community_test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pg_url(database=PG_TEST_DB):
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def require_port(url, what):
    parsed = urlparse(url.replace("postgresql+psycopg", "postgresql"))
    host, port = parsed.hostname, parsed.port
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        pytest.fail(f"{what} is not reachable at {host}:{port} ({exc}). Start it (see README, "
                    f"'Services for the tests') — tests do not skip a missing service.", pytrace=False)
