"""Retries for the workers' tasks: only errors that pass on their own, with backoff and a bound.

A transient database error (a dropped connection, a deadlock or serialisation failure: SQLAlchemy's
OperationalError) is retried; any other database error is a bug to see and fails the task. A task
may name more errors worth a retry (the search engine down). The session is rolled back either way,
so the next task on this worker starts clean. The bound is the task's own ``max_retries``.
"""
import logging

from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)


def is_transient(exc):
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def backoff(task):
    """Seconds before the next attempt: 1, 2, 4 ... at most a minute."""
    return min(60, 2 ** task.request.retries)


def run_retrying(task, fn, *args, retry_on=(), **kwargs):
    """``fn(*args, **kwargs)``; on a transient error roll back and have ``task`` retried later."""
    from community.extensions import db

    try:
        return fn(*args, **kwargs)
    except DBAPIError as exc:
        db.session.rollback()
        if not is_transient(exc):
            raise
        raise task.retry(exc=exc, countdown=backoff(task))
    except retry_on as exc:
        db.session.rollback()
        log.warning("%s: %s (attempt %d)", task.name, exc, task.request.retries + 1)
        raise task.retry(exc=exc, countdown=backoff(task))
