"""A real worker on Redis classifies posts created through the API, each version exactly once."""
import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.models import Post
from moderation.verdicts import Verdict
from tests.integration.conftest import call, service_env, start_web, start_worker, wait_for
from tests.integration.test_outbox_worker import _catalog, _people

pytestmark = pytest.mark.integration


def _verdicts(app, post_id):
    with app.app_context():
        return db.session.scalar(select(func.count(Verdict.id)).where(Verdict.post_id == post_id))


def test_worker_classifies_new_and_edited_posts(clean_db, redis_broker, tmp_path):
    app = clean_db
    _catalog(app)
    env = service_env(tmp_path, redis_broker, MODERATION_MODEL_DIR=str(tmp_path / "no-model"))
    web, worker = start_web(tmp_path, env), start_worker(tmp_path, env)
    try:
        author, _ = _people(web.base)
        clean = call(web.base, "POST", "/api/v1/posts", {
            "circle": "digital", "type": "haul", "title": "小米14晒单", "body": "拍照很强，续航一天没问题。",
            "product_skus": ["100000000001"]}, token=author, expect=201)
        spam = call(web.base, "POST", "/api/v1/posts", {
            "circle": "digital", "type": "note", "title": "手机原单", "body": "高仿A货1:1复刻，加V信 abc12345 拿货"},
            token=author, expect=201)
        wait_for(lambda: _verdicts(app, clean["id"]) == 1 and _verdicts(app, spam["id"]) == 1, 60, what="verdicts")
        with app.app_context():
            assert db.session.get(Post, clean["id"]).visibility == "visible"
            assert db.session.get(Post, spam["id"]).visibility in ("hidden", "pending")
        call(web.base, "PATCH", f"/api/v1/posts/{clean['id']}", {"body": "用了一个月，依然满意。"}, token=author, expect=200)
        wait_for(lambda: _verdicts(app, clean["id"]) == 2, 60, what="re-classification of the edit")
        assert "Traceback" not in worker.output()
    finally:
        web.kill()
        worker.kill()



def test_worker_killed_mid_batch_still_classifies_each_post_exactly_once(clean_db, redis_broker, tmp_path):
    """SIGKILL loses the in-flight task's process; late ack lets Redis hand it out again after the
    visibility timeout, and the reconcile sweep re-sends anything still without a verdict."""
    import time

    app = clean_db
    _catalog(app)
    env = service_env(tmp_path, redis_broker, MODERATION_MODEL_DIR=str(tmp_path / "no-model"),
                      CELERY_VISIBILITY_TIMEOUT="3", MODERATION_RECONCILE_SECONDS="2",
                      MODERATION_RECONCILE_GRACE_SECONDS="4")
    web = start_web(tmp_path, service_env(tmp_path, redis_broker, OUTBOX_NUDGE="0"))
    try:
        author, _ = _people(web.base)
        ids = [call(web.base, "POST", "/api/v1/posts", {
            "circle": "digital", "type": "haul", "title": f"小米14晒单{i}", "body": "拍照很强，续航一天没问题。",
            "product_skus": ["100000000001"]}, token=author, expect=201)["id"] for i in range(60)]
        first = start_worker(tmp_path, env, queues="outbox,moderation", name="first")

        def classified():
            with app.app_context():
                return db.session.scalar(select(func.count(Verdict.id)))
        wait_for(lambda: classified() >= 3, 60, what="first verdicts")
        first.kill()  # SIGKILL to the whole worker: its in-flight task is never acknowledged
        done_at_kill = classified()
        assert done_at_kill < len(ids), "the worker should be killed mid-batch"
        second = start_worker(tmp_path, env, queues="outbox,moderation", name="second")
        try:
            wait_for(lambda: classified() == len(ids), 90, what="all posts classified after the restart")
            time.sleep(6)  # past the visibility timeout and a reconcile period: redeliveries have run
            with app.app_context():
                per_post = db.session.execute(select(Verdict.post_id, func.count(Verdict.id))
                                              .group_by(Verdict.post_id)).all()
            assert sorted(p for p, _ in per_post) == sorted(ids)
            assert all(n == 1 for _, n in per_post)
            assert "Traceback" not in second.output()
        finally:
            second.kill()
    finally:
        web.kill()
