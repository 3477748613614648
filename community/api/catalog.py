"""Products, brands, the shop's order feed and brand-creator collaborations."""
from flask_smorest import Blueprint

from community.api.outputs import BrandOut, CollaborationOut, ImportOut, PostPage, ProductOut, ProductPage, ProductPageOut
from community.api.schemas import CollaborationIn, FeedArgs, OrderBatchIn, ProductSearchArgs
from community.auth import require_member
from community.services import catalog, collaborations, feeds, orders

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="Products, brands, orders")


@blp.route("/products", methods=["GET"])
@blp.arguments(ProductSearchArgs(), location="query")
@blp.response(200, ProductPage)
def search_products(args):
    items, nxt = catalog.find_products(args["q"], args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}


@blp.route("/products/<sku>", methods=["GET"])
@blp.response(200, ProductPageOut)
def product(sku):
    product = feeds.get_product(sku)
    return {"product": product, "stats": feeds.product_stats(product)}


@blp.route("/products/<sku>/posts", methods=["GET"])
@blp.arguments(FeedArgs(), location="query")
@blp.response(200, PostPage)
def product_posts(args, sku):
    items, nxt = feeds.product_posts(feeds.get_product(sku), args["sort"], args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}


@blp.route("/brands", methods=["GET"])
@blp.response(200, BrandOut(many=True))
def brands():
    return catalog.list_brands()


@blp.route("/brands/<slug>", methods=["GET"])
@blp.response(200, BrandOut)
def brand(slug):
    return catalog.get_brand(slug)


@blp.route("/orders/import", methods=["POST"])
@blp.arguments(OrderBatchIn())
@blp.response(200, ImportOut)
def import_orders(data):
    actor = require_member("admin", write=True)
    rows = [{**o, "ordered_at": o["ordered_at"].isoformat() if o.get("ordered_at") else None}
            for o in data["orders"]]
    return orders.import_orders(actor, rows)


@blp.route("/collaborations", methods=["GET"])
@blp.response(200, CollaborationOut(many=True))
def list_collaborations():
    return collaborations.list_for(require_member("creator", "brand", "moderator", "admin"))


@blp.route("/collaborations", methods=["POST"])
@blp.arguments(CollaborationIn())
@blp.response(201, CollaborationOut)
def propose(data):
    return collaborations.propose(require_member("brand", write=True), data["creator"], data["title"], data["brief"])


@blp.route("/collaborations/<int:collaboration_id>/accept", methods=["POST"])
@blp.response(200, CollaborationOut)
def accept(collaboration_id):
    return collaborations.respond(require_member("creator", write=True), collaboration_id, True)


@blp.route("/collaborations/<int:collaboration_id>/decline", methods=["POST"])
@blp.response(200, CollaborationOut)
def decline(collaboration_id):
    return collaborations.respond(require_member("creator", write=True), collaboration_id, False)
