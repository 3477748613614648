"""The outbox on real services: gunicorn + Celery worker on Redis + PostgreSQL."""
import pytest
from sqlalchemy import func, select, update

from community.extensions import db
from community.models import Brand, Circle, ConsumedEvent, Notification, OutboxEvent, Product
from tests.integration.conftest import call, service_env, start_web, start_worker, wait_for

pytestmark = pytest.mark.integration


def _catalog(app):
    with app.app_context():
        brand = Brand(slug="xiaomi", name="小米")
        db.session.add_all([brand, Circle(slug="digital", name="数码科技", category="数码", moderation_mode="post"),
                            Product(sku="100000000001", title="小米14 Ultra", brand=brand, category="数码",
                                    price="5999.00")])
        db.session.commit()


def _count(app, stmt):
    with app.app_context():
        return db.session.scalar(stmt)


def _people(base):
    author = call(base, "POST", "/api/v1/auth/register", {"username": "author_a", "password": "password123"}, expect=201)
    fan = call(base, "POST", "/api/v1/auth/register", {"username": "fan_b", "password": "password123"}, expect=201)
    call(base, "PUT", "/api/v1/circles/digital/membership", token=author["token"], expect=200)
    return author["token"], fan["token"]


def _haul(base, token, i):
    return call(base, "POST", "/api/v1/posts", {"circle": "digital", "type": "haul", "title": f"小米14晒单{i}",
                                                 "body": "拍照很强，续航一天没问题。", "product_skus": ["100000000001"]},
                token=token, expect=201)


def test_comment_and_follow_notify_through_a_real_worker(clean_db, redis_broker, tmp_path):
    app = clean_db
    _catalog(app)
    env = service_env(tmp_path, redis_broker, OUTBOX_SWEEP_SECONDS="30")  # the nudge alone must deliver
    web, worker = start_web(tmp_path, env), start_worker(tmp_path, env)
    try:
        author, fan = _people(web.base)
        post = _haul(web.base, author, 1)
        call(web.base, "POST", f"/api/v1/posts/{post['id']}/comments", {"body": "求色号！"}, token=fan, expect=201)
        call(web.base, "PUT", "/api/v1/members/author_a/follow", token=fan, expect=200)
        notes = wait_for(lambda: (lambda n: n if len(n) == 2 else None)(
            call(web.base, "GET", "/api/v1/me/notifications", token=author)), 30, what="two notifications")
        assert {n["kind"] for n in notes} == {"comment", "follow"}
        assert any("求色号" in n["text"] for n in notes)
    finally:
        web.kill()
        worker.kill()


def test_broker_outage_loses_nothing_and_delivers_each_event_once(clean_db, private_redis, tmp_path):
    app = clean_db
    _catalog(app)
    env = service_env(tmp_path, private_redis.url)
    web, worker = start_web(tmp_path, env), start_worker(tmp_path, env)
    try:
        author, fan = _people(web.base)
        private_redis.stop()
        for i in range(5):
            post = _haul(web.base, author, i)
            call(web.base, "POST", f"/api/v1/posts/{post['id']}/comments", {"body": f"好物{i}"}, token=fan, expect=201)
        waiting = _count(app, select(func.count(OutboxEvent.id)).where(OutboxEvent.dispatched_at.is_(None)))
        assert waiting >= 10, "events must wait in the outbox while the broker is down"
        private_redis.restart()
        wait_for(lambda: _count(app, select(func.count(OutboxEvent.id))
                                .where(OutboxEvent.dispatched_at.is_(None))) == 0, 60, what="outbox drained")
        comment_events = _count(app, select(func.count(OutboxEvent.id)).where(OutboxEvent.topic == "comment.created"))
        assert comment_events == 5
        # The notify consumer's ledger only: verdict.recorded has consumers of its own (review, complaints).
        notified = select(func.count(ConsumedEvent.event_id)).where(ConsumedEvent.consumer == "notify")
        wait_for(lambda: _count(app, notified) == 5, 30, what="5 consumed")
        # A relay that crashed after sending but before marking re-sends everything: absorbed.
        with app.app_context():
            db.session.execute(update(OutboxEvent).values(dispatched_at=None))
            db.session.commit()
        wait_for(lambda: _count(app, select(func.count(OutboxEvent.id))
                                .where(OutboxEvent.dispatched_at.is_(None))) == 0, 60, what="re-relay")
        import time
        time.sleep(2)
        assert _count(app, select(func.count(Notification.id))) == 5
        assert _count(app, notified) == 5
    finally:
        web.kill()
        worker.kill()
