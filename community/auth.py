"""Who is calling: bearer tokens for the API, the session cookie for pages.

API writes authenticated by the session cookie must carry the CSRF token (X-CSRFToken), so a
page's script can call the API but another site cannot ride the cookie.
"""
from flask import request
from flask_login import current_user

from community.errors import Forbidden, NotAuthenticated
from community.extensions import csrf, db, login_manager
from community.models import Member
from community.services import accounts

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@login_manager.user_loader
def _load_user(member_id):
    try:
        return db.session.get(Member, int(member_id))
    except (TypeError, ValueError):
        return None


def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    raw = raw.strip()
    if not raw:
        raise NotAuthenticated("令牌无效")
    return raw


def optional_member():
    raw = _bearer()
    if raw is not None:
        member = accounts.member_for_token(raw)
        if member is None:
            raise NotAuthenticated("令牌无效或已失效")
        return member
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS and request.path.startswith("/api/"):
            csrf.protect()
        return current_user._get_current_object()
    return None


def require_member(*roles, write=False):
    member = optional_member()
    if member is None:
        raise NotAuthenticated()
    if roles and member.role not in roles:
        raise Forbidden()
    if write:
        accounts.ensure_can_write(member)
    return member


def current_raw_token():
    return _bearer()
