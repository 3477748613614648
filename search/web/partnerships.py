"""Partnership requests (collaborations): creators answer them, brands follow what they sent."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from community.errors import DomainError, Forbidden
from community.services import collaborations
from community.web.views import viewer
from search.web import TEMPLATES

bp = Blueprint("partnerships_web", __name__, template_folder=TEMPLATES)
STATUS_LABELS = {"proposed": "待回复", "active": "合作中", "declined": "已婉拒", "ended": "已结束"}


def _viewer_with_access():
    member = viewer()
    if member.role not in ("creator", "brand") and not member.is_staff:
        raise Forbidden("只有达人和品牌账号有合作邀请")
    return member


@bp.get("/collaborations")
@login_required
def index():
    member = _viewer_with_access()
    return render_template("search/collaborations.html", items=collaborations.list_for(member),
                           STATUS_LABELS=STATUS_LABELS)


def _respond(collaboration_id, accept):
    member = viewer()
    if member.role != "creator":
        raise Forbidden("只有达人可以回复合作邀请")
    try:
        collab = collaborations.respond(member, collaboration_id, accept)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash(f"已接受「{collab.title}」，合作已生效；相关帖子请标注合作" if accept else f"已婉拒「{collab.title}」")
    return redirect(url_for("partnerships_web.index"))


@bp.post("/collaborations/<int:collaboration_id>/accept")
@login_required
def accept(collaboration_id):
    return _respond(collaboration_id, True)


@bp.post("/collaborations/<int:collaboration_id>/decline")
@login_required
def decline(collaboration_id):
    return _respond(collaboration_id, False)
