"""The first outbox consumer: notifications for comments on your post and new followers."""
import logging

from celery import shared_task

from community.services import notifications

log = logging.getLogger(__name__)


@shared_task(name="workers.notify.deliver_notification", ignore_result=True)
def deliver_notification(event_id):
    outcome = notifications.apply_event(event_id)
    log.info("notification event %s: %s", event_id, outcome)
    return outcome
