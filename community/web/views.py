"""Pages that read: home, circle, post, product, member, following, notifications, media."""
from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from flask_login import current_user, login_required

from community.errors import DomainError
from community.services import accounts, catalog, circles, feeds, notifications, orders, social

bp = Blueprint("web", __name__)


def viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _sort():
    sort = request.args.get("sort", "new")
    return sort if sort in ("new", "hot") else "new"


@bp.get("/")
def home():
    posts, nxt = feeds.home_feed("hot", request.args.get("cursor"))
    return render_template("home.html", circles=circles.list_circles(viewer()), posts=posts, next_cursor=nxt)


@bp.get("/c/<slug>")
def circle(slug):
    sort = _sort()
    circle, posts, nxt = feeds.circle_feed(slug, sort, request.args.get("cursor"))
    return render_template("circle.html", circle=circles.circle_view(slug, viewer()), posts=posts,
                           next_cursor=nxt, sort=sort)


@bp.get("/p/<int:post_id>")
def post(post_id):
    post = feeds.visible_post(post_id, viewer())
    comments, nxt = feeds.comments(post, request.args.get("cursor"))
    liked = viewer() is not None and feeds.has_liked(viewer(), post)
    return render_template("post.html", post=post, comments=comments, next_cursor=nxt, liked=liked,
                           official=social.official_replies(post))


@bp.get("/products/<sku>")
def product(sku):
    product = feeds.get_product(sku)
    posts, nxt = feeds.product_posts(product, _sort(), request.args.get("cursor"))
    return render_template("product.html", product=product, stats=feeds.product_stats(product),
                           posts=posts, next_cursor=nxt, sort=_sort())


@bp.get("/brands/<slug>")
def brand(slug):
    brand = catalog.get_brand(slug)
    return render_template("brand.html", brand=brand, products=catalog.products_of(brand))


@bp.get("/u/<username>")
def member(username):
    member = accounts.get_member(username)
    posts, nxt = feeds.member_posts(member, viewer(), request.args.get("cursor"))
    following = viewer() is not None and feeds.is_following(viewer(), member)
    return render_template("member.html", member=member, posts=posts, next_cursor=nxt, following=following)


@bp.get("/following")
@login_required
def following():
    posts, nxt = feeds.following_feed(viewer(), request.args.get("cursor"))
    return render_template("following.html", posts=posts, next_cursor=nxt)


@bp.get("/notifications")
@login_required
def notifications_page():
    items = notifications.list_for(viewer())
    notifications.mark_all_read(viewer())
    return render_template("notifications.html", items=items)


@bp.get("/compose")
@login_required
def compose():
    member = viewer()
    preset = request.args.get("sku")
    preset_product = None
    if preset:
        try:
            preset_product = feeds.get_product(preset)
        except DomainError:
            preset_product = None
    return render_template("compose.html", circles=circles.joined_circles(member),
                           orders=orders.orders_of(member), preset_product=preset_product,
                           form={}, error=None, field_errors={})


@bp.get("/media/<path:filename>")
def media(filename):
    if ".." in filename:
        abort(404)
    return send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=86400 * 30)
