"""The search tasks: index_post per outbox event, the engagement sweep, the reconcile sweep."""
import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from community.extensions import db
from community.models import OutboxEvent, Post
from community.services import orders as order_service
from community.services import posts as post_service
from community.services import social
from search import sync
from search.backends.base import BackendUnavailable, Query
from search.models import SearchIndexState
from tests.community.conftest import haul, join  # noqa: F401
from tests.community.conftest import world  # noqa: F401
from tests.conftest import auth
from tests.search.conftest import search_engine  # noqa: F401
from workers import search as tasks
from workers.consumers import consumers_for


def _create(client, world, **overrides):
    join(client, world.author_token)
    resp = client.post("/api/v1/posts", json=haul(**overrides), headers=auth(world.author_token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _found(engine, text):
    engine.backend.refresh()
    return engine.backend.search(Query(text), size=50, highlight=False).ids


def _run(app, task, *args):
    """Run a task as a worker of the test app would (eagerly, retries included); (value, exception).

    The task is taken from the test app's own Celery app: `tasks.index_post` alone resolves through
    Celery's default app, which is whichever app the suite created last."""
    result = app.extensions["celery"].tasks[task.name].apply(args=args)
    return (None, result.result) if result.failed() else (result.result, None)


@pytest.mark.parametrize("topic", ["post.created", "post.updated", "post.deleted", "post.visibility_changed",
                                   "post.verification_changed"])
def test_every_topic_that_changes_a_document_reaches_index_post(topic):
    search = [c for c in consumers_for(topic) if c.task == "workers.search.index_post"]
    assert len(search) == 1 and search[0].queue == "search" and search[0].by_subject


def test_the_events_of_a_post_and_its_moderation_all_name_a_search_consumer(app, client, world):
    post_id = _create(client, world)
    with app.app_context():
        post_service.edit_post(world.author, post_id, body="改过的正文")
        post_service.change_visibility(db.session.get(Post, post_id), "hidden", reason="test")
        db.session.commit()
        post_service.delete_post(world.author, post_id)
        topics = db.session.scalars(select(OutboxEvent.topic).where(OutboxEvent.aggregate_type == "post",
                                                                    OutboxEvent.aggregate_id == post_id)).all()
    assert {"post.created", "post.updated", "post.visibility_changed", "post.deleted"} <= set(topics)
    for topic in topics:
        if topic.startswith("post."):
            assert any(c.name == "search" for c in consumers_for(topic)), topic


def test_index_post_indexes_then_coalesces(app, client, world, search_engine):
    post_id = _create(client, world)
    assert _run(app, tasks.index_post, post_id, 1) == ("written", None)
    with app.app_context():
        assert _found(search_engine, "小黑瓶") == [post_id]
    assert _run(app, tasks.index_post, post_id, 1) == ("unchanged", None)     # a redelivery
    with app.app_context():
        for n in range(3):
            post_service.edit_post(world.author, post_id, title=f"小黑瓶改标题{n}")
    outcomes = [_run(app, tasks.index_post, post_id, v)[0] for v in (2, 3, 4)]   # three events, one write
    assert outcomes == ["written", "unchanged", "unchanged"]
    with app.app_context():
        assert _found(search_engine, "改标题2") == [post_id]


def test_a_hidden_post_leaves_the_index(app, client, world, search_engine):
    post_id = _create(client, world)
    _run(app, tasks.index_post, post_id, 1)
    with app.app_context():
        post_service.change_visibility(db.session.get(Post, post_id), "hidden", reason="moderation:remove")
        db.session.commit()
    assert _run(app, tasks.index_post, post_id, 1) == ("written", None)
    with app.app_context():
        assert _found(search_engine, "小黑瓶") == []


def test_a_lost_verified_badge_reaches_the_index(app, client, world, search_engine):
    from search.backends.base import Flag

    post_id = _create(client, world, order_no="JD-DELIVERED")
    _run(app, tasks.index_post, post_id, 1)
    verified = Query("小黑瓶", (Flag("verified_purchase"),))
    with app.app_context():
        search_engine.backend.refresh()
        assert search_engine.backend.search(verified).ids == [post_id]
        order_service.import_orders(None, [{"order_no": "JD-DELIVERED", "buyer": world.author.username,
                                            "status": "refunded", "items": [{"sku": "100012043978"}]}])
        topics = db.session.scalars(select(OutboxEvent.topic).where(OutboxEvent.aggregate_id == post_id)).all()
        assert "post.verification_changed" in topics
    assert _run(app, tasks.index_post, post_id, 1) == ("written", None)
    with app.app_context():
        search_engine.backend.refresh()
        assert search_engine.backend.search(verified).ids == []
        assert _found(search_engine, "小黑瓶") == [post_id]


def test_a_post_whose_row_is_gone_is_deleted_and_the_task_returns(app, client, world, search_engine):
    post_id = _create(client, world)
    _run(app, tasks.index_post, post_id, 1)
    with app.app_context():
        db.session.execute(delete(Post).where(Post.id == post_id))
        db.session.commit()
    assert _run(app, tasks.index_post, post_id, 1) == ("gone", None)
    with app.app_context():
        assert _found(search_engine, "小黑瓶") == []
        assert search_engine.backend.live_versions([post_id]) == {}


def test_transient_errors_are_retried_then_the_write_lands(app, client, world, search_engine, monkeypatch):
    post_id = _create(client, world)
    real, calls = sync.sync_posts, []

    def flaky(ids, **kw):
        calls.append(ids)
        if len(calls) == 1:
            raise BackendUnavailable("writer lock busy")
        if len(calls) == 2:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return real(ids, **kw)

    monkeypatch.setattr(sync, "sync_posts", flaky)
    assert _run(app, tasks.index_post, post_id, 1) == ("written", None)
    assert len(calls) == 3
    with app.app_context():
        assert _found(search_engine, "小黑瓶") == [post_id]


def test_retries_are_bounded_and_bugs_are_not_retried(app, client, world, search_engine, monkeypatch):
    post_id = _create(client, world)
    calls = []

    def down(ids, **kw):
        calls.append(ids)
        raise BackendUnavailable("no engine")

    monkeypatch.setattr(sync, "sync_posts", down)
    value, error = _run(app, tasks.index_post, post_id, 1)
    assert isinstance(error, BackendUnavailable) and len(calls) == tasks.MAX_RETRIES + 1

    calls.clear()

    def bug(ids, **kw):
        calls.append(ids)
        raise ProgrammingError("SELECT nope", {}, Exception("column does not exist"))

    monkeypatch.setattr(sync, "sync_posts", bug)
    value, error = _run(app, tasks.index_post, post_id, 1)
    assert isinstance(error, ProgrammingError) and len(calls) == 1


def test_engagement_sweep_writes_liked_posts_in_one_pass(app, client, world, search_engine, make_member):
    ids = [_create(client, world, title=f"小黑瓶点赞{n}") for n in range(3)]
    for post_id in ids:
        _run(app, tasks.index_post, post_id, 1)
    fan, _ = make_member("member")
    with app.app_context():
        for post_id in ids[:2]:
            social.like(db.session.get(type(fan), fan.id), post_id)
            social.like(db.session.get(type(fan), fan.id), post_id)      # a repeated like changes nothing
    assert _run(app, tasks.refresh_engagement) == (2, None)
    assert _run(app, tasks.refresh_engagement) == (0, None)
    with app.app_context():
        likes = {s.post_id: s.likes for s in db.session.scalars(
            select(SearchIndexState).where(SearchIndexState.post_id.in_(ids)))}
        assert likes == {ids[0]: 1, ids[1]: 1, ids[2]: 0}


def test_reconcile_sweep_repairs_drift(app, client, world, search_engine):
    indexed, lost = _create(client, world, title="小黑瓶对账甲"), _create(client, world, title="小黑瓶对账乙")
    _run(app, tasks.index_post, indexed, 1)                         # lost's event never arrived
    with app.app_context():
        post = db.session.get(Post, indexed)
        post.visibility = "hidden"                              # hidden without an event
        db.session.commit()
    assert _run(app, tasks.reconcile_index) == (2, None)
    with app.app_context():
        assert _found(search_engine, "对账") == [lost]
    assert _run(app, tasks.reconcile_index) == (0, None)


def test_beat_runs_both_sweeps_on_the_search_queue(app):
    conf = app.extensions["celery"].conf
    schedule = {entry["task"]: entry for entry in conf.beat_schedule.values()}
    assert schedule["workers.search.refresh_engagement"]["schedule"] == float(app.config["SEARCH_ENGAGEMENT_SECONDS"])
    assert schedule["workers.search.reconcile_index"]["schedule"] == float(app.config["SEARCH_RECONCILE_SECONDS"])
    assert conf.task_routes["workers.search.*"] == {"queue": "search"}


def test_a_creator_level_change_reaches_every_post_of_the_author(app, client, world, search_engine, make_member):
    from community.services import accounts
    from search.backends.base import Term

    post_id = _create(client, world)
    assert _run(app, tasks.index_post, post_id, 1) == ("written", None)
    admin, _ = make_member("admin")
    with app.app_context():
        accounts.set_creator_profile(db.session.merge(admin), world.author.username, "明星")
        event = db.session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "member.profile_changed")
                                   .order_by(OutboxEvent.id.desc())).first()
        assert event.aggregate_id == world.author.id
    [consumer] = [c for c in consumers_for("member.profile_changed") if c.queue == "search"]
    assert _run(app, tasks.index_member_posts, *consumer.args(event)) == (1, None)
    with app.app_context():
        search_engine.backend.refresh()
        assert search_engine.backend.search(Query("", (Term("author_level", "明星"),)), size=5,
                                            highlight=False).ids == [post_id]
    assert _run(app, tasks.index_member_posts, world.author.id, None) == (0, None)   # a redelivery
