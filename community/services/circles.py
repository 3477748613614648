"""Reading circles, with the caller's membership marked."""
from sqlalchemy import select

from community.extensions import db
from community.models import Circle, Membership
from community.services.social import get_circle


def _joined_ids(member):
    if member is None:
        return set()
    return set(db.session.scalars(select(Membership.circle_id).where(Membership.member_id == member.id)))


def list_circles(member=None):
    joined = _joined_ids(member)
    rows = db.session.scalars(select(Circle).order_by(Circle.position, Circle.id)).all()
    for circle in rows:
        circle.joined = circle.id in joined if member else None
    return rows


def circle_view(slug, member=None):
    circle = get_circle(slug)
    circle.joined = (db.session.get(Membership, (circle.id, member.id)) is not None) if member else None
    return circle


def joined_circles(member):
    return db.session.scalars(select(Circle).join(Membership, Membership.circle_id == Circle.id)
                              .where(Membership.member_id == member.id).order_by(Circle.position)).all()
