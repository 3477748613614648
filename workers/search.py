"""The search index's tasks, on the search queue: one post per outbox event, engagement, reconcile.

`index_post` is what every outbox event that changes a post's document becomes (see
workers/consumers.py). It only says "look at this post again": `search.sync.sync_posts` reads the
row under its ledger lock and writes what the index lacks, so N events for one post cost one engine
write, and a redelivered or out-of-order event costs none (the event's version is only logged).
Late ack and prefetch 1 (workers/celery_app.py) mean a worker killed mid-task leaves the message to
be handed out again; retries are kept for errors that pass on their own (the database dropped the
connection, the engine is down or its writer lock is busy), with exponential backoff and a bound.
After the last retry the reconcile sweep repairs what the task could not write.
"""
import logging

from celery import shared_task

from search.backends.base import BackendUnavailable
from workers.retries import run_retrying

log = logging.getLogger(__name__)

MAX_RETRIES = 6


class IndexWriteFailed(Exception):
    """The engine refused some documents of a write (Elasticsearch item errors); worth a retry."""


# the engine down, or its writer lock busy, passes on its own too
_ENGINE_ERRORS = (BackendUnavailable, IndexWriteFailed)


def _sync_one(post_id):
    from search import sync

    result = sync.sync_posts([post_id])
    if result.failed:
        raise IndexWriteFailed("; ".join(f"{doc_id}: {reason}" for doc_id, reason in result.failed))
    if result.missing:
        # The row is gone for good (not a soft delete): no ledger either, so delete outright.
        forgotten = sync.forget_posts([post_id])
        if forgotten.failed:
            raise IndexWriteFailed(f"{post_id}: {forgotten.failed[0][1]}")
        return "gone"
    return "written" if result.written else "unchanged"


@shared_task(name="workers.search.index_post", bind=True, acks_late=True, max_retries=MAX_RETRIES,
             ignore_result=True)
def index_post(self, post_id, version=None):
    """Bring the index up to date for one post; safe to run any number of times, in any order."""
    outcome = run_retrying(self, _sync_one, post_id, retry_on=_ENGINE_ERRORS)
    log.info("index_post %s v%s: %s", post_id, version, outcome)
    return outcome


def _sync_author(member_id):
    from sqlalchemy import select

    from community.extensions import db
    from community.models import Post
    from search import sync

    ids = list(db.session.scalars(select(Post.id).where(Post.author_id == member_id)))
    db.session.rollback()
    result = sync.sync_in_batches(ids)
    if result.failed:
        raise IndexWriteFailed("; ".join(f"{doc_id}: {reason}" for doc_id, reason in result.failed))
    return result.written


@shared_task(name="workers.search.index_member_posts", bind=True, acks_late=True, max_retries=MAX_RETRIES,
             ignore_result=True)
def index_member_posts(self, member_id, version=None):
    """A change to the author (creator level) is in every one of their posts' documents."""
    written = run_retrying(self, _sync_author, member_id, retry_on=_ENGINE_ERRORS)
    log.info("index_member_posts %s: %d written", member_id, written)
    return written


@shared_task(name="workers.search.refresh_engagement", bind=True, acks_late=True, max_retries=3,
             ignore_result=True)
def refresh_engagement(self):
    """Likes emit no events; this sweep writes the counters of posts liked or commented on lately.

    The window spans several periods, so a sweep that was late or lost is covered by the next; a
    post whose counters the index already holds costs nothing.
    """
    from flask import current_app

    from search import sync

    period = float(current_app.config["SEARCH_ENGAGEMENT_SECONDS"])
    result = run_retrying(self, sync.refresh_engagement, window_seconds=max(4 * period, 120.0),
                          retry_on=_ENGINE_ERRORS)
    if result.written or result.failed:
        log.info("engagement refresh: %d written, %d failed", result.written, len(result.failed))
    return result.written


@shared_task(name="workers.search.reconcile_index", bind=True, acks_late=True, max_retries=3,
             ignore_result=True)
def reconcile_index(self):
    """Compare every post with the index and repair drift (a lost event, a task given up on)."""
    from search import sync

    report = run_retrying(self, sync.reconcile, retry_on=_ENGINE_ERRORS)
    if report.drift:
        log.warning("search reconcile: %d checked, %d missing, %d extra, %d outdated, %d repaired",
                    report.checked, len(report.missing), len(report.extra), len(report.outdated),
                    report.repaired)
    return report.drift
