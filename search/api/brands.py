"""Brand search: content with facets, creators with their signals, CSV exports, shortlists.

Search and exports: brand users and staff. Shortlists: brand users only (a brand's lists are its
own). A partnership request is a collaboration proposal: POST /api/v1/collaborations.
"""
from flask import request
from flask_smorest import Blueprint

from community.auth import require_member
from search import brand_search, creators, export, shortlists
from search.api.schemas import (BrandHitPage, BrandSearchArgs, CreatorPage, CreatorSearchArgs, ShortlistEntryIn,
                                ShortlistIn, ShortlistOut, ShortlistSummary)
from search.results import item, snippet_of

blp = Blueprint("brand_search", __name__, url_prefix="/api/v1/brand", description="Brand search and shortlists")
DESK = ("brand", "moderator", "admin")
CSV_DOC = {"responses": {"200": {"description": "CSV (UTF-8 with BOM), one header row",
                                 "content": {"text/csv": {"schema": {"type": "string"}}}}}}


@blp.route("/search/posts", methods=["GET"])
@blp.arguments(BrandSearchArgs(), location="query")
@blp.response(200, BrandHitPage)
def search_posts(args):
    """Public posts by keyword and the brand filters, with facet counts over all matches."""
    rows, nxt, total, facets = brand_search.search_content(require_member(*DESK), args)
    return {"items": [item(*row) for row in rows], "next_cursor": nxt, "total": total, "facets": facets}


@blp.route("/search/posts/export", methods=["GET"])
@blp.arguments(BrandSearchArgs(), location="query")
@blp.doc(**CSV_DOC)
def export_posts(args):
    """Every matching post (up to 5,000) as CSV."""
    rows = brand_search.export_rows(require_member(*DESK), args)
    return export.attachment(export.posts_csv(rows, request.host_url.rstrip("/")), "content-search.csv")


def creator_item(c):
    m = c["member"]
    top = [item(post, *snippet_of(post, {})) for post in c["posts"]]
    return {"username": m.username, "nickname": m.nickname, "top_posts": top,
            **{k: v for k, v in c.items() if k not in ("member", "posts")}}


@blp.route("/search/creators", methods=["GET"])
@blp.arguments(CreatorSearchArgs(), location="query")
@blp.response(200, CreatorPage)
def search_creators(args):
    """Creators ranked by the relevance of their public posts to the query, with their signals."""
    found = creators.search_creators(require_member(*DESK), args)
    return {"items": [creator_item(c) for c in found], "next_cursor": None}


@blp.route("/search/creators/export", methods=["GET"])
@blp.arguments(CreatorSearchArgs(), location="query")
@blp.doc(**CSV_DOC)
def export_creators(args):
    """The ranked creators (up to 200) with their signals as CSV."""
    found = creators.search_creators(require_member(*DESK), args, size=creators.MAX_CREATORS)
    return export.attachment(export.creators_csv(found, request.host_url.rstrip("/")), "creator-search.csv")


def shortlist_out(shortlist, size=None):
    return {"id": shortlist.id, "name": shortlist.name, "created_at": shortlist.created_at,
            "size": len(shortlist.entries) if size is None else size, "entries": shortlist.entries}


@blp.route("/shortlists", methods=["GET"])
@blp.response(200, ShortlistSummary(many=True))
def list_shortlists():
    return [shortlist_out(s, n) for s, n in shortlists.list_shortlists(require_member("brand"))]


@blp.route("/shortlists", methods=["POST"])
@blp.arguments(ShortlistIn())
@blp.response(201, ShortlistOut)
def create_shortlist(data):
    return shortlist_out(shortlists.create_shortlist(require_member("brand", write=True), data["name"]))


@blp.route("/shortlists/<int:shortlist_id>", methods=["GET"])
@blp.response(200, ShortlistOut)
def get_shortlist(shortlist_id):
    return shortlist_out(shortlists.get_shortlist(require_member("brand"), shortlist_id))


@blp.route("/shortlists/<int:shortlist_id>", methods=["DELETE"])
@blp.response(204)
def delete_shortlist(shortlist_id):
    shortlists.delete_shortlist(require_member("brand", write=True), shortlist_id)


@blp.route("/shortlists/<int:shortlist_id>/creators/<username>", methods=["PUT"])
@blp.arguments(ShortlistEntryIn())
@blp.response(200, ShortlistOut)
def add_creator(data, shortlist_id, username):
    """Add a creator (idempotent; a note replaces the previous one)."""
    member = require_member("brand", write=True)
    return shortlist_out(shortlists.add_creator(member, shortlist_id, username, data["note"]))


@blp.route("/shortlists/<int:shortlist_id>/creators/<username>", methods=["DELETE"])
@blp.response(200, ShortlistOut)
def remove_creator(shortlist_id, username):
    return shortlist_out(shortlists.remove_creator(require_member("brand", write=True), shortlist_id, username))
