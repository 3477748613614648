"""Member search pages: /search (posts, with filters, sort and next page) and /search/products."""
from flask import Blueprint, render_template, request

from community.services import circles as circle_service
from community.web.views import viewer
from search import member_search
from search.api.schemas import MemberSearchArgs, ProductQueryArgs
from search.web import TEMPLATES
from search.web.forms import parse, run

bp = Blueprint("search_web", __name__, template_folder=TEMPLATES)
MEMBER_ARGS, PRODUCT_ARGS = MemberSearchArgs(), ProductQueryArgs()


@bp.get("/search")
def posts():
    args, errors = parse(MEMBER_ARGS, request.args)
    result, error = run(member_search.search_posts, args["q"], args.get("circle"), args.get("type"),
                        args.get("product"), args.get("verified"), args["sort"], args.get("cursor"))
    rows, nxt, total = result or ([], None, 0)
    keep = {k: v for k, v in args.items() if k not in ("cursor", "limit") and v not in (None, "")}
    return render_template("search/posts.html", args=args, rows=rows, next_cursor=nxt, total=total, keep=keep,
                           error=error or _first(errors), circles=circle_service.list_circles(viewer()))


@bp.get("/search/products")
def products():
    args, errors = parse(PRODUCT_ARGS, request.args)
    result, error = run(member_search.search_products, args["q"], args.get("cursor"))
    items, nxt = result or ([], None)
    return render_template("search/products.html", args=args, items=items, next_cursor=nxt,
                           error=error or _first(errors))


def _first(errors):
    for messages in errors.values():
        if isinstance(messages, list) and messages:
            return f"搜索条件有误：{messages[0]}"
        return "搜索条件有误"
    return None
