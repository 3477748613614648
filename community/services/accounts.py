"""Registration, sign-in, API tokens, roles, statuses and creator profiles."""
import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select

from community import outbox
from community.errors import Conflict, Forbidden, NotAuthenticated, NotFound, ValidationFailed
from community.extensions import db
from community.models import ApiToken, Brand, CreatorProfile, Member
from community.models.accounts import CREATOR_LEVELS, ROLES
from community.models.base import utcnow
from community.passwords import hash_password, verify_password

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{3,32}$")


def _token_hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def get_member(username):
    member = db.session.scalar(select(Member).where(Member.username == username))
    if member is None:
        raise NotFound("用户不存在")
    return member


def register(username, password, nickname=None):
    errors = {}
    if not USERNAME_RE.match(username or ""):
        errors["username"] = ["用户名需为3-32位字母、数字或下划线"]
    if not password or len(password) < 8 or len(password) > 128:
        errors["password"] = ["密码长度需为8-128位"]
    nickname = (nickname or username or "").strip()
    if not 1 <= len(nickname) <= 40:
        errors["nickname"] = ["昵称长度需为1-40个字符"]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    if db.session.scalar(select(Member.id).where(Member.username == username)):
        raise Conflict("用户名已被占用", details={"fields": {"username": ["用户名已被占用"]}})
    member = Member(username=username, nickname=nickname, password_hash=hash_password(password))
    db.session.add(member)
    db.session.flush()
    outbox.emit("member.registered", "member", member.id)
    outbox.commit()
    return member


def authenticate(username, password):
    member = db.session.scalar(select(Member).where(Member.username == (username or "")))
    if member is None or not verify_password(member.password_hash, password or ""):
        raise NotAuthenticated("用户名或密码错误")
    if member.status == "banned":
        raise Forbidden("该账号已被封禁")
    return member


def issue_token(member, name="api"):
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(member_id=member.id, token_hash=_token_hash(raw), name=name[:64]))
    db.session.commit()
    return raw


def member_for_token(raw):
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(raw), ApiToken.revoked_at.is_(None)))
    return token.member if token else None


def revoke_token(raw):
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()


def ensure_can_write(member):
    """Checked on every write: a suspended or banned member is refused with the reason."""
    if member.can_write(utcnow()):
        return
    if member.status == "banned":
        raise Forbidden("该账号已被封禁，无法发布或互动")
    until = member.suspended_until.strftime("%Y-%m-%d %H:%M") if member.suspended_until else "另行通知"
    raise Forbidden(f"该账号已被禁言至 {until}（UTC）", details={"suspended_until": until})


def set_status(actor, username, status, days=None, reason=""):
    if not actor.is_staff:
        raise Forbidden()
    member = get_member(username)
    if member.role == "admin" and actor.role != "admin":
        raise Forbidden("不能处理管理员账号")
    if status not in ("active", "suspended", "banned"):
        raise ValidationFailed(details={"fields": {"status": ["状态无效"]}})
    if status == "suspended":
        if not days or not 1 <= days <= 3650:
            raise ValidationFailed(details={"fields": {"days": ["禁言天数需为1-3650"]}})
        member.suspended_until = utcnow() + timedelta(days=days)
    else:
        member.suspended_until = None
    member.status = status
    outbox.emit("member.status_changed", "member", member.id, status=status, actor_id=actor.id, reason=reason)
    outbox.commit()
    return member


def set_role(actor, username, role, brand_slug=None):
    if actor.role != "admin":
        raise Forbidden()
    if role not in ROLES:
        raise ValidationFailed(details={"fields": {"role": ["角色无效"]}})
    member = get_member(username)
    if role == "brand":
        brand = db.session.scalar(select(Brand).where(Brand.slug == (brand_slug or "")))
        if brand is None:
            raise ValidationFailed(details={"fields": {"brand": ["品牌账号需指定已存在的品牌"]}})
        member.brand_id = brand.id
    elif member.role == "brand":
        member.brand_id = None
    member.role = role
    db.session.commit()
    return member


def set_creator_profile(actor, username, level, verified=True, headline="", external_followers=0):
    if actor.role != "admin":
        raise Forbidden()
    if level not in CREATOR_LEVELS:
        raise ValidationFailed(details={"fields": {"level": ["达人等级无效"]}})
    member = get_member(username)
    profile = member.creator_profile or CreatorProfile(member_id=member.id)
    profile.level, profile.verified = level, bool(verified)
    profile.headline, profile.external_followers = headline[:120], max(0, int(external_followers))
    db.session.add(profile)
    if member.role == "member":
        member.role = "creator"
    # The level is part of every post's search document (brands filter by it).
    outbox.emit("member.profile_changed", "member", member.id, level=level)
    outbox.commit()
    return member
