"""A two-level cache of serialised public feed pages, keyed by circle slug and generation.

Posting into or removing from a circle bumps the circle's generation after commit. Readers check
the shared generation (Redis with CACHE_REDIS_URL) at most once per GENERATION_TTL seconds per
process, so a new post shows everywhere within a second; the page bodies live in the shared cache
and in a small per-process TTL cache in front of it, so a hot feed is served without a network
round trip. Counters on a cached page (likes, comments) may lag by FEED_CACHE_SECONDS.
"""
import threading
import time

from cachetools import TTLCache
from flask import current_app

from community.extensions import cache

GENERATION_TTL = 1.0
_lock = threading.Lock()
_generations = {}
_local = {"ttl": None, "pages": None}


def _gen_key(circle_slug):
    return f"feedgen:{circle_slug}"


def _local_pages(seconds):
    if _local["ttl"] != seconds:
        _local.update(ttl=seconds, pages=TTLCache(maxsize=2048, ttl=seconds))
    return _local["pages"]


def known_generation(circle_slug):
    """The circle's generation as this process last read it, or None when that is over a second old."""
    known = _generations.get(circle_slug)
    if known is not None and time.monotonic() - known[1] < GENERATION_TTL:
        return known[0]
    return None


def generation(circle_slug):
    """The circle's current generation (needs an app context when the local copy is stale)."""
    known = known_generation(circle_slug)
    if known is not None:
        return known
    value = cache.get(_gen_key(circle_slug)) or 0
    _generations[circle_slug] = (value, time.monotonic())
    return value


def get_or_build(circle_slug, variant, build):
    """Return the cached body for (circle, variant), or build, store and return it."""
    seconds = current_app.config["FEED_CACHE_SECONDS"]
    if seconds <= 0:
        return build()
    key = f"feed:{circle_slug}:{generation(circle_slug)}:{variant}"
    with _lock:
        pages = _local_pages(seconds)
        body = pages.get(key)
    if body is not None:
        return body
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, timeout=seconds)
    with _lock:
        pages[key] = body
    return body


def bump(circle_slug):
    if current_app.config["FEED_CACHE_SECONDS"] > 0:
        # The backend's atomic increment (Redis INCRBY), so concurrent writers never lose a bump.
        _generations[circle_slug] = (cache.cache.inc(_gen_key(circle_slug)), time.monotonic())
