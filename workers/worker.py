"""The worker entry point: `celery -A workers.worker worker`."""
from community import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
