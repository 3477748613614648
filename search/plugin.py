"""How search plugs into the Flask app: its tables, CLI commands, blueprints."""


def register(app, api):
    """Called once by community's app factory; `api` is the flask-smorest Api for /api/v1."""
