"""The public feed's edge cache: what it answers, what it never stores, and when it lets go."""
import time

from flask import Response

from community.edgecache import FeedEdgeCache
from tests.community.conftest import haul, join
from tests.conftest import auth


def _post(client, token, title):
    resp = client.post("/api/v1/posts", json=haul(title=title), headers=auth(token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _ids(resp):
    return [p["id"] for p in resp.json["items"]]


def test_repeated_anonymous_reads_are_identical_and_a_new_post_shows_at_once(client, world):
    join(client, world.author_token)
    first = _post(client, world.author_token, "边缘缓存第一篇")
    a = client.get("/api/v1/circles/beauty/posts?sort=new")
    b = client.get("/api/v1/circles/beauty/posts?sort=new")
    assert a.status_code == b.status_code == 200
    assert a.data == b.data and a.headers["Content-Type"] == b.headers["Content-Type"] == "application/json"
    assert _ids(b) == [first]
    second = _post(client, world.author_token, "边缘缓存第二篇")
    assert _ids(client.get("/api/v1/circles/beauty/posts?sort=new")) == [second, first]


def test_a_deleted_post_leaves_the_cached_page_at_once(client, world):
    join(client, world.author_token)
    keep, gone = _post(client, world.author_token, "留下"), _post(client, world.author_token, "删除")
    assert _ids(client.get("/api/v1/circles/beauty/posts")) == [gone, keep]
    assert client.delete(f"/api/v1/posts/{gone}", headers=auth(world.author_token)).status_code in (200, 204)
    assert _ids(client.get("/api/v1/circles/beauty/posts")) == [keep]


def test_bad_arguments_stay_flasks_answer_every_time(client, world):
    for _ in range(2):
        resp = client.get("/api/v1/circles/beauty/posts?sort=sideways")
        assert resp.status_code == 422 and "error" in resp.json
    assert client.get("/api/v1/circles/no-such-circle/posts").status_code == 404


class _Recorder:
    """A stand-in inner WSGI app: counts calls and answers what the test tells it to."""

    def __init__(self, headers=()):
        self.calls = 0
        self.headers = list(headers)

    def __call__(self, environ, start_response):
        self.calls += 1
        return Response(b'{"n": %d}' % self.calls, mimetype="application/json", headers=self.headers)(
            environ, start_response)


def _get(layer, path, **environ):
    seen = {}
    body = layer({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", **environ},
                 lambda status, headers, exc_info=None: seen.update(status=status, headers=headers))
    return seen["status"], b"".join(body)


def test_credentials_bypass_and_cookies_are_never_stored(app):
    inner = _Recorder()
    layer = FeedEdgeCache(app, inner)
    path = "/api/v1/circles/beauty/posts"
    assert _get(layer, path) == _get(layer, path) == ("200 OK", b'{"n": 1}')
    assert _get(layer, path, HTTP_COOKIE="session=abc")[1] == b'{"n": 2}'
    assert _get(layer, path, HTTP_AUTHORIZATION="Bearer t")[1] == b'{"n": 3}'
    _get(layer, path, REQUEST_METHOD="HEAD")
    assert inner.calls == 4
    assert _get(layer, "/api/v1/circles")[1] == b'{"n": 5}'
    setter = FeedEdgeCache(app, _Recorder(headers=[("Set-Cookie", "session=secret")]))
    assert _get(setter, path)[1] == b'{"n": 1}' and _get(setter, path)[1] == b'{"n": 2}'


def test_entries_expire_with_the_feed_cache_and_zero_turns_the_layer_off(app):
    inner = _Recorder()
    layer = FeedEdgeCache(app, inner)
    path = "/api/v1/circles/beauty/posts"
    saved = app.config["FEED_CACHE_SECONDS"]
    try:
        app.config["FEED_CACHE_SECONDS"] = 0.2
        assert _get(layer, path)[1] == _get(layer, path)[1] == b'{"n": 1}'
        time.sleep(0.25)
        assert _get(layer, path)[1] == b'{"n": 2}'
        app.config["FEED_CACHE_SECONDS"] = 0
        assert _get(layer, path)[1] == b'{"n": 3}' and _get(layer, path)[1] == b'{"n": 4}'
    finally:
        app.config["FEED_CACHE_SECONDS"] = saved
