"""Complaints: opened from verdicts, routed to the brand that owns the product, answered in its inbox.

``apply_verdict_event`` is the outbox consumer (at least once; the ledger row makes it apply once).
The inbox functions check who may see and move a complaint: a brand user only their own brand's
complaints, staff every complaint (and they answer the general queue, complaints with no brand).
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community import outbox
from community.errors import Conflict, Forbidden, NotFound, ValidationFailed
from community.extensions import db
from community.models import ConsumedEvent, OutboxEvent, Post
from community.models.base import utcnow
from community.pagination import decode_cursor, encode_cursor
from community.services import notifications, social
from moderation.complaints_models import NEXT_STATE, SEVERITIES, STATE_LABELS, STATES, Complaint, due_at
from moderation.complaints_sla import page_moderators

log = logging.getLogger(__name__)

CONSUMER = "complaints"
CATEGORY_LABELS = {"quality": "质量问题", "logistics": "物流配送", "after_sales": "售后服务",
                   "counterfeit_received": "疑似收到假货", "safety": "安全问题", "price": "价格问题",
                   "other": "其他"}
PAGE_SIZE = 30


# --- routing (the outbox consumer) -----------------------------------------------------------

def apply_verdict_event(event_id):
    """Returns 'duplicate', 'missing', 'skipped', 'stale', 'opened' or 'updated'."""
    for attempt in (1, 2):
        if db.session.get(ConsumedEvent, (CONSUMER, event_id)) is not None:
            return "duplicate"
        event = db.session.get(OutboxEvent, event_id)
        if event is None:
            return "missing"
        outcome = _route(event)
        db.session.add(ConsumedEvent(consumer=CONSUMER, event_id=event.id))
        try:
            outbox.commit()
            return outcome
        except IntegrityError:
            # Another delivery (this event, or the post's other version) committed first: look again.
            db.session.rollback()
    return "duplicate"


def complaint_counts(author_ids) -> dict[int, int]:
    """Complaints ever opened about posts by each of these authors (authors without any are absent)."""
    ids = [int(i) for i in set(author_ids or ()) if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(select(Post.author_id, func.count(Complaint.id))
                                   .join(Post, Post.id == Complaint.post_id)
                                   .where(Post.author_id.in_(ids)).group_by(Post.author_id)).all())


def _owner(post):
    """The brand of the first linked product; (None, None) sends the complaint to the general queue."""
    for product in post.products:
        return product.brand_id, product.id
    return None, None


def _route(event):
    triage = event.payload.get("complaint")
    if event.topic != "verdict.recorded" or not triage:
        return "skipped"
    if event.payload.get("decision") == "remove":
        return "skipped"  # taken down as a violation (spam dressed as a complaint): no brand must answer it
    post = db.session.get(Post, event.aggregate_id)
    if post is None or post.visibility == "deleted":
        return "missing"
    category, severity = triage.get("category", "other"), triage.get("severity", "low")
    if severity not in SEVERITIES:
        severity = "low"
    version = event.payload.get("version") or post.content_version
    complaint = db.session.scalar(select(Complaint).where(Complaint.post_id == post.id).with_for_update())
    now = utcnow()
    if complaint is None:
        brand_id, product_id = _owner(post)
        complaint = Complaint(post_id=post.id, brand_id=brand_id, product_id=product_id, category=category,
                              severity=severity, state="new", verdict_id=event.payload.get("verdict_id"),
                              content_version=version, created_at=now, updated_at=now,
                              due_at=due_at(now, severity))
        db.session.add(complaint)
        db.session.flush()
        if brand_id is not None:
            notifications.notify_brand_users(
                brand_id, "complaint", f"收到新的{CATEGORY_LABELS.get(category, '')}投诉：《{post.title}》",
                post_id=post.id)
        outcome = "opened"
    else:
        if complaint.content_version > version:
            return "stale"  # an older version's verdict arrived late; the newer one already applied
        # The edited post was re-classified: the same complaint follows it, it is not opened twice.
        complaint.category, complaint.severity = category, severity
        complaint.verdict_id = event.payload.get("verdict_id") or complaint.verdict_id
        complaint.content_version = version
        complaint.due_at = due_at(complaint.created_at, severity)
        complaint.updated_at = now
        if complaint.state == "new":
            complaint.brand_id, complaint.product_id = _owner(post)
        outcome = "updated"
    if category == "safety" and complaint.paged_at is None:
        page_moderators(complaint, post)
    return outcome


# --- the inbox ---------------------------------------------------------------------------------

def _check_viewer(member):
    if member.is_staff:
        return
    if member.role != "brand" or member.brand_id is None:
        raise Forbidden("只有品牌账号和版主可以查看投诉")


def list_complaints(member, state=None, severity=None, scope=None, cursor=None, limit=PAGE_SIZE):
    """Earliest SLA deadline first; keyset-paged on (due_at, id).

    Brands see their own brand's complaints; staff see all, or ``scope`` 'general' (no brand).
    """
    _check_viewer(member)
    errors = {}
    if state and state not in STATES:
        errors["state"] = ["状态无效"]
    if severity and severity not in SEVERITIES:
        errors["severity"] = ["严重程度无效"]
    if scope and scope not in ("all", "general"):
        errors["scope"] = ["范围无效"]
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        errors["limit"] = ["每页条数需为1-100"]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    stmt = select(Complaint)
    if not member.is_staff:
        stmt = stmt.where(Complaint.brand_id == member.brand_id)
    elif scope == "general":
        stmt = stmt.where(Complaint.brand_id.is_(None))
    if state:
        stmt = stmt.where(Complaint.state == state)
    if severity:
        stmt = stmt.where(Complaint.severity == severity)
    after = decode_cursor(cursor)
    if after is not None:
        stamp, last_id = after
        if not isinstance(stamp, datetime):
            raise ValidationFailed("分页游标无效", details={"fields": {"cursor": ["分页游标无效"]}})
        stmt = stmt.where((Complaint.due_at > stamp) | ((Complaint.due_at == stamp) & (Complaint.id > last_id)))
    # The most urgent deadline first: what an inbox is for.
    rows = list(db.session.scalars(stmt.order_by(Complaint.due_at, Complaint.id).limit(limit + 1)))
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor(rows[-1].due_at, rows[-1].id)
    return rows, nxt


def get_complaint(member, complaint_id, lock=False):
    _check_viewer(member)
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    if lock:
        stmt = stmt.with_for_update()
    complaint = db.session.scalar(stmt)
    # Another brand's complaint does not exist as far as this brand can tell.
    if complaint is None or (not member.is_staff and complaint.brand_id != member.brand_id):
        raise NotFound("投诉不存在")
    return complaint


def _for_action(member, complaint_id):
    complaint = get_complaint(member, complaint_id, lock=True)
    if member.is_staff and complaint.brand_id is not None:
        raise Forbidden("品牌投诉由品牌方处理；超时后会升级到审核队列")
    return complaint


def _move(complaint, member, target):
    if NEXT_STATE.get(complaint.state) != target:
        raise Conflict(f"投诉当前为「{STATE_LABELS[complaint.state]}」，不能改为「{STATE_LABELS[target]}」",
                       details={"state": complaint.state, "requested": target})
    now = utcnow()
    complaint.state = target
    setattr(complaint, f"{target}_at", now)
    complaint.updated_at = now
    complaint.handled_by_id = member.id


def acknowledge(member, complaint_id):
    complaint = _for_action(member, complaint_id)
    _move(complaint, member, "acknowledged")
    outbox.commit()
    return complaint


def answer(member, complaint_id, note=""):
    """Answered without a public reply (e.g. the brand called the customer); the note stays internal."""
    complaint = _for_action(member, complaint_id)
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationFailed(details={"fields": {"note": ["备注最多1000个字符"]}})
    _move(complaint, member, "answered")
    complaint.answer_note = note
    outbox.commit()
    return complaint


def reply(member, complaint_id, body):
    """A public reply under the post, marked as the brand's official answer; answers the complaint."""
    complaint = _for_action(member, complaint_id)
    if complaint.state not in ("acknowledged", "answered"):
        raise Conflict("请先受理投诉再回复" if complaint.state == "new" else "投诉已解决，不能再回复",
                       details={"state": complaint.state})
    if complaint.post.visibility == "deleted":
        raise Conflict("作者已删除该帖子，无法公开回复；可改为「已通过其他方式处理」")
    comment = social.add_official_reply(member, complaint.post_id, body, complaint.brand_id)
    if complaint.state == "acknowledged":
        _move(complaint, member, "answered")
    complaint.reply_count += 1
    outbox.commit()
    return complaint, comment


def resolve(member, complaint_id):
    complaint = _for_action(member, complaint_id)
    _move(complaint, member, "resolved")
    outbox.commit()
    return complaint


def replies(complaint):
    return social.official_replies(complaint.post)
