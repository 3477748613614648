"""Through real processes: a complaint post is classified, routed to its brand, escalated when late."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import Notification
from community.services import accounts
from moderation.cases import case_for
from moderation.complaints_models import Complaint
from tests.integration.conftest import call, clean_db, redis_broker, service_env, start_web, start_worker, wait_for  # noqa: F401
from tests.integration.test_outbox_worker import _catalog, _people

pytestmark = pytest.mark.integration


def _staff_and_brand(app):
    with app.test_request_context():
        from community.models import Brand
        brand = db.session.scalar(select(Brand).where(Brand.slug == "xiaomi"))
        desk = accounts.register("xiaomi_desk", "password123")
        desk.role, desk.brand_id = "brand", brand.id
        moderator = accounts.register("mod_on_call", "password123")
        moderator.role = "moderator"
        db.session.commit()
        return brand.id, desk.id, moderator.id


def _complaint(app, post_id):
    with app.app_context():
        return db.session.scalar(select(Complaint).where(Complaint.post_id == post_id))


def test_complaint_routed_by_a_real_worker_and_escalated_by_the_beat(clean_db, redis_broker, tmp_path):
    app = clean_db
    _catalog(app)
    brand_id, desk_id, moderator_id = _staff_and_brand(app)
    env = service_env(tmp_path, redis_broker, MODERATION_MODEL_DIR=str(tmp_path / "no-model"),
                      COMPLAINT_SLA_SWEEP_SECONDS="1")
    web, worker = start_web(tmp_path, env), start_worker(tmp_path, env)
    try:
        author, _ = _people(web.base)
        safety = call(web.base, "POST", "/api/v1/posts", {
            "circle": "digital", "type": "haul", "title": "电池鼓包", "product_skus": ["100000000001"],
            "body": "手机充电时电池鼓包冒烟，差点着火，太危险了"}, token=author, expect=201)
        fake = call(web.base, "POST", "/api/v1/posts", {
            "circle": "digital", "type": "haul", "title": "收到假货", "product_skus": ["100000000001"],
            "body": "收到的手机是假货，售后鉴定是高仿翻新机"}, token=author, expect=201)
        wait_for(lambda: _complaint(app, safety["id"]) and _complaint(app, fake["id"]), 60, what="complaints")
        first = _complaint(app, safety["id"])
        assert first.brand_id == brand_id and first.category == "safety" and first.paged_at is not None
        with app.app_context():
            assert "safety" in case_for("post", safety["id"]).source_list()
            kinds = set(db.session.scalars(select(Notification.kind).where(Notification.recipient_id == moderator_id)))
            assert "safety" in kinds
            assert "complaint" in set(db.session.scalars(select(Notification.kind).where(
                Notification.recipient_id == desk_id)))
            # The fake-goods complaint's SLA passes unanswered: the beat escalates it.
            late = db.session.scalar(select(Complaint).where(Complaint.post_id == fake["id"]))
            late.due_at -= timedelta(days=8)
            db.session.commit()

        def escalated():
            with app.app_context():
                case = case_for("post", fake["id"])
                return case is not None and "complaint_sla" in case.source_list()
        wait_for(escalated, 30, what="SLA escalation by the beat sweep")
        assert _complaint(app, fake["id"]).escalated_at is not None
        assert "Traceback" not in worker.output()
    finally:
        web.kill()
        worker.kill()
