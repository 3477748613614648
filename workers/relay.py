"""The outbox relay: hands committed events to Celery, at least once, in id order.

Rows are claimed with SKIP LOCKED on PostgreSQL so concurrent relays do not double-send; a crash
between sending and marking re-sends, which the consumers' ledger absorbs.
"""
import logging

from celery import shared_task
from kombu.exceptions import OperationalError
from sqlalchemy import select

from community.extensions import db
from community.models import OutboxEvent
from community.models.base import utcnow
from workers.consumers import consumers_for

log = logging.getLogger(__name__)
BATCH = 200


@shared_task(name="workers.relay.relay_outbox", ignore_result=True)
def relay_outbox(max_batches=50):
    from celery import current_app as celery_app

    sent = 0
    for _ in range(max_batches):
        stmt = (select(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None))
                .order_by(OutboxEvent.id).limit(BATCH).with_for_update(skip_locked=True))
        events = db.session.scalars(stmt).all()
        if not events:
            break
        try:
            for event in events:
                for consumer in consumers_for(event.topic):
                    celery_app.send_task(consumer.task, args=consumer.args(event), queue=consumer.queue,
                                         retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
                event.dispatched_at = utcnow()
                event.attempts += 1
        except OperationalError as exc:
            db.session.rollback()
            log.warning("relay stopped, broker unavailable; %d events wait: %s", len(events), exc)
            return sent
        db.session.commit()
        sent += len(events)
    return sent
