"""Review-queue tests run on PostgreSQL like the community tests (the moderation library's
conftest turns the database fixture off; this one turns it back on)."""
from types import SimpleNamespace

import pytest

from tests.community.conftest import world  # noqa: F401
from tests.conftest import _rollback, auth  # noqa: F401


@pytest.fixture
def mods(make_member):
    first, first_token = make_member("moderator", nickname="审核员甲")
    second, second_token = make_member("moderator", nickname="审核员乙")
    return SimpleNamespace(a=first, a_token=first_token, b=second, b_token=second_token)


@pytest.fixture
def make_post(app, client, world):
    """A visible haul post by the world's author (or another member); returns its id."""
    from tests.community.conftest import haul, join

    def make(token=None, **overrides):
        token = token or world.author_token
        join(client, token)
        resp = client.post("/api/v1/posts", json=haul(**overrides), headers=auth(token))
        assert resp.status_code == 201, resp.json
        return resp.json["id"]
    return make
