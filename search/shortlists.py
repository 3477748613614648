"""Shortlists: a brand's own lists of creators. Only brand users with a brand use them; a brand
never sees or changes another brand's lists (they answer 404, as if absent)."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from community import outbox
from community.errors import Conflict, Forbidden, NotFound, ValidationFailed
from community.extensions import db
from community.models import Member
from community.services.accounts import ensure_can_write, get_member
from search.shortlist_models import Shortlist, ShortlistEntry

MAX_LISTS = 100
MAX_ENTRIES = 500


def _brand_id(member, write=False):
    if member.role != "brand" or member.brand_id is None:
        raise Forbidden("只有品牌账号可以使用候选名单")
    if write:
        ensure_can_write(member)
    return member.brand_id


def list_shortlists(member):
    brand_id = _brand_id(member)
    counts = dict(db.session.execute(select(ShortlistEntry.shortlist_id, func.count())
                                     .join(Shortlist).where(Shortlist.brand_id == brand_id)
                                     .group_by(ShortlistEntry.shortlist_id)).all())
    lists = db.session.scalars(select(Shortlist).where(Shortlist.brand_id == brand_id)
                               .order_by(Shortlist.id.desc())).all()
    return [(s, counts.get(s.id, 0)) for s in lists]


def get_shortlist(member, shortlist_id):
    # Every entry is shown with its creator's name and level: load them with the list, not per entry.
    shortlist = db.session.get(Shortlist, shortlist_id, options=[
        selectinload(Shortlist.entries).selectinload(ShortlistEntry.creator).selectinload(Member.creator_profile)])
    if shortlist is None or shortlist.brand_id != _brand_id(member):
        raise NotFound("候选名单不存在")
    return shortlist


def create_shortlist(member, name):
    brand_id = _brand_id(member, write=True)
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ValidationFailed("名单名称需为1-60个字符", details={"fields": {"name": ["名单名称需为1-60个字符"]}})
    count = db.session.scalar(select(func.count()).select_from(Shortlist).where(Shortlist.brand_id == brand_id))
    if count >= MAX_LISTS:
        raise Conflict(f"最多创建{MAX_LISTS}个候选名单")
    if db.session.scalar(select(Shortlist.id).where(Shortlist.brand_id == brand_id, Shortlist.name == name)):
        raise Conflict("已有同名的候选名单")
    shortlist = Shortlist(brand_id=brand_id, name=name, created_by_id=member.id)
    db.session.add(shortlist)
    try:
        outbox.commit()
    except IntegrityError as exc:   # the same name created at the same moment
        db.session.rollback()
        raise Conflict("已有同名的候选名单") from exc
    return shortlist


def delete_shortlist(member, shortlist_id):
    _brand_id(member, write=True)
    db.session.delete(get_shortlist(member, shortlist_id))
    outbox.commit()


def add_creator(member, shortlist_id, username, note=""):
    _brand_id(member, write=True)
    shortlist = get_shortlist(member, shortlist_id)
    creator = get_member(username)
    if creator.creator_profile is None:
        raise ValidationFailed("对方不是认证达人", details={"fields": {"creator": ["对方不是认证达人"]}})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed("备注最多200字", details={"fields": {"note": ["备注最多200字"]}})
    entry = db.session.get(ShortlistEntry, (shortlist.id, creator.id))
    if entry is None:
        if len(shortlist.entries) >= MAX_ENTRIES:
            raise Conflict(f"一个名单最多{MAX_ENTRIES}位达人")
        entry = ShortlistEntry(shortlist_id=shortlist.id, creator_id=creator.id, note=note, added_by_id=member.id)
        db.session.add(entry)
    elif note:
        entry.note = note
    try:
        outbox.commit()
    except IntegrityError:   # added twice at once: adding is idempotent
        db.session.rollback()
    return get_shortlist(member, shortlist_id)


def remove_creator(member, shortlist_id, username):
    _brand_id(member, write=True)
    shortlist = get_shortlist(member, shortlist_id)
    creator = get_member(username)
    entry = db.session.get(ShortlistEntry, (shortlist.id, creator.id))
    if entry is None:
        raise NotFound("该达人不在名单中")
    db.session.delete(entry)
    outbox.commit()
    return get_shortlist(member, shortlist_id)
