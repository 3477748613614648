"""Complaint tests run on the database, unlike the classifier library tests around them."""
import itertools
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from community import outbox
from community.extensions import db
from community.models import Post, Product
from moderation.complaints import apply_verdict_event
from moderation.complaints_models import Complaint
from moderation.verdicts import Verdict
from tests.community.conftest import haul, join, world  # noqa: F401
from tests.conftest import _rollback, auth  # noqa: F401  (the library conftest turned the rollback off)

_versions = itertools.count(1)


@pytest.fixture
def inbox(app, client, world, make_member):  # noqa: F811
    """The community world plus a brand user for each brand, a moderator and an admin."""
    with app.app_context():
        anta_id = db.session.get(Product, world.ids.shoes).brand_id
    lancome_user, lancome_token = make_member("brand", brand_id=world.ids.brand)
    anta_user, anta_token = make_member("brand", brand_id=anta_id)
    moderator, moderator_token = make_member("moderator")
    admin, admin_token = make_member("admin")
    join(client, world.author_token)
    return SimpleNamespace(world=world, lancome=lancome_user, lancome_token=lancome_token, anta_id=anta_id,
                           anta=anta_user, anta_token=anta_token, moderator=moderator,
                           moderator_token=moderator_token, admin=admin, admin_token=admin_token)


def create_post(client, token, **overrides):
    resp = client.post("/api/v1/posts", json=haul(**overrides), headers=auth(token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def record_verdict(app, post_id, complaint, version=None, decision="allow"):
    """What the classifier worker writes: a verdict row and its verdict.recorded event."""
    with app.app_context():
        post = db.session.get(Post, post_id)
        version = version or post.content_version
        verdict = Verdict(post_id=post_id, content_version=version, model_version=f"test-{next(_versions)}",
                          engine="rules", scores={"complaint": 0.9 if complaint else 0.1},
                          labels=["complaint"] if complaint else [], decision=decision, complaint=complaint,
                          evidence=[], context={})
        db.session.add(verdict)
        db.session.flush()
        event = outbox.emit("verdict.recorded", "post", post_id, verdict_id=verdict.id, version=version,
                            decision=decision, labels=verdict.labels, complaint=complaint)
        outbox.commit()
        return event.id


def route(app, event_id):
    with app.app_context():
        return apply_verdict_event(event_id)


def complaint_of(app, post_id):
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.post_id == post_id))
        if complaint is not None:
            db.session.expunge(complaint)
        return complaint


def open_complaint(app, client, token, severity="medium", category="quality", **post):
    post_id = create_post(client, token, **post)
    assert route(app, record_verdict(app, post_id, {"category": category, "severity": severity})) == "opened"
    return complaint_of(app, post_id)
