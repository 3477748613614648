"""The review queue's consumers: verdicts and reports open cases; the age part of priorities."""
import logging

from celery import shared_task
from workers.retries import run_retrying

log = logging.getLogger(__name__)


@shared_task(name="workers.review.open_cases", bind=True, acks_late=True, max_retries=5, ignore_result=True)
def open_cases(self, event_id):
    from moderation.intake import apply_event

    outcome = run_retrying(self, apply_event, event_id)
    log.info("review event %s: %s", event_id, outcome)
    return outcome


@shared_task(name="workers.review.refresh_priorities", ignore_result=True)
def refresh_priorities():
    from community.extensions import db
    from moderation.priority import refresh_ages

    touched = refresh_ages()
    db.session.commit()
    return touched
