"""Brand pages: the complaint inbox with SLA timers and the complaint page with the reply form."""
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from community.errors import DomainError, ValidationFailed
from community.web.views import viewer
from moderation import complaints
from moderation.complaints_models import SEVERITIES, SEVERITY_LABELS, STATE_LABELS, STATES
from moderation.complaints_sla import sla_status

TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")
bp = Blueprint("brand_complaints_web", __name__, template_folder=TEMPLATES)


@bp.app_context_processor
def _labels():
    return {"COMPLAINT_STATES": STATE_LABELS, "COMPLAINT_SEVERITIES": SEVERITY_LABELS,
            "COMPLAINT_CATEGORIES": complaints.CATEGORY_LABELS, "sla_status": sla_status}


def _filter(name, allowed):
    value = request.args.get(name) or None
    return value if value in allowed else None


@bp.get("/brand/complaints")
@login_required
def inbox():
    state, severity = _filter("state", STATES), _filter("severity", SEVERITIES)
    scope = _filter("scope", ("all", "general"))
    items, nxt = complaints.list_complaints(viewer(), state, severity, scope, request.args.get("cursor"))
    return render_template("complaints/inbox.html", items=items, next_cursor=nxt, state=state,
                           severity=severity, scope=scope)


@bp.get("/brand/complaints/<int:complaint_id>")
@login_required
def complaint(complaint_id):
    item = complaints.get_complaint(viewer(), complaint_id)
    return render_template("complaints/complaint.html", c=item, replies=complaints.replies(item),
                           form={}, field_errors={})


def _act(complaint_id, action, done):
    try:
        action()
    except ValidationFailed as exc:
        item = complaints.get_complaint(viewer(), complaint_id)
        return render_template("complaints/complaint.html", c=item, replies=complaints.replies(item),
                               form=request.form, field_errors=exc.details.get("fields", {}),
                               error=exc.message), exc.status
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash(done)
    return redirect(url_for("brand_complaints_web.complaint", complaint_id=complaint_id))


@bp.post("/brand/complaints/<int:complaint_id>/ack")
@login_required
def acknowledge(complaint_id):
    return _act(complaint_id, lambda: complaints.acknowledge(viewer(), complaint_id), "已受理该投诉")


@bp.post("/brand/complaints/<int:complaint_id>/answer")
@login_required
def answer(complaint_id):
    return _act(complaint_id, lambda: complaints.answer(viewer(), complaint_id, request.form.get("note", "")),
                "已标记为已回复")


@bp.post("/brand/complaints/<int:complaint_id>/reply")
@login_required
def reply(complaint_id):
    return _act(complaint_id, lambda: complaints.reply(viewer(), complaint_id, request.form.get("body", "")),
                "官方回复已发布在帖子下方")


@bp.post("/brand/complaints/<int:complaint_id>/resolve")
@login_required
def resolve(complaint_id):
    return _act(complaint_id, lambda: complaints.resolve(viewer(), complaint_id), "投诉已标记为已解决")
