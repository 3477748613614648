"""classify_post applies the cascade's verdict to the post, once per content version."""
import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.models import OutboxEvent, Post
from moderation import cascade
from moderation.verdicts import Verdict, classify_and_apply
from tests.community.conftest import haul, join  # noqa: F401
from tests.community.conftest import world  # noqa: F401
from tests.conftest import auth


@pytest.fixture(autouse=True)
def rules_only(tmp_path, monkeypatch):
    """No trained model: the cascade runs its rules with default thresholds (what a fresh clone has)."""
    monkeypatch.setenv("MODERATION_MODEL_DIR", str(tmp_path / "no-model"))
    cascade.reload()
    yield
    cascade.reload()


def _create(client, world, **overrides):
    join(client, world.author_token)
    resp = client.post("/api/v1/posts", json=haul(**overrides), headers=auth(world.author_token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _run(app, post_id, version=1):
    with app.app_context():
        return classify_and_apply(post_id, version, cascade.classify)


def test_clean_haul_is_allowed_and_stays_visible(app, client, world):
    post_id = _create(client, world)
    assert _run(app, post_id) == "allow"
    with app.app_context():
        assert db.session.get(Post, post_id).visibility == "visible"
        verdict = db.session.scalar(select(Verdict).where(Verdict.post_id == post_id))
        assert verdict.model_version and set(verdict.scores) >= {"spam.ad", "complaint"}


def test_counterfeit_promotion_with_contact_is_taken_down(app, client, world):
    post_id = _create(client, world, title="专柜品质", body="高仿A货，原单1:1复刻，加薇信 abc12345 看实拍，量大从优")
    outcome = _run(app, post_id)
    assert outcome in ("review", "remove")
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.visibility in ("hidden", "pending")
        verdict = db.session.scalar(select(Verdict).where(Verdict.post_id == post_id))
        assert "fake.counterfeit" in verdict.labels and verdict.evidence
        topics = db.session.scalars(select(OutboxEvent.topic).where(OutboxEvent.aggregate_id == post_id)).all()
        assert "verdict.recorded" in topics and "post.visibility_changed" in topics
    assert client.get(f"/api/v1/posts/{post_id}").status_code == 404


def test_idempotent_per_version_and_stale_versions_skip(app, client, world):
    post_id = _create(client, world)
    assert _run(app, post_id) == "allow"
    assert _run(app, post_id) == "duplicate"
    client.patch(f"/api/v1/posts/{post_id}", json={"body": "更新：用完一整瓶，回购。"}, headers=auth(world.author_token))
    assert _run(app, post_id, 1) == "stale"
    assert _run(app, post_id, 2) == "allow"
    with app.app_context():
        assert db.session.scalar(select(func.count(Verdict.id)).where(Verdict.post_id == post_id)) == 2


def test_missing_post_is_logged_and_ignored(app):
    assert _run(app, 987654) == "missing"


def test_reconcile_finds_posts_whose_current_text_has_no_verdict(app, client, world):
    from moderation.verdicts import unclassified

    post_id = _create(client, world)
    with app.app_context():
        assert (post_id, 1) in unclassified(0)
        assert (post_id, 1) not in unclassified(3600)  # still inside the grace period
    _run(app, post_id)
    with app.app_context():
        assert all(pid != post_id for pid, _ in unclassified(0))
    resp = client.patch(f"/api/v1/posts/{post_id}", json={"body": "改了一下内容，补充使用感受。"},
                        headers=auth(world.author_token))
    assert resp.status_code == 200, resp.json
    with app.app_context():
        assert (post_id, 2) in unclassified(0)
