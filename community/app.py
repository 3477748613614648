"""The application factory."""
import logging
from pathlib import Path

from flask import Flask

from community.config import load_config
from community.converters import register_converters
from community.errors import register_error_handlers
from community.extensions import api, cache, csrf, db, login_manager, migrate
from community.inputs import register_input_rules


def create_app(test_config=None):
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    register_converters(app)
    register_input_rules(app)
    app.config.from_mapping(load_config())
    if test_config:
        app.config.update(test_config)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    Path(app.config["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "web_writes.login"
    login_manager.login_message = "请先登录"
    api.init_app(app)

    from community import auth  # noqa: F401  (registers the user loader)
    from community.api import register_api
    from community.cli import register_cli
    from community.web import register_web

    register_api(app, api)
    register_web(app)
    register_cli(app)
    _register_optional(app)
    # After api.init_app so the one JSON error shape replaces flask-smorest's own handler.
    register_error_handlers(app)

    from workers.celery_app import celery_init_app
    celery_init_app(app)

    from community.edgecache import FeedEdgeCache
    app.wsgi_app = FeedEdgeCache(app, app.wsgi_app)
    return app


def _register_optional(app):
    """Other packages plug in here; the factory is the only place community meets them."""
    from moderation.plugin import register as register_moderation
    from search.plugin import register as register_search

    register_moderation(app, api)
    register_search(app, api)
