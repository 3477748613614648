"""Server-rendered pages in Simplified Chinese."""


def register_web(app):
    from community.web import filters, views, writes

    app.register_blueprint(views.bp)
    app.register_blueprint(writes.bp)
    filters.register(app)
