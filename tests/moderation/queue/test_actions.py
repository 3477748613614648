"""Moderator actions through the JSON API: claim, decide, stale views, notices, strikes, roles."""
from community.extensions import db
from community.models import Member, Notification, Post, Report
from moderation.reporters import stats
from moderation.strikes import strike_counts
from tests.conftest import auth
from tests.moderation.queue.helpers import case_json, deliver_pending, open_case, report


def decide(client, token, case_id, version, action="remove", **extra):
    body = {"action": action, "version": version, **extra}
    if action == "remove" and "policy" not in extra:
        body["policy"] = "spam"
    return client.post(f"/api/v1/moderation/cases/{case_id}/decisions", json=body, headers=auth(token))


def test_member_cannot_see_the_queue_or_act(app, client, world, make_post, mods):
    case_id, version = open_case(app, make_post())
    assert client.get("/api/v1/moderation/cases", headers=auth(world.stranger_token)).status_code == 403
    assert client.get(f"/api/v1/moderation/cases/{case_id}", headers=auth(world.stranger_token)).status_code == 403
    assert decide(client, world.stranger_token, case_id, version).status_code == 403
    assert client.get("/api/v1/moderation/cases").status_code == 401
    assert client.get("/api/v1/moderation/cases", headers=auth(mods.a_token)).status_code == 200


def test_report_opens_case_and_removal_notifies_author_and_reporter(app, client, world, make_post, mods):
    post_id = make_post()
    report(client, world.stranger_token, post_id, reason="counterfeit")
    deliver_pending(app)
    items = client.get("/api/v1/moderation/cases?source=report", headers=auth(mods.a_token)).json["items"]
    case = next(c for c in items if c["subject_id"] == post_id)
    assert case["labels"] == ["fake.counterfeit"] and case["priority_parts"]["reporters"]["reporters"] == 1
    resp = decide(client, mods.a_token, case["id"], case["version"], policy="counterfeit", public_note="售卖高仿")
    assert resp.status_code == 201, resp.json
    assert resp.json["labels"] == ["fake.counterfeit"] and resp.json["new_state"] == "closed"
    with app.app_context():
        assert db.session.get(Post, post_id).visibility == "hidden"
        assert strike_counts([world.author.id])[world.author.id] == 1
        assert stats(world.stranger.id) == (1, 0)
        texts = {n.recipient_id: n.text for n in db.session.query(Notification).filter(Notification.kind.in_(("moderation", "report_outcome")))}
        assert "内容已被移除" in texts[world.author.id] and "售卖高仿" in texts[world.author.id]
        assert "经核实违规" in texts[world.stranger.id]
        assert db.session.query(Report).filter_by(subject_id=post_id).one().status == "upheld"
    mine = client.get("/api/v1/moderation/me/reports", headers=auth(world.stranger_token)).json["items"]
    assert mine[0]["outcome"] == "agreed"


def test_claim_blocks_other_moderators_until_it_expires(app, client, make_post, mods):
    case_id, version = open_case(app, make_post())
    claimed = client.post(f"/api/v1/moderation/cases/{case_id}/claim", json={"version": version}, headers=auth(mods.a_token))
    assert claimed.status_code == 200 and claimed.json["state"] == "assigned"
    version = claimed.json["version"]
    refused = decide(client, mods.b_token, case_id, version)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "case_claimed"
    assert client.post(f"/api/v1/moderation/cases/{case_id}/claim", json={}, headers=auth(mods.b_token)).status_code == 409
    with app.app_context():
        from moderation.cases import Case
        from community.models.base import utcnow
        case = db.session.get(Case, case_id)
        case.claim_expires_at = utcnow()
        db.session.commit()
    taken = client.post(f"/api/v1/moderation/cases/{case_id}/claim", json={}, headers=auth(mods.b_token))
    assert taken.status_code == 200 and taken.json["assignee_id"] == mods.b.id
    trail = [d["action"] for d in case_json(client, mods.b_token, case_id)["trail"]]
    assert trail[-3:] == ["claim", "claim_expired", "claim"]


def test_stale_view_is_refused_not_applied(app, client, make_post, mods):
    case_id, version = open_case(app, make_post())
    assert client.post(f"/api/v1/moderation/cases/{case_id}/escalate", json={"version": version},
                       headers=auth(mods.a_token)).status_code == 200
    stale = decide(client, mods.b_token, case_id, version, action="approve")
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_case"
    assert case_json(client, mods.b_token, case_id)["case"]["state"] == "escalated"


def test_refused_moves_answer_409_with_the_error_shape(app, client, make_post, mods):
    case_id, version = open_case(app, make_post())
    release = client.post(f"/api/v1/moderation/cases/{case_id}/release", json={}, headers=auth(mods.a_token))
    assert release.status_code == 409 and release.json["error"]["code"] == "invalid_transition"
    assert release.json["error"]["details"] == {"from": "open", "to": "open", "allowed": ["assigned", "escalated", "closed"]}
    assert decide(client, mods.a_token, case_id, version, action="approve").status_code == 201
    again = decide(client, mods.a_token, case_id, version + 1, action="remove")
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    reopen = client.post(f"/api/v1/moderation/cases/{case_id}/reopen", json={}, headers=auth(mods.a_token))
    assert reopen.status_code == 200 and reopen.json["state"] == "open"


def test_bad_input_is_a_clear_4xx(app, client, make_post, mods):
    case_id, version = open_case(app, make_post())
    assert decide(client, mods.a_token, case_id, version, action="explode").status_code == 422
    missing_policy = client.post(f"/api/v1/moderation/cases/{case_id}/decisions",
                                 json={"action": "remove", "version": version}, headers=auth(mods.a_token))
    assert missing_policy.status_code == 422 and "policy" in missing_policy.json["error"]["details"]["fields"]
    assert decide(client, mods.a_token, case_id, version, action="suspend", policy="spam").status_code == 422
    assert decide(client, mods.a_token, 999999, 1).status_code == 404
    assert client.get("/api/v1/moderation/cases?cursor=%%%", headers=auth(mods.a_token)).status_code == 422
    assert client.get("/api/v1/moderation/cases?label=nope", headers=auth(mods.a_token)).status_code == 422


def test_approve_restores_a_held_post_and_reporters_lose_accuracy(app, client, world, make_post, mods):
    post_id = make_post()
    report(client, world.stranger_token, post_id)
    deliver_pending(app)
    with app.test_request_context():
        from community import outbox
        from community.services.posts import change_visibility
        change_visibility(db.session.get(Post, post_id), "pending", reason="verdict:review")
        outbox.commit()
        from moderation.cases import case_for
        case = case_for("post", post_id)
        case_id, version = case.id, case.version
    assert decide(client, mods.a_token, case_id, version, action="approve").status_code == 201
    with app.app_context():
        assert db.session.get(Post, post_id).visibility == "visible"
        assert stats(world.stranger.id) == (0, 1)
        assert strike_counts([world.author.id])[world.author.id] == 0


def test_relabel_becomes_the_training_label(app, client, make_post, mods):
    case_id, version = open_case(app, make_post(), label="spam.ad")
    relabel = decide(client, mods.a_token, case_id, version, action="relabel", labels=["fake.review"])
    assert relabel.status_code == 201 and relabel.json["labels"] == ["fake.review"]
    removed = decide(client, mods.a_token, case_id, version + 1, action="remove", policy="spam")
    assert removed.json["labels"] == ["fake.review"]


def test_strikes_drive_graduated_sanctions(app, client, world, make_post, mods):
    for n in range(3):
        case_id, version = open_case(app, make_post(title=f"加微信领券 {n}"))
        assert decide(client, mods.a_token, case_id, version, action="warn", policy="spam").status_code == 201
    with app.app_context():
        author = db.session.get(Member, world.author.id)
        assert strike_counts([author.id])[author.id] == 3
        assert author.status == "suspended" and author.suspended_until is not None


def test_suspend_and_ban_go_through_set_status(app, client, world, make_post, mods):
    case_id, version = open_case(app, make_post())
    assert decide(client, mods.a_token, case_id, version, action="suspend", policy="spam", days=2).status_code == 201
    with app.app_context():
        assert db.session.get(Member, world.author.id).status == "suspended"
        from community.models import OutboxEvent
        assert db.session.query(OutboxEvent).filter_by(topic="member.status_changed").count() == 1
