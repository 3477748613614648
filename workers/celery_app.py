"""Flask's celery_init_app pattern: one Celery app bound to one Flask app, tasks in its context."""
import logging
from pathlib import Path

from celery import Celery, Task
from kombu import Queue
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

QUEUES = ("outbox", "notify", "moderation", "search")


def _broker_settings(app):
    url = app.config["CELERY_BROKER_URL"]
    settings = {"broker_url": url}
    if url.startswith(("redis://", "rediss://")):
        # With late acks, a task whose worker died is handed out again after this many seconds.
        settings["broker_transport_options"] = {"visibility_timeout": app.config["CELERY_VISIBILITY_TIMEOUT"]}
    if url.startswith("filesystem://"):
        # The embedded broker: a folder of message files, shared by web and worker processes.
        folder = Path(app.config["CELERY_BROKER_DIR"])
        for sub in ("in", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        settings["broker_transport_options"] = {
            "data_folder_in": str(folder / "in"), "data_folder_out": str(folder / "in"),
            "processed_folder": str(folder / "processed"), "store_processed": False,
            "control_folder": str(folder / "control"),
        }
    return settings


def celery_init_app(app):
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        _broker_settings(app),
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="outbox",
        task_queues=[Queue(name) for name in QUEUES],
        task_routes={
            "workers.relay.*": {"queue": "outbox"},
            "workers.notify.*": {"queue": "notify"},
            "workers.moderation.*": {"queue": "moderation"},
            "workers.complaints.*": {"queue": "moderation"},
            "workers.review.*": {"queue": "moderation"},
            "workers.search.*": {"queue": "search"},
        },
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        beat_schedule={
            "relay-outbox-sweep": {
                "task": "workers.relay.relay_outbox",
                "schedule": float(app.config["OUTBOX_SWEEP_SECONDS"]),
            },
            "review-refresh-priorities": {
                "task": "workers.review.refresh_priorities",
                "schedule": float(app.config.get("REVIEW_REFRESH_SECONDS", 300)),
            },
            "moderation-reconcile": {
                "task": "workers.moderation.reconcile_verdicts",
                "schedule": float(app.config["MODERATION_RECONCILE_SECONDS"]),
            },
            "search-engagement-refresh": {
                "task": "workers.search.refresh_engagement",
                "schedule": float(app.config["SEARCH_ENGAGEMENT_SECONDS"]),
                "options": {"expires": float(app.config["SEARCH_ENGAGEMENT_SECONDS"])},
            },
            "search-reconcile": {
                "task": "workers.search.reconcile_index",
                "schedule": float(app.config["SEARCH_RECONCILE_SECONDS"]),
                # A pass still queued when the next is due is dropped rather than run twice.
                "options": {"expires": float(app.config["SEARCH_RECONCILE_SECONDS"])},
            },
            "complaint-sla-sweep": {
                "task": "workers.complaints.escalate_overdue",
                "schedule": float(app.config["COMPLAINT_SLA_SWEEP_SECONDS"]),
            },
        },
    )
    celery_app.conf.update(app.config.get("CELERY", {}))
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    import workers.tasks  # noqa: F401  (registers the tasks with this app)

    def nudge():
        try:
            celery_app.send_task("workers.relay.relay_outbox", queue="outbox", retry=False)
        except OperationalError as exc:
            # The broker is down: the events stay in the outbox and the periodic sweep delivers them.
            log.warning("outbox nudge not sent, broker unavailable: %s", exc)

    app.extensions["outbox_nudge"] = nudge
    return celery_app
