"""How search plugs into the Flask app: its tables, CLI commands, blueprints."""


def register(app, api):
    """Called once by community's app factory; `api` is the flask-smorest Api for /api/v1."""
    import search.models  # noqa: F401  (its tables join the metadata and the migrations)
    import search.shortlist_models  # noqa: F401
    from search.cli import search_cli

    app.cli.add_command(search_cli)
    _register_search(app, api)


def _register_search(app, api):
    """Member and brand search: the JSON API (token, or session + CSRF header) and the pages."""
    from community.extensions import csrf
    from search.api import brands as brand_api
    from search.api import members as member_api
    from search.web import register as register_pages

    for blueprint in (member_api.blp, brand_api.blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    register_pages(app)
