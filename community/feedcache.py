"""A short-lived cache of serialised public feed pages, keyed by the circle (slug, which never changes) and its generation.

Posting into or removing from a circle bumps its generation after commit, so the next read misses
and the change shows immediately; counters (likes, comments) may lag by FEED_CACHE_SECONDS.
With CACHE_REDIS_URL the cache and generations are shared by all processes; without it each
process has its own, and another process may serve a page up to the timeout old.
"""
import time

from flask import current_app

from community.extensions import cache

# Each process remembers a circle's generation for GENERATION_TTL seconds, saving a round trip to
# the cache on every read; a bump made in another process is seen within that time.
GENERATION_TTL = 1.0
_generations = {}


def _gen_key(circle_slug):
    return f"feedgen:{circle_slug}"


def get_or_build(circle_slug, variant, build):
    """Return the cached body for (circle, variant), or build, store and return it."""
    seconds = current_app.config["FEED_CACHE_SECONDS"]
    if seconds <= 0:
        return build()
    generation = _generation(circle_slug)
    key = f"feed:{circle_slug}:{generation}:{variant}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, timeout=seconds)
    return body


def _generation(circle_slug):
    now = time.monotonic()
    known = _generations.get(circle_slug)
    if known is not None and now - known[1] < GENERATION_TTL:
        return known[0]
    generation = cache.get(_gen_key(circle_slug)) or 0
    _generations[circle_slug] = (generation, now)
    return generation


def bump(circle_slug):
    if current_app.config["FEED_CACHE_SECONDS"] > 0:
        # The backend's atomic increment (Redis INCRBY), so concurrent writers never lose a bump.
        _generations[circle_slug] = (cache.cache.inc(_gen_key(circle_slug)), time.monotonic())
