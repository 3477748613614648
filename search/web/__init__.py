"""Search pages in Simplified Chinese: member search, brand search, shortlists, partnership requests."""
from pathlib import Path

TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")


def register(app):
    from search.web import brand_pages, member_pages, partnerships

    app.register_blueprint(member_pages.bp)
    app.register_blueprint(brand_pages.bp)
    app.register_blueprint(partnerships.bp)
