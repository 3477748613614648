"""Orders fed from the shop: validated as a batch, upserted, status changes emitted.

A batch is all-or-nothing so a shop can resend the same file after fixing a row without
guessing which rows landed. A refund takes the verified-purchase badge off posts that cite it.
"""
from datetime import datetime

from sqlalchemy import select

from community import outbox
from community.errors import Forbidden, ValidationFailed
from community.extensions import db
from community.models import Member, Order, OrderItem, Post, Product
from community.models.base import utcnow
from community.models.catalog import ORDER_STATUSES

MAX_BATCH = 5000


def _row_errors(row, members, products):
    errors = []
    if not isinstance(row.get("order_no"), str) or not 1 <= len(row["order_no"]) <= 40:
        errors.append("order_no 需为1-40个字符")
    if row.get("buyer") not in members:
        errors.append(f"买家不存在：{row.get('buyer')}")
    if row.get("status") not in ORDER_STATUSES:
        errors.append("status 需为 paid、delivered 或 refunded")
    items = row.get("items")
    if not isinstance(items, list) or not items or len(items) > 50:
        errors.append("items 需为1-50个商品")
    else:
        for item in items:
            if not isinstance(item, dict) or item.get("sku") not in products:
                errors.append(f"商品不存在：{item.get('sku') if isinstance(item, dict) else item}")
            elif not isinstance(item.get("quantity", 1), int) or not 1 <= item.get("quantity", 1) <= 999:
                errors.append("quantity 需为1-999的整数")
    return errors


def import_orders(actor, rows):
    if actor is not None and actor.role != "admin":
        raise Forbidden("只有管理员或商城对接账号可以导入订单")
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_BATCH:
        raise ValidationFailed(f"每批需为1-{MAX_BATCH}个订单")
    buyers = {r.get("buyer") for r in rows if isinstance(r, dict)}
    skus = {i.get("sku") for r in rows if isinstance(r, dict) and isinstance(r.get("items"), list)
            for i in r["items"] if isinstance(i, dict)}
    members = {m.username: m for m in db.session.scalars(select(Member).where(Member.username.in_(buyers)))}
    products = {p.sku: p for p in db.session.scalars(select(Product).where(Product.sku.in_(skus)))}
    problems = {}
    for index, row in enumerate(rows):
        errs = _row_errors(row, members, products) if isinstance(row, dict) else ["每行需为对象"]
        if errs:
            problems[str(index)] = errs
    if problems:
        raise ValidationFailed("订单数据有误，本批未导入", details={"rows": problems})
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {o.order_no: o for o in db.session.scalars(
        select(Order).where(Order.order_no.in_([r["order_no"] for r in rows])))}
    for row in rows:
        counts[_upsert(row, existing, members, products)] += 1
    outbox.commit()
    return counts


def _upsert(row, existing, members, products):
    order = existing.get(row["order_no"])
    buyer = members[row["buyer"]]
    if order is None:
        order = Order(order_no=row["order_no"], buyer_id=buyer.id, status=row["status"],
                      ordered_at=_parse_time(row.get("ordered_at")))
        order.items = [OrderItem(product_id=products[i["sku"]].id, quantity=i.get("quantity", 1))
                       for i in row["items"]]
        db.session.add(order)
        db.session.flush()
        existing[order.order_no] = order
        outbox.emit("order.status_changed", "order", order.id, status=order.status, previous=None)
        return "created"
    if order.buyer_id != buyer.id:
        raise ValidationFailed(f"订单 {order.order_no} 的买家不能更改")
    if order.status == row["status"]:
        return "unchanged"
    previous, order.status, order.updated_at = order.status, row["status"], utcnow()
    outbox.emit("order.status_changed", "order", order.id, status=order.status, previous=previous)
    _sync_badges(order)
    return "updated"


def _sync_badges(order):
    """Only a delivered order proves a purchase; any other status takes the badge off."""
    if order.status == "delivered":
        return
    for post in db.session.scalars(select(Post).where(Post.order_id == order.id, Post.verified_purchase)):
        post.verified_purchase = False
        outbox.emit("post.verification_changed", "post", post.id, version=post.content_version,
                    verified_purchase=False)


def _parse_time(value):
    if not value:
        return utcnow()
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed("ordered_at 需为 ISO 8601 时间") from exc


def orders_of(member):
    return list(db.session.scalars(
        select(Order).where(Order.buyer_id == member.id).order_by(Order.ordered_at.desc()).limit(100)))
