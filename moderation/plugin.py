"""How moderation plugs into the Flask app: its tables, CLI commands, blueprints."""


def register(app, api):
    """Called once by community's app factory; `api` is the flask-smorest Api for /api/v1."""
    import moderation.fingerprints  # noqa: F401  (tables join the metadata and the migrations)
    import moderation.verdicts  # noqa: F401
    import moderation.appeals  # noqa: F401  (review queue: cases, decisions, strikes, appeals)
    import moderation.cases  # noqa: F401
    import moderation.decisions  # noqa: F401
    import moderation.reporters  # noqa: F401
    import moderation.strikes  # noqa: F401
    import moderation.complaints_models  # noqa: F401
    from moderation.cli import moderation_cli

    app.cli.add_command(moderation_cli)
    _register_complaints(app, api)
    _register_review(app, api)


def _register_complaints(app, api):
    from community.extensions import csrf
    from moderation.api import complaints as complaints_api
    from moderation.api import dashboard as dashboard_api
    from moderation.web import complaints as complaints_web
    from moderation.web import dashboard as dashboard_web

    for blueprint in (complaints_api.blp, dashboard_api.blp):
        # Token-authenticated; session-authenticated API writes are CSRF-checked in community.auth.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(complaints_web.bp)
    app.register_blueprint(dashboard_web.bp)


def _register_review(app, api):
    """The review queue: its JSON API (token or session + CSRF header, like community's) and pages."""
    from community.extensions import csrf
    from moderation.api.routes import blp as review_api
    from moderation.web import bp as review_pages

    csrf.exempt(review_api)
    api.register_blueprint(review_api)
    app.register_blueprint(review_pages)
