"""Brand-creator collaborations: a brand proposes, the creator accepts or declines."""
from sqlalchemy import or_, select

from community import outbox
from community.errors import Forbidden, NotFound, ValidationFailed
from community.extensions import db
from community.models import Collaboration
from community.models.base import utcnow
from community.services.accounts import ensure_can_write, get_member


def propose(brand_user, creator_username, title, brief=""):
    ensure_can_write(brand_user)
    if brand_user.role != "brand" or brand_user.brand_id is None:
        raise Forbidden("只有品牌账号可以发起合作")
    creator = get_member(creator_username)
    if creator.creator_profile is None:
        raise ValidationFailed("对方不是认证达人", details={"fields": {"creator": ["对方不是认证达人"]}})
    title = (title or "").strip()
    if not 1 <= len(title) <= 100 or len(brief or "") > 2000:
        raise ValidationFailed(details={"fields": {"title": ["标题需为1-100个字符，说明最多2000字"]}})
    collab = Collaboration(brand_id=brand_user.brand_id, creator_id=creator.id, title=title,
                           brief=(brief or "").strip())
    db.session.add(collab)
    db.session.flush()
    outbox.emit("collaboration.proposed", "collaboration", collab.id, creator_id=creator.id)
    outbox.commit()
    return collab


def respond(creator, collaboration_id, accept):
    ensure_can_write(creator)
    collab = db.session.get(Collaboration, collaboration_id)
    if collab is None or collab.creator_id != creator.id:
        raise NotFound("合作不存在")
    if collab.status != "proposed":
        raise ValidationFailed("该合作已处理")
    collab.status, collab.decided_at = ("active" if accept else "declined"), utcnow()
    outbox.emit("collaboration.decided", "collaboration", collab.id, status=collab.status)
    outbox.commit()
    return collab


def list_for(member):
    query = select(Collaboration).order_by(Collaboration.id.desc()).limit(100)
    if member.role == "brand":
        query = query.where(Collaboration.brand_id == member.brand_id)
    elif not member.is_staff:
        query = query.where(or_(Collaboration.creator_id == member.id))
    return list(db.session.scalars(query))
