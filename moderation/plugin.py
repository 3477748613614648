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
    from moderation.cli import moderation_cli

    app.cli.add_command(moderation_cli)
