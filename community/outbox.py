"""Append events to the outbox inside the caller's transaction; nudge the relay after commit.

Events are rows in the same database as the change they describe, so a change and its event
commit or roll back together. Delivery to the broker happens later (workers.relay); if the broker
is down the rows simply wait for the next sweep.
"""
import logging

from flask import current_app

from community.extensions import db
from community.models import OutboxEvent

log = logging.getLogger(__name__)


def emit(topic, aggregate_type, aggregate_id, **payload):
    event = OutboxEvent(topic=topic, aggregate_type=aggregate_type,
                        aggregate_id=aggregate_id, payload=payload)
    db.session.add(event)
    db.session.info["outbox_pending"] = True
    return event


def after_commit(callback):
    """Run `callback()` after the next `commit()` succeeds (cache bumps and the like)."""
    db.session.info.setdefault("after_commit", []).append(callback)


def commit():
    """The one commit of a use case: commit, then nudge the relay if events were written."""
    pending = db.session.info.pop("outbox_pending", False)
    callbacks = db.session.info.pop("after_commit", [])
    try:
        db.session.commit()
    except Exception:
        db.session.info.pop("after_commit", None)
        raise
    for callback in callbacks:
        callback()
    if pending:
        nudge()


def nudge():
    nudger = current_app.extensions.get("outbox_nudge")
    if nudger is None or not current_app.config.get("OUTBOX_NUDGE", True):
        return
    nudger()
