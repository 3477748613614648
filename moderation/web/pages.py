"""Pages in Simplified Chinese. Forms post back here (CSRF-checked), call one action, redirect.

"Decide and next": a decision form with and_next=1 redirects to the most urgent case the
moderator may take next, so the queue can be worked from the keyboard without going back.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.converters import MAX_ID
from community.errors import DomainError, ValidationFailed
from moderation import actions, appeals, clusters, mine, queue
from moderation.cases import SOURCES, STATES
from moderation.decisions import POLICIES
from moderation.labels import LABELS
from moderation.web import bp
from moderation.web.text import ACTION_NAMES, LABEL_NAMES, SOURCE_NAMES, STATE_NAMES, suggested_policy

FILTERS = ("label", "circle", "source", "state")


def _me():
    return current_user._get_current_object()


def _staff():
    if not current_user.is_staff:
        abort(403)
    return _me()


def _filters():
    return {k: request.args.get(k) or None for k in FILTERS}


@bp.app_context_processor
def _names():
    return {"LABEL_NAMES": LABEL_NAMES, "SOURCE_NAMES": SOURCE_NAMES, "STATE_NAMES": STATE_NAMES,
            "ACTION_NAMES": ACTION_NAMES, "POLICIES": POLICIES}


@bp.get("/moderation/queue")
@login_required
def queue_page():
    actor = _staff()
    filters = _filters()
    try:
        items, nxt = queue.list_cases(actor, **filters, cursor=request.args.get("cursor"),
                                      limit=request.args.get("limit", 30, type=int))
    except ValidationFailed as exc:
        flash(exc.message, "error")
        items, nxt = [], None
    return render_template("review/queue.html", items=items, next_cursor=nxt, filters=filters, labels=LABELS,
                           sources=SOURCES, states=STATES, suggested_policy=suggested_policy)


@bp.get("/moderation/next")
@login_required
def next_page():
    actor = _staff()
    after = request.args.get("after", type=int)
    # Only a real case id can be skipped; anything else (negative, past the integer column) is ignored.
    if after is not None and not 0 < after <= MAX_ID:
        after = None
    case = queue.next_case(actor, after, **_filters())
    if case is None:
        flash("队列已清空，没有可处理的工单")
        return redirect(url_for("review.queue_page"))
    return redirect(url_for("review.case_page", case_id=case.id))


@bp.get("/moderation/cases/<int:case_id>")
@login_required
def case_page(case_id):
    view = queue.case_view(_staff(), case_id)
    return render_template("review/case.html", v=view, labels=LABELS, me=_me(),
                           suggested=suggested_policy((view["parts"].get("label") or {}).get("label")),
                           claim_holds=actions.claim_holds(view["case"]))


def _int(name):
    raw = request.form.get(name)
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        raise ValidationFailed(details={"fields": {name: ["需为整数"]}})


def _act(actor, case_id, op):
    form = request.form
    version = _int("version")
    notes = {"public_note": form.get("public_note", "").strip(), "internal_note": form.get("internal_note", "").strip()}
    if op == "claim":
        return actions.claim(actor, case_id, version), "已认领工单"
    if op == "release":
        return actions.release(actor, case_id, version), "已释放工单"
    if op == "escalate":
        return actions.escalate(actor, case_id, version, notes["internal_note"]), "已升级工单"
    if op == "reopen":
        return actions.reopen(actor, case_id, version, notes["internal_note"]), "已重新打开工单"
    if op == "note":
        return actions.add_note(actor, case_id, notes["internal_note"]), "已添加内部备注"
    if op == "cluster":
        result = clusters.remove_ring(actor, case_id, version, form.get("policy") or None, **notes)
        return result, f"已批量移除近似重复簇：{len(result['removed'])} 个工单"
    if op == "decide":
        action = form.get("action", "")
        labels = form.getlist("labels") if action == "relabel" else None
        decision = actions.decide(actor, case_id, action, version, form.get("policy") or None, labels,
                                  _int("days"), **notes)
        return decision, f"已处理：{ACTION_NAMES.get(action, action)}"
    raise ValidationFailed("未知操作")


@bp.post("/moderation/cases/<int:case_id>/act")
@login_required
def act(case_id):
    actor = _staff()
    # A button's op (claim, note...) wins over the form's default hidden op=decide.
    op = next((o for o in request.form.getlist("op") if o != "decide"), "decide")
    try:
        _, message = _act(actor, case_id, op)
    except DomainError as exc:
        flash(f"操作未执行：{exc.message}", "error")
        return redirect(url_for("review.case_page", case_id=case_id), 303)
    flash(message)
    if request.form.get("and_next") == "1":
        return redirect(url_for("review.next_page", after=case_id,
                                **{k: v for k, v in request.form.items() if k in FILTERS and v}), 303)
    if request.form.get("back") == "queue":
        return redirect(url_for("review.queue_page"), 303)
    return redirect(url_for("review.case_page", case_id=case_id), 303)


@bp.get("/moderation/mine")
@login_required
def mine_page():
    member = _me()
    return render_template("review/mine.html", reports=mine.my_reports(member), decisions=mine.my_decisions(member))


@bp.post("/moderation/decisions/<int:decision_id>/appeal")
@login_required
def appeal(decision_id):
    try:
        appeals.file_appeal(_me(), decision_id, request.form.get("reason", ""))
    except DomainError as exc:
        flash(f"申诉未提交：{exc.message}", "error")
    else:
        flash("申诉已提交，将由其他审核员复核")
    return redirect(url_for("review.mine_page"), 303)
