"""The moderation dashboard's figures as JSON (the page draws the same numbers as charts)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from community.auth import require_member
from moderation import dashboard

blp = Blueprint("moderation_dashboard", __name__, url_prefix="/api/v1/moderation",
                description="Moderation dashboard: queue depth, intake, time to decision, precision, appeals")


class DashboardArgs(Schema):
    days = fields.Integer(load_default=dashboard.DEFAULT_DAYS, validate=validate.Range(1, dashboard.MAX_DAYS))


class WindowOut(Schema):
    days = fields.Integer()
    start = fields.DateTime()
    end = fields.DateTime()
    timezone = fields.String()


class DepthOut(Schema):
    day = fields.String()
    depth = fields.Integer()


class IntakeOut(Schema):
    labels = fields.List(fields.String())
    series = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()),
                         metadata={"description": "label -> signals per day, aligned with queue_depth's days"})
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())


class DecisionTimesOut(Schema):
    count = fields.Integer()
    median_hours = fields.Float(allow_none=True)
    p90_hours = fields.Float(allow_none=True)
    sla_hours = fields.Float(allow_none=True, metadata={"description": "median SLA of the decided cases"})
    within_sla = fields.Float(allow_none=True, metadata={"description": "share decided within their SLA"})


class DailyDecisionTimesOut(DecisionTimesOut):
    day = fields.String()


class TimeToDecisionOut(DecisionTimesOut):
    daily = fields.List(fields.Nested(DailyDecisionTimesOut))


class PrecisionOut(Schema):
    auto_decision = fields.String()
    label = fields.String()
    audited = fields.Integer()
    decided = fields.Integer()
    confirmed = fields.Integer()
    precision = fields.Float(allow_none=True)


class AppealsOut(Schema):
    decided = fields.Integer()
    upheld = fields.Integer()
    overturned = fields.Integer()
    pending = fields.Integer()
    overturn_rate = fields.Float(allow_none=True)


class ThroughputOut(Schema):
    moderator_id = fields.Integer()
    moderator = fields.String()
    decisions = fields.Integer()
    per_day = fields.Float()


class ComplaintsOut(Schema):
    open = fields.Integer()
    overdue = fields.Integer()
    answered = fields.Integer()
    answered_within_sla = fields.Float(allow_none=True)


class DashboardOut(Schema):
    window = fields.Nested(WindowOut)
    queue_depth = fields.List(fields.Nested(DepthOut))
    intake = fields.Nested(IntakeOut)
    time_to_decision = fields.Nested(TimeToDecisionOut)
    auto_precision = fields.List(fields.Nested(PrecisionOut))
    appeals = fields.Nested(AppealsOut)
    throughput = fields.List(fields.Nested(ThroughputOut))
    complaints = fields.Nested(ComplaintsOut)


@blp.route("/dashboard", methods=["GET"])
@blp.arguments(DashboardArgs(), location="query")
@blp.response(200, DashboardOut)
def get_dashboard(args):
    return dashboard.build(require_member(), args["days"])
