"""Writing posts: create, edit, delete, with product links, verified purchase and images."""
from sqlalchemy import select

from community import feedcache, outbox
from community.errors import Forbidden, NotFound, ValidationFailed
from community.extensions import db
from community.models import Circle, Collaboration, Membership, Order, Post, PostImage, PostProduct, Product
from community.models.base import utcnow
from community.models.posts import MAX_IMAGES, POST_TYPES, VISIBILITIES
from community.ranking import hot_score
from community.services.accounts import ensure_can_write

MAX_PRODUCTS = 5
TITLE_MAX, BODY_MAX = 100, 5000


def _fail(field, message):
    raise ValidationFailed(message, details={"fields": {field: [message]}})


def get_post(post_id):
    post = db.session.get(Post, post_id)
    if post is None or post.visibility == "deleted":
        raise NotFound("帖子不存在或已删除")
    return post


def _check_text(title, body):
    title, body = (title or "").strip(), (body or "").strip()
    if not 1 <= len(title) <= TITLE_MAX:
        _fail("title", f"标题需为1-{TITLE_MAX}个字符")
    if not 1 <= len(body) <= BODY_MAX:
        _fail("body", f"正文需为1-{BODY_MAX}个字符")
    return title, body


def _products(skus):
    skus = list(dict.fromkeys(s.strip() for s in skus or [] if s and s.strip()))
    if len(skus) > MAX_PRODUCTS:
        _fail("product_skus", f"最多关联{MAX_PRODUCTS}个商品")
    found = {p.sku: p for p in db.session.scalars(select(Product).where(Product.sku.in_(skus)))} if skus else {}
    missing = [s for s in skus if s not in found]
    if missing:
        _fail("product_skus", "商品不存在：" + "、".join(missing[:5]))
    return [found[s] for s in skus]


def _verified_order(author, order_no, products):
    """The order must be the author's, contain a linked product, be delivered and not refunded."""
    if not order_no:
        return None
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    if order is None or order.buyer_id != author.id:
        _fail("order_no", "订单不存在或不属于你")
    if order.status == "refunded":
        _fail("order_no", "该订单已退款，不能作为购买凭证")
    if order.status != "delivered":
        _fail("order_no", "订单签收后才能关联晒单")
    bought = {item.product_id for item in order.items}
    if not any(p.id in bought for p in products):
        _fail("order_no", "订单中没有本帖关联的商品")
    return order


def _claim_images(author, image_ids, post):
    image_ids = list(dict.fromkeys(image_ids or []))
    if len(image_ids) > MAX_IMAGES:
        _fail("image_ids", f"最多上传{MAX_IMAGES}张图片")
    if not image_ids:
        return
    images = {i.id: i for i in db.session.scalars(select(PostImage).where(PostImage.id.in_(image_ids)))}
    for position, image_id in enumerate(image_ids):
        image = images.get(image_id)
        if image is None or image.owner_id != author.id or image.post_id not in (None, post.id):
            _fail("image_ids", "图片不存在或不属于你")
        image.post_id, image.position = post.id, position


def _collaboration(author, collaboration_id):
    if collaboration_id is None:
        return None
    collab = db.session.get(Collaboration, collaboration_id)
    if collab is None or collab.creator_id != author.id or collab.status != "active":
        _fail("collaboration_id", "合作不存在或未生效")
    return collab


def create_post(author, circle_slug, type, title, body, product_skus=(), order_no=None,
                image_ids=(), collaboration_id=None, sponsored=False):
    ensure_can_write(author)
    circle = db.session.scalar(select(Circle).where(Circle.slug == (circle_slug or "")))
    if circle is None:
        _fail("circle", "圈子不存在")
    if not db.session.get(Membership, (circle.id, author.id)):
        raise Forbidden("请先加入该圈子再发帖")
    if type not in POST_TYPES:
        _fail("type", "帖子类型无效")
    if type == "creator" and author.creator_profile is None:
        raise Forbidden("只有认证达人可以发布达人内容")
    title, body = _check_text(title, body)
    products = _products(product_skus)
    if type == "haul" and not products:
        _fail("product_skus", "晒单至少需要关联一个商品")
    order = _verified_order(author, order_no, products)
    collab = _collaboration(author, collaboration_id)
    now = utcnow()
    post = Post(author_id=author.id, circle_id=circle.id, type=type, title=title, body=body,
                order_id=order.id if order else None, verified_purchase=order is not None,
                collaboration_id=collab.id if collab else None, sponsored=bool(sponsored or collab),
                visibility="pending" if circle.moderation_mode == "pre" else "visible",
                created_at=now, hot_score=hot_score(0, 0, now))
    post.product_links = [PostProduct(product=p, position=i) for i, p in enumerate(products)]
    db.session.add(post)
    db.session.flush()
    _claim_images(author, image_ids, post)
    circle.post_count += 1
    author.post_count += 1
    outbox.emit("post.created", "post", post.id, version=post.content_version)
    outbox.commit()
    feedcache.bump(post.circle.slug)
    return post


def edit_post(actor, post_id, title=None, body=None, product_skus=None, order_no=None, image_ids=None):
    ensure_can_write(actor)
    post = get_post(post_id)
    if post.author_id != actor.id:
        raise Forbidden("只能编辑自己的帖子")
    if all(v is None for v in (title, body, product_skus, order_no, image_ids)):
        raise ValidationFailed("没有需要修改的内容")
    new_title, new_body = _check_text(title if title is not None else post.title,
                                      body if body is not None else post.body)
    post.title, post.body = new_title, new_body
    if product_skus is not None:
        products = _products(product_skus)
        if post.type == "haul" and not products:
            _fail("product_skus", "晒单至少需要关联一个商品")
        post.product_links = [PostProduct(product=p, position=i) for i, p in enumerate(products)]
    products = post.products
    if order_no is not None or product_skus is not None:
        current_no = post.order.order_no if post.order else None
        order = _verified_order(actor, order_no if order_no is not None else current_no, products)
        post.order_id, post.verified_purchase = (order.id if order else None), order is not None
    if image_ids is not None:
        for image in list(post.images):
            if image.id not in image_ids:
                image.post_id = None
        _claim_images(actor, image_ids, post)
    post.content_version += 1
    post.edited_at = utcnow()
    outbox.emit("post.updated", "post", post.id, version=post.content_version)
    outbox.commit()
    feedcache.bump(post.circle.slug)
    return post


def change_visibility(post, visibility, reason, actor_id=None, **payload):
    """Hide, hold or restore a post for moderation; the caller commits with `outbox.commit()`.

    Emits `post.visibility_changed` (search and the feeds follow it) and bumps the circle's feed
    cache once the commit succeeds. Returns whether anything changed. A deleted post stays deleted.
    """
    if visibility not in VISIBILITIES or visibility == "deleted":
        raise ValueError(f"not a moderation visibility: {visibility!r}")
    previous = post.visibility
    if previous == "deleted" or previous == visibility:
        return False
    post.visibility = visibility
    outbox.emit("post.visibility_changed", "post", post.id, version=post.content_version,
                visibility=visibility, previous=previous, reason=reason, actor_id=actor_id, **payload)
    slug = post.circle.slug
    outbox.after_commit(lambda: feedcache.bump(slug))
    return True


def delete_post(actor, post_id):
    ensure_can_write(actor)
    post = get_post(post_id)
    if post.author_id != actor.id and not actor.is_staff:
        raise Forbidden("只能删除自己的帖子")
    post.visibility = "deleted"
    post.circle.post_count = max(0, post.circle.post_count - 1)
    post.author.post_count = max(0, post.author.post_count - 1)
    outbox.emit("post.deleted", "post", post.id, version=post.content_version, actor_id=actor.id)
    outbox.commit()
    feedcache.bump(post.circle.slug)
