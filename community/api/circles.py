"""Circles, membership and feeds."""
from flask import Response
from flask_smorest import Blueprint

from community.api.outputs import CircleFeedOut, CircleOut, PostPage
from community.api.schemas import FeedArgs, PageArgs
from community import feedcache
from community.auth import optional_member, require_member
from community.services import circles, feeds, social

blp = Blueprint("circles", __name__, url_prefix="/api/v1", description="Circles and feeds")


@blp.route("/circles", methods=["GET"])
@blp.response(200, CircleOut(many=True))
def list_circles():
    return circles.list_circles(optional_member())


@blp.route("/circles/<slug>", methods=["GET"])
@blp.response(200, CircleOut)
def get_circle(slug):
    return circles.circle_view(slug, optional_member())


@blp.route("/circles/<slug>/posts", methods=["GET"])
@blp.arguments(FeedArgs(), location="query")
@blp.response(200, CircleFeedOut)
def circle_posts(args, slug):
    variant = f"{args['sort']}:{args.get('cursor')}:{args.get('limit')}"

    def build():
        circle, items, nxt = feeds.circle_feed(slug, args["sort"], args.get("cursor"), args.get("limit"))
        return CircleFeedOut().dumps({"circle": circle, "items": items, "next_cursor": nxt})
    return Response(feedcache.get_or_build(slug, variant, build), mimetype="application/json")


@blp.route("/circles/<slug>/membership", methods=["PUT"])
@blp.response(200, CircleOut)
def join(slug):
    member = require_member(write=True)
    social.join_circle(member, slug)
    return circles.circle_view(slug, member)


@blp.route("/circles/<slug>/membership", methods=["DELETE"])
@blp.response(200, CircleOut)
def leave(slug):
    member = require_member(write=True)
    social.leave_circle(member, slug)
    return circles.circle_view(slug, member)


@blp.route("/feed", methods=["GET"])
@blp.arguments(FeedArgs(), location="query")
@blp.response(200, PostPage)
def home_feed(args):
    items, nxt = feeds.home_feed(args["sort"], args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}


@blp.route("/feed/following", methods=["GET"])
@blp.arguments(PageArgs(), location="query")
@blp.response(200, PostPage)
def following_feed(args):
    items, nxt = feeds.following_feed(require_member(), args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}
