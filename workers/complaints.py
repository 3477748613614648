"""Complaint routing from verdicts and the SLA sweep, on the moderation queue."""
import logging

from celery import shared_task

from workers.retries import run_retrying

log = logging.getLogger(__name__)


@shared_task(name="workers.complaints.route_complaint", bind=True, acks_late=True, max_retries=5,
             ignore_result=True)
def route_complaint(self, event_id):
    from moderation.complaints import apply_verdict_event

    outcome = run_retrying(self, apply_verdict_event, event_id)
    log.info("complaint from event %s: %s", event_id, outcome)
    return outcome


@shared_task(name="workers.complaints.escalate_overdue", bind=True, max_retries=3, ignore_result=True)
def escalate_overdue(self):
    from moderation.complaints_sla import escalate_overdue as sweep

    escalated = run_retrying(self, sweep)
    if escalated:
        log.info("escalated %d complaints past their SLA", escalated)
    return escalated
