"""verdict.recorded with a complaint opens one complaint, routed to the brand of the linked product."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.models import ConsumedEvent, Notification
from moderation import cascade
from moderation.cases import case_for, signals_of
from moderation.complaints_models import Complaint
from moderation.verdicts import classify_and_apply
from tests.moderation.complaints.conftest import complaint_of, create_post, record_verdict, route


def _notifications(app, member_id, kind):
    with app.app_context():
        return list(db.session.scalars(select(Notification.text).where(
            Notification.recipient_id == member_id, Notification.kind == kind)))


def test_complaint_goes_to_the_brand_that_owns_the_linked_product(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token, title="面霜有异味", body="刚开封就有一股酸味，质量太差")
    event_id = record_verdict(app, post_id, {"category": "quality", "severity": "high"})
    assert route(app, event_id) == "opened"
    complaint = complaint_of(app, post_id)
    assert complaint.brand_id == inbox.world.ids.brand and complaint.product_id == inbox.world.ids.serum
    assert (complaint.state, complaint.category, complaint.severity) == ("new", "quality", "high")
    assert complaint.due_at - complaint.created_at == timedelta(hours=24)
    # The brand's own users hear about it; the other brand's do not.
    assert any("面霜有异味" in text for text in _notifications(app, inbox.lancome.id, "complaint"))
    assert _notifications(app, inbox.anta.id, "complaint") == []


def test_first_linked_product_decides_the_brand(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token, product_skus=["100055501234", "100012043978"])
    route(app, record_verdict(app, post_id, {"category": "logistics", "severity": "low"}))
    assert complaint_of(app, post_id).brand_id == inbox.anta_id


def test_no_linked_product_goes_to_the_general_queue(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token, type="note", product_skus=[], title="客服态度",
                          body="售后客服一直推脱，问题拖了一个月")
    route(app, record_verdict(app, post_id, {"category": "after_sales", "severity": "medium"}))
    complaint = complaint_of(app, post_id)
    assert complaint.brand_id is None and complaint.product_id is None
    assert _notifications(app, inbox.lancome.id, "complaint") == []


def test_a_verdict_without_complaint_opens_nothing(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token)
    assert route(app, record_verdict(app, post_id, None)) == "skipped"
    assert complaint_of(app, post_id) is None


def test_a_post_removed_as_a_violation_opens_no_complaint(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token, body="投诉退款找我，加V信 abc12345 代办")
    event_id = record_verdict(app, post_id, {"category": "after_sales", "severity": "medium"}, decision="remove")
    assert route(app, event_id) == "skipped"
    assert complaint_of(app, post_id) is None


def test_redelivered_event_applies_once(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token)
    event_id = record_verdict(app, post_id, {"category": "quality", "severity": "medium"})
    assert route(app, event_id) == "opened"
    assert route(app, event_id) == "duplicate"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.post_id == post_id)) == 1
        assert db.session.get(ConsumedEvent, ("complaints", event_id)) is not None
    assert len(_notifications(app, inbox.lancome.id, "complaint")) == 1


def test_reclassified_edit_updates_the_same_complaint_and_a_late_old_verdict_is_ignored(app, client, inbox):
    token = inbox.world.author_token
    post_id = create_post(client, token)
    route(app, record_verdict(app, post_id, {"category": "quality", "severity": "low"}))
    before = complaint_of(app, post_id)
    resp = client.patch(f"/api/v1/posts/{post_id}", json={"body": "更新：用了以后脸肿了，去医院看了"},
                        headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.json["content_version"] == 2
    assert route(app, record_verdict(app, post_id, {"category": "quality", "severity": "critical"}, 2)) == "updated"
    after = complaint_of(app, post_id)
    assert after.id == before.id and after.severity == "critical" and after.content_version == 2
    assert after.due_at == before.created_at + timedelta(hours=4)
    # The first version's verdict, delivered late, must not undo the newer one.
    assert route(app, record_verdict(app, post_id, {"category": "quality", "severity": "low"}, 1)) == "stale"
    assert complaint_of(app, post_id).severity == "critical"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.post_id == post_id)) == 1


def test_safety_complaint_pages_every_moderator_at_once_and_opens_a_case(app, client, inbox, make_member):
    post_id = create_post(client, inbox.world.author_token, title="奶瓶导致过敏", body="宝宝用了过敏住院")
    event_id = record_verdict(app, post_id, {"category": "safety", "severity": "critical"})
    assert route(app, event_id) == "opened"
    complaint = complaint_of(app, post_id)
    assert complaint.paged_at is not None and complaint.brand_id == inbox.world.ids.brand
    for staff in (inbox.moderator, inbox.admin):
        assert any("奶瓶导致过敏" in t for t in _notifications(app, staff.id, "safety"))
    assert _notifications(app, inbox.world.author.id, "safety") == []
    with app.app_context():
        case = case_for("post", post_id)
        assert case is not None and case.state == "open" and "safety" in case.source_list()
        assert [s.source for s in signals_of(case)] == ["safety"]
    # A re-classification of the same safety complaint does not page again.
    assert route(app, record_verdict(app, post_id, {"category": "safety", "severity": "high"}, 1)) == "updated"
    assert len(_notifications(app, inbox.moderator.id, "safety")) == 1


def test_non_safety_complaint_pages_nobody(app, client, inbox):
    post_id = create_post(client, inbox.world.author_token)
    route(app, record_verdict(app, post_id, {"category": "quality", "severity": "critical"}))
    assert _notifications(app, inbox.moderator.id, "safety") == []
    with app.app_context():
        assert case_for("post", post_id) is None


@pytest.fixture
def rules_only(tmp_path, monkeypatch):
    monkeypatch.setenv("MODERATION_MODEL_DIR", str(tmp_path / "no-model"))
    cascade.reload()
    yield
    cascade.reload()


def test_real_verdict_of_a_complaint_post_opens_a_complaint(app, client, inbox, rules_only):
    post_id = create_post(client, inbox.world.author_token, title="收到假货",
                          body="收到的兰蔻面霜是假货，专柜鉴定是高仿，客服不理人")
    with app.app_context():
        assert classify_and_apply(post_id, 1, cascade.classify) == "allow"
        from community.models import OutboxEvent
        event_id = db.session.scalar(select(OutboxEvent.id).where(
            OutboxEvent.topic == "verdict.recorded", OutboxEvent.aggregate_id == post_id))
    assert route(app, event_id) == "opened"
    complaint = complaint_of(app, post_id)
    assert complaint.category == "counterfeit_received" and complaint.brand_id == inbox.world.ids.brand
