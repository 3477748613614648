"""Member search: posts (across circles or inside one) and products with their posts."""
from flask_smorest import Blueprint

from search import member_search
from search.api.schemas import HitPage, MemberSearchArgs, ProductHitPage, ProductQueryArgs
from search.results import item

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="Member search")


@blp.route("/posts", methods=["GET"])
@blp.arguments(MemberSearchArgs(), location="query")
@blp.response(200, HitPage)
def search_posts(args):
    """Public posts matching `q`, with highlighted title and snippet; `next_cursor` pages on."""
    rows, nxt, total = member_search.search_posts(
        args["q"], args.get("circle"), args.get("type"), args.get("product"), args.get("verified"),
        args["sort"], args.get("cursor"), args.get("limit"))
    return {"items": [item(*row) for row in rows], "next_cursor": nxt, "total": total}


def product_item(entry):
    product = entry["product"]
    return {"sku": product.sku, "title": product.title, "category": product.category, "price": product.price,
            "brand": {"slug": product.brand.slug, "name": product.brand.name},
            "matching_posts": entry["matching_posts"], "verified_posts": entry["verified_posts"],
            "posts": [item(*row) for row in entry["posts"]]}


@blp.route("/products", methods=["GET"])
@blp.arguments(ProductQueryArgs(), location="query")
@blp.response(200, ProductHitPage)
def search_products(args):
    """Products whose posts (or title) match `q`, each with its best matching posts."""
    results, nxt = member_search.search_products(args["q"], args.get("cursor"), args.get("limit"))
    return {"items": [product_item(e) for e in results], "next_cursor": nxt}
