"""The brand complaint inbox in the JSON API: list, read, acknowledge, answer, reply, resolve."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from community.api.outputs import BrandBrief, CommentOut, ProductBrief
from community.auth import require_member
from moderation import complaints
from moderation.complaints_models import SEVERITIES, STATES
from moderation.complaints_sla import sla_status

blp = Blueprint("brand_complaints", __name__, url_prefix="/api/v1/brand",
                description="Complaints routed to brands: the inbox, its states and the public reply")


class ComplaintListArgs(Schema):
    state = fields.String(validate=validate.OneOf(STATES))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    scope = fields.String(validate=validate.OneOf(("all", "general")),
                          metadata={"description": "staff only: 'general' lists complaints with no brand"})
    cursor = fields.String()
    limit = fields.Integer(load_default=complaints.PAGE_SIZE, validate=validate.Range(1, 100))


class ReplyIn(Schema):
    body = fields.String(required=True, validate=validate.Length(1, 1000))


class AnswerIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class PostBrief(Schema):
    id = fields.Integer()
    title = fields.String()
    visibility = fields.String()


class SlaOut(Schema):
    window_hours = fields.Float()
    due_at = fields.DateTime()
    seconds_left = fields.Float(allow_none=True, metadata={"description": "negative when overdue; null once answered"})
    status = fields.String(metadata={"description": "running, urgent, overdue, ok (answered in time) or late"})
    text = fields.String()
    escalated_at = fields.DateTime(allow_none=True)


def _sla(c):
    status, text = sla_status(c)
    return {"window_hours": c.sla_window().total_seconds() / 3600, "due_at": c.due_at,
            "seconds_left": c.seconds_left(), "status": status, "text": text, "escalated_at": c.escalated_at}


class ComplaintOut(Schema):
    id = fields.Integer()
    post = fields.Nested(PostBrief)
    brand = fields.Nested(BrandBrief, allow_none=True)
    product = fields.Nested(ProductBrief, allow_none=True)
    category = fields.String()
    severity = fields.String()
    state = fields.String()
    sla = fields.Function(lambda c: SlaOut().dump(_sla(c)),
                          metadata={"description": "window_hours, due_at, seconds_left, status, text, escalated_at"})
    reply_count = fields.Integer()
    answer_note = fields.String()
    created_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    paged_at = fields.DateTime(allow_none=True)


class ComplaintPage(Schema):
    items = fields.List(fields.Nested(ComplaintOut))
    next_cursor = fields.String(allow_none=True)


class ReplyOut(Schema):
    complaint = fields.Nested(ComplaintOut)
    reply = fields.Nested(CommentOut)


@blp.route("/complaints", methods=["GET"])
@blp.arguments(ComplaintListArgs(), location="query")
@blp.response(200, ComplaintPage)
def list_complaints(args):
    items, nxt = complaints.list_complaints(require_member(), args.get("state"), args.get("severity"),
                                            args.get("scope"), args.get("cursor"), args["limit"])
    return {"items": items, "next_cursor": nxt}


@blp.route("/complaints/<int:complaint_id>", methods=["GET"])
@blp.response(200, ComplaintOut)
def get_complaint(complaint_id):
    return complaints.get_complaint(require_member(), complaint_id)


@blp.route("/complaints/<int:complaint_id>/ack", methods=["POST"])
@blp.response(200, ComplaintOut)
def acknowledge(complaint_id):
    return complaints.acknowledge(require_member(write=True), complaint_id)


@blp.route("/complaints/<int:complaint_id>/answer", methods=["POST"])
@blp.arguments(AnswerIn())
@blp.response(200, ComplaintOut)
def answer(data, complaint_id):
    return complaints.answer(require_member(write=True), complaint_id, data["note"])


@blp.route("/complaints/<int:complaint_id>/reply", methods=["POST"])
@blp.arguments(ReplyIn())
@blp.response(201, ReplyOut)
def reply(data, complaint_id):
    complaint, comment = complaints.reply(require_member(write=True), complaint_id, data["body"])
    return {"complaint": complaint, "reply": comment}


@blp.route("/complaints/<int:complaint_id>/resolve", methods=["POST"])
@blp.response(200, ComplaintOut)
def resolve(complaint_id):
    return complaints.resolve(require_member(write=True), complaint_id)
