"""Request and response schemas of the review queue API."""
from marshmallow import EXCLUDE, Schema, fields, validate

from community.api.outputs import MemberBrief, PostOut
from moderation.actions import DECISION_ACTIONS
from moderation.cases import SOURCES, STATES
from moderation.decisions import POLICIES
from moderation.labels import LABELS


class Strict(Schema):
    class Meta:
        unknown = EXCLUDE


# ---- requests -------------------------------------------------------------------------------
class QueueArgs(Strict):
    label = fields.String(validate=validate.OneOf(LABELS))
    circle = fields.String(validate=validate.Length(1, 48))
    source = fields.String(validate=validate.OneOf(SOURCES))
    state = fields.String(validate=validate.OneOf(STATES))
    mine = fields.Boolean(load_default=False)
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=30, validate=validate.Range(1, 100))


class VersionIn(Strict):
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "case version the request was made from; an older one is refused (409 stale_case)"})


class EscalateIn(VersionIn):
    internal_note = fields.String(load_default="", validate=validate.Length(max=2000))


class NoteIn(Strict):
    internal_note = fields.String(required=True, validate=validate.Length(1, 2000))


class DecisionIn(Strict):
    action = fields.String(required=True, validate=validate.OneOf(DECISION_ACTIONS))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    policy = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(tuple(POLICIES)))
    labels = fields.List(fields.String(validate=validate.OneOf(LABELS)), load_default=None, allow_none=True)
    days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 3650))
    public_note = fields.String(load_default="", validate=validate.Length(max=2000))
    internal_note = fields.String(load_default="", validate=validate.Length(max=2000))


class ClusterIn(Strict):
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    policy = fields.String(required=True, validate=validate.OneOf(tuple(POLICIES)))
    public_note = fields.String(load_default="", validate=validate.Length(max=2000))
    internal_note = fields.String(load_default="", validate=validate.Length(max=2000))


class AppealIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(5, 1000))


# ---- responses ------------------------------------------------------------------------------
class CaseOut(Schema):
    id = fields.Integer()
    subject_type = fields.String()
    subject_id = fields.Integer()
    subject_title = fields.String(dump_default=None)
    subject_author = fields.String(dump_default=None, allow_none=True)
    state = fields.String()
    version = fields.Integer()
    labels = fields.Function(lambda c: c.label_list())
    sources = fields.Function(lambda c: c.source_list())
    priority = fields.Float()
    priority_parts = fields.Dict()
    assignee_id = fields.Integer(allow_none=True)
    claim_expires_at = fields.DateTime(allow_none=True)
    escalated = fields.Boolean()
    appeal_id = fields.Integer(allow_none=True)
    audit_sample = fields.Boolean()
    auto_decision = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    final_labels = fields.List(fields.String(), allow_none=True)
    signal_count = fields.Integer()
    opened_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class CasePage(Schema):
    items = fields.List(fields.Nested(CaseOut))
    next_cursor = fields.String(allow_none=True)


class SignalOut(Schema):
    id = fields.Integer()
    source = fields.String()
    label = fields.String(allow_none=True)
    score = fields.Float(allow_none=True)
    verdict_id = fields.Integer(allow_none=True)
    report_id = fields.Integer(allow_none=True)
    auto_decision = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    note = fields.String()
    created_at = fields.DateTime()


class DecisionOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    previous_state = fields.String(allow_none=True)
    new_state = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer()
    internal_note = fields.String()
    public_note = fields.String()
    policy = fields.String(allow_none=True)
    labels = fields.List(fields.String(), allow_none=True)
    details = fields.Dict()
    final = fields.Boolean()
    created_at = fields.DateTime()


class PublicDecisionOut(Schema):
    """What an author sees of a decision: no internal note, no moderator."""
    id = fields.Integer()
    action = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer()
    public_note = fields.String()
    policy = fields.String(allow_none=True)
    details = fields.Dict()
    final = fields.Boolean()
    created_at = fields.DateTime()


class VerdictOut(Schema):
    id = fields.Integer()
    model_version = fields.String()
    scores = fields.Dict()
    labels = fields.List(fields.String())
    decision = fields.String()
    complaint = fields.Dict(allow_none=True)
    evidence = fields.List(fields.Dict())


class ReportLine(Schema):
    id = fields.Function(lambda r: r["report"].id)
    reason = fields.Function(lambda r: r["report"].reason)
    detail = fields.Function(lambda r: r["report"].detail)
    status = fields.Function(lambda r: r["report"].status)
    reporter = fields.Function(lambda r: r["reporter"].username if r["reporter"] else None)
    reporter_accuracy = fields.Float(attribute="accuracy")


class HistoryOut(Schema):
    member = fields.Nested(MemberBrief)
    status = fields.Function(lambda h: h["member"].status if h["member"] else None)
    strikes = fields.Integer()
    decisions = fields.List(fields.Nested(DecisionOut))


class AppealOut(Schema):
    id = fields.Integer()
    decision_id = fields.Integer()
    case_id = fields.Integer()
    reason = fields.String()
    state = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    resolution_id = fields.Integer(allow_none=True)


class CaseDetailOut(Schema):
    case = fields.Nested(CaseOut)
    parts = fields.Dict()
    signals = fields.List(fields.Nested(SignalOut))
    trail = fields.List(fields.Nested(DecisionOut))
    post = fields.Nested(PostOut, allow_none=True)
    verdict = fields.Nested(VerdictOut, allow_none=True)
    duplicates = fields.List(fields.Nested(PostOut))
    history = fields.Nested(HistoryOut, allow_none=True)
    reports = fields.List(fields.Nested(ReportLine))
    appeal = fields.Nested(AppealOut, allow_none=True)


class ClusterOut(Schema):
    removed = fields.List(fields.Integer())
    skipped = fields.List(fields.Integer())
    posts = fields.List(fields.Integer())


class RingOut(Schema):
    posts = fields.List(fields.Nested(PostOut))


class MyReportOut(Schema):
    id = fields.Function(lambda r: r["report"].id)
    subject_type = fields.Function(lambda r: r["report"].subject_type)
    subject_id = fields.Function(lambda r: r["report"].subject_id)
    subject = fields.String()
    reason = fields.Function(lambda r: r["report"].reason)
    status = fields.Function(lambda r: r["report"].status)
    outcome = fields.String(allow_none=True)
    status_text = fields.String()
    created_at = fields.Function(lambda r: r["report"].created_at.isoformat())


class MyDecisionOut(Schema):
    decision = fields.Nested(PublicDecisionOut)
    subject = fields.String()
    appeal = fields.Nested(AppealOut, allow_none=True)
    appealable = fields.Boolean()


class MyReportList(Schema):
    items = fields.List(fields.Nested(MyReportOut))


class MyDecisionList(Schema):
    items = fields.List(fields.Nested(MyDecisionOut))
