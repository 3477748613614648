"""The SLA by severity, what the inbox shows of it, and escalation to moderators when it is missed."""
from datetime import datetime, timedelta, timezone

import pytest

from community.extensions import db
from moderation.cases import case_for, signals_of
from moderation.complaints_models import SLA, Complaint, due_at
from moderation.complaints_sla import escalate_overdue, sla_status
from tests.conftest import auth
from tests.moderation.complaints.conftest import complaint_of, open_complaint

T0 = datetime(2026, 11, 11, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("severity, hours", [("critical", 4), ("high", 24), ("medium", 72), ("low", 168)])
def test_sla_window_by_severity(severity, hours):
    assert SLA[severity] == timedelta(hours=hours)
    assert due_at(T0, severity) == T0 + timedelta(hours=hours)


def test_time_left_overdue_and_met():
    c = Complaint(severity="critical", state="new", created_at=T0, due_at=due_at(T0, "critical"))
    assert c.seconds_left(T0 + timedelta(hours=1)) == 3 * 3600
    assert sla_status(c, T0 + timedelta(hours=1)) == ("running", "剩余 3小时0分")
    assert sla_status(c, T0 + timedelta(hours=3, minutes=30)) == ("urgent", "剩余 30分钟")
    assert sla_status(c, T0 + timedelta(hours=6, minutes=5)) == ("overdue", "已超时 2小时5分")
    low = Complaint(severity="low", state="acknowledged", created_at=T0, due_at=due_at(T0, "low"))
    assert sla_status(low, T0 + timedelta(days=1)) == ("running", "剩余 6天0小时")
    c.state, c.answered_at = "answered", T0 + timedelta(hours=2)
    assert c.seconds_left(T0 + timedelta(hours=9)) is None and c.sla_met() is True
    assert sla_status(c, T0 + timedelta(hours=9)) == ("ok", "按时回复")
    c.answered_at = T0 + timedelta(hours=5)
    assert c.sla_met() is False and sla_status(c)[0] == "late"


def _age(app, complaint_id, hours):
    """Moves a complaint's clock back, as if it had arrived `hours` ago."""
    with app.app_context():
        c = db.session.get(Complaint, complaint_id)
        c.created_at -= timedelta(hours=hours)
        c.due_at -= timedelta(hours=hours)
        db.session.commit()


def test_missed_sla_escalates_each_complaint_once_to_the_moderators(app, client, inbox):
    token = inbox.world.author_token
    late = open_complaint(app, client, token, severity="critical")
    on_time = open_complaint(app, client, token, severity="critical")
    answered = open_complaint(app, client, token, severity="critical")
    acknowledged_late = open_complaint(app, client, token, severity="high")
    headers = auth(inbox.lancome_token)
    client.post(f"/api/v1/brand/complaints/{answered.id}/ack", headers=headers)
    client.post(f"/api/v1/brand/complaints/{answered.id}/answer", json={"note": "电话联系已处理"}, headers=headers)
    client.post(f"/api/v1/brand/complaints/{acknowledged_late.id}/ack", headers=headers)
    _age(app, late.id, 5)
    _age(app, answered.id, 5)
    _age(app, acknowledged_late.id, 25)
    _age(app, on_time.id, 3)
    with app.app_context():
        assert escalate_overdue() == 2
        assert escalate_overdue() == 0  # escalated once, not on every sweep
        for complaint in (late, acknowledged_late):
            case = case_for("post", complaint.post_id)
            assert case.state == "open" and "complaint_sla" in case.source_list()
            signal = signals_of(case)[-1]
            assert signal.source == "complaint_sla" and signal.label == "complaint"
        for complaint in (on_time, answered):
            assert case_for("post", complaint.post_id) is None
    assert complaint_of(app, late.post_id).escalated_at is not None
    view = client.get(f"/api/v1/brand/complaints/{late.id}", headers=headers).json
    assert view["sla"]["status"] == "overdue" and view["sla"]["escalated_at"]
    assert view["sla"]["seconds_left"] < 0


def test_the_beat_task_runs_the_sweep(app, client, inbox):
    from workers.complaints import escalate_overdue as task

    late = open_complaint(app, client, inbox.world.author_token, severity="medium")
    _age(app, late.id, 73)
    with app.app_context():
        # run(): the task body in this app (the default Celery app may belong to another test's app).
        assert task.run() == 1
        assert "complaint_sla" in case_for("post", late.post_id).source_list()


def test_sweep_is_scheduled(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["complaint-sla-sweep"]["task"] == "workers.complaints.escalate_overdue"


def test_a_complaint_whose_post_was_deleted_is_not_sent_to_moderators(app, client, inbox):
    complaint = open_complaint(app, client, inbox.world.author_token, severity="critical")
    headers = auth(inbox.lancome_token)
    client.post(f"/api/v1/brand/complaints/{complaint.id}/ack", headers=headers)
    assert client.delete(f"/api/v1/posts/{complaint.post_id}", headers=auth(inbox.world.author_token)).status_code == 204
    resp = client.post(f"/api/v1/brand/complaints/{complaint.id}/reply", json={"body": "您好"}, headers=headers)
    assert resp.status_code == 409 and "删除" in resp.json["error"]["message"]
    _age(app, complaint.id, 5)
    with app.app_context():
        assert escalate_overdue() == 1
        assert case_for("post", complaint.post_id) is None
    assert complaint_of(app, complaint.post_id).escalated_at is not None
