"""Members, API tokens and creator profiles."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models.base import UTCDateTime, utcnow

ROLES = ("member", "creator", "brand", "moderator", "admin")
STAFF_ROLES = ("moderator", "admin")
STATUSES = ("active", "suspended", "banned")
CREATOR_LEVELS = ("达人", "明星", "认证", "专家")


class Member(UserMixin, db.Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    nickname: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    status: Mapped[str] = mapped_column(String(16), default="active")
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    trust_level: Mapped[int] = mapped_column(default=0)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"))
    bio: Mapped[str] = mapped_column(Text, default="")
    follower_count: Mapped[int] = mapped_column(default=0)
    following_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    creator_profile: Mapped["CreatorProfile | None"] = relationship(back_populates="member", uselist=False)
    brand: Mapped["Brand | None"] = relationship()  # noqa: F821

    @property
    def is_staff(self):
        return self.role in STAFF_ROLES

    def can_write(self, now):
        """Banned members never write; suspended ones again once the suspension has passed."""
        if self.status == "banned":
            return False
        if self.status == "suspended":
            return self.suspended_until is not None and self.suspended_until <= now
        return True


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64), default="api")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship()


class CreatorProfile(db.Model):
    __tablename__ = "creator_profiles"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(8))
    verified: Mapped[bool] = mapped_column(default=False)
    headline: Mapped[str] = mapped_column(String(120), default="")
    external_followers: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship(back_populates="creator_profile")


Index("ix_members_role", Member.role)
