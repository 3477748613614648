"""/api/v1/moderation: the queue, a case, every moderator action, appeals and a member's view."""
from flask_smorest import Blueprint

from community.auth import require_member
from moderation import actions, appeals, clusters, mine, queue
from moderation.api.schemas import (AppealIn, AppealOut, CaseDetailOut, CaseOut, CasePage, ClusterIn, ClusterOut,
                                    DecisionIn, DecisionOut, EscalateIn, MyDecisionList, MyReportList, NoteIn,
                                    QueueArgs, RingOut, VersionIn)

blp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation",
                description="Review queue: cases, decisions, appeals")


def _staff():
    member = require_member()
    actions.require_staff(member)
    return member


@blp.route("/cases", methods=["GET"])
@blp.arguments(QueueArgs, location="query")
@blp.response(200, CasePage)
def list_cases(args):
    member = _staff()
    items, nxt = queue.list_cases(member, args.get("label"), args.get("circle"), args.get("source"),
                                  args.get("state"), member.id if args.get("mine") else None,
                                  args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}


@blp.route("/cases/<int:case_id>", methods=["GET"])
@blp.response(200, CaseDetailOut)
def get_case(case_id):
    return queue.case_view(_staff(), case_id)


@blp.route("/cases/<int:case_id>/claim", methods=["POST"])
@blp.arguments(VersionIn)
@blp.response(200, CaseOut)
def claim(data, case_id):
    return actions.claim(require_member(), case_id, data.get("version"))


@blp.route("/cases/<int:case_id>/release", methods=["POST"])
@blp.arguments(VersionIn)
@blp.response(200, CaseOut)
def release(data, case_id):
    return actions.release(require_member(), case_id, data.get("version"))


@blp.route("/cases/<int:case_id>/escalate", methods=["POST"])
@blp.arguments(EscalateIn)
@blp.response(200, CaseOut)
def escalate(data, case_id):
    return actions.escalate(require_member(), case_id, data.get("version"), data["internal_note"])


@blp.route("/cases/<int:case_id>/reopen", methods=["POST"])
@blp.arguments(EscalateIn)
@blp.response(200, CaseOut)
def reopen(data, case_id):
    return actions.reopen(require_member(), case_id, data.get("version"), data["internal_note"])


@blp.route("/cases/<int:case_id>/notes", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(201, DecisionOut)
def add_note(data, case_id):
    return actions.add_note(require_member(), case_id, data["internal_note"])


@blp.route("/cases/<int:case_id>/decisions", methods=["POST"])
@blp.arguments(DecisionIn)
@blp.response(201, DecisionOut)
def decide(data, case_id):
    return actions.decide(require_member(), case_id, data["action"], data["version"], data["policy"],
                          data["labels"], data["days"], data["public_note"], data["internal_note"])


@blp.route("/cases/<int:case_id>/cluster", methods=["GET"])
@blp.response(200, RingOut)
def cluster(case_id):
    return {"posts": clusters.ring_posts(_staff(), case_id)}


@blp.route("/cases/<int:case_id>/cluster-removal", methods=["POST"])
@blp.arguments(ClusterIn)
@blp.response(201, ClusterOut)
def remove_cluster(data, case_id):
    return clusters.remove_ring(require_member(), case_id, data["version"], data["policy"],
                                data["public_note"], data["internal_note"])


@blp.route("/decisions/<int:decision_id>/appeal", methods=["POST"])
@blp.arguments(AppealIn)
@blp.response(201, AppealOut)
def appeal(data, decision_id):
    return appeals.file_appeal(require_member(), decision_id, data["reason"])


@blp.route("/me/reports", methods=["GET"])
@blp.response(200, MyReportList)
def my_reports():
    return {"items": mine.my_reports(require_member())}


@blp.route("/me/decisions", methods=["GET"])
@blp.response(200, MyDecisionList)
def my_decisions():
    return {"items": mine.my_decisions(require_member())}
