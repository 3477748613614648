"""classify_post on the moderation queue: late ack, prefetch 1, bounded retries on transient errors."""
import logging

from celery import shared_task

from workers.retries import run_retrying

log = logging.getLogger(__name__)


@shared_task(name="workers.moderation.classify_post", bind=True, acks_late=True, max_retries=5,
             ignore_result=True)
def classify_post(self, post_id, content_version):
    from moderation import cascade
    from moderation.verdicts import classify_and_apply

    outcome = run_retrying(self, classify_and_apply, post_id, content_version, cascade.classify)
    log.info("classify_post %s v%s: %s", post_id, content_version, outcome)
    return outcome


@shared_task(name="workers.moderation.reconcile_verdicts", ignore_result=True)
def reconcile_verdicts():
    """Re-send classify_post for posts left without a verdict (a lost message, a task given up on).

    classify_post is idempotent per (post, content version, model version), so a post that is merely
    slow, not lost, is at worst classified once and skipped once."""
    from flask import current_app

    from moderation.verdicts import unclassified

    missing = unclassified(current_app.config["MODERATION_RECONCILE_GRACE_SECONDS"])
    for post_id, version in missing:
        classify_post.apply_async((post_id, version), queue="moderation")
    if missing:
        log.warning("reconcile: %d post(s) had no verdict, sent to classify again", len(missing))
    return len(missing)
