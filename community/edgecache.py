"""Public circle feed pages answered in front of Flask, from process memory.

A hot circle feed is read far more often than it changes, and its body is the same for every
viewer (it carries no per-member fields). `feedcache` already keeps the serialised page for
FEED_CACHE_SECONDS; this WSGI layer keeps the finished response too, keyed by the raw query
string, so a repeated request skips routing, the session, argument parsing and the response
wrappers — the same micro-caching a reverse proxy would do, with the same invalidation:

- only a 200 that Flask produced for that exact query string is ever stored, so argument
  validation and error responses stay Flask's;
- an entry is tied to the circle's generation, which every post create, edit, delete and
  visibility change bumps, and it is checked at most a second old (as `feedcache` does), so a
  new or removed post shows everywhere within a second;
- entries live at most FEED_CACHE_SECONDS (0 turns this layer off with the rest of the cache);
- only requests without credentials (no cookie, no Authorization) are answered or stored here,
  and a response that sets a cookie is never stored, so no one's session can leak into another's
  answer; signed-in readers go through Flask and its page cache as before.
"""
import re
import threading
import time

from cachetools import LRUCache

from community import feedcache

FEED_PATH = re.compile(r"^/api/v1/circles/([^/]+)/posts$")


class FeedEdgeCache:
    def __init__(self, app, wsgi_app, maxsize=4096):
        self.app = app
        self.wsgi_app = wsgi_app
        self._lock = threading.Lock()
        self._entries = LRUCache(maxsize=maxsize)

    def __call__(self, environ, start_response):
        seconds = self.app.config["FEED_CACHE_SECONDS"]
        match = FEED_PATH.match(environ.get("PATH_INFO", "")) if _anonymous_get(environ) else None
        if match is None or seconds <= 0:
            return self.wsgi_app(environ, start_response)
        slug = match.group(1)
        generation = self._generation(slug)
        key = (slug, environ.get("QUERY_STRING", ""))
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] == generation and entry[1] > now:
            start_response("200 OK", list(entry[2]))
            return [entry[3]]
        return self._fill(environ, start_response, key, generation, now + seconds)

    def _generation(self, slug):
        known = feedcache.known_generation(slug)
        if known is not None:
            return known
        with self.app.app_context():
            return feedcache.generation(slug)

    def _fill(self, environ, start_response, key, generation, expires):
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        if not seen.get("status", "").startswith("200 ") or _sets_cookie(seen["headers"]):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        with self._lock:
            self._entries[key] = (generation, expires, tuple(seen["headers"]), body)
        return [body]


def _anonymous_get(environ):
    return (environ.get("REQUEST_METHOD") == "GET" and not environ.get("HTTP_COOKIE")
            and not environ.get("HTTP_AUTHORIZATION"))


def _sets_cookie(headers):
    return any(name.lower() == "set-cookie" for name, _ in headers)
