"""The JSON API under /api/v1, documented at /api/v1/openapi.json."""
from community.extensions import csrf


def register_api(app, api):
    from community.api import accounts, catalog, circles, posts

    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for module in (accounts, circles, posts, catalog):
        # Token-authenticated; session-authenticated writes are CSRF-checked in community.auth.
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
