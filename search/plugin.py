"""How search plugs into the Flask app: its tables, CLI commands, blueprints."""


def register(app, api):
    """Called once by community's app factory; `api` is the flask-smorest Api for /api/v1."""
    import search.models  # noqa: F401  (its tables join the metadata and the migrations)
    from search.cli import search_cli

    app.cli.add_command(search_cli)
