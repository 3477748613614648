"""Appeals: once per decision, within 14 days, escalated for a different moderator, final."""
from datetime import timedelta

from community.extensions import db
from community.models import Member, Post
from moderation.decisions import Decision
from moderation.strikes import strike_counts
from tests.conftest import auth
from tests.moderation.queue.helpers import case_json, open_case
from tests.moderation.queue.test_actions import decide


def _removed(app, client, make_post, mods):
    post_id = make_post()
    case_id, version = open_case(app, post_id)
    resp = decide(client, mods.a_token, case_id, version, policy="spam", public_note="引流广告")
    assert resp.status_code == 201
    return post_id, case_id, resp.json["id"]


def appeal(client, token, decision_id, reason="这是我自己的真实购物体验，没有广告"):
    return client.post(f"/api/v1/moderation/decisions/{decision_id}/appeal", json={"reason": reason}, headers=auth(token))


def test_appeal_escalates_for_another_moderator_who_overturns(app, client, world, make_post, mods):
    post_id, case_id, decision_id = _removed(app, client, make_post, mods)
    mine = client.get("/api/v1/moderation/me/decisions", headers=auth(world.author_token)).json["items"]
    assert mine[0]["appealable"] and mine[0]["decision"]["public_note"] == "引流广告"
    assert "internal_note" not in mine[0]["decision"]
    filed = appeal(client, world.author_token, decision_id)
    assert filed.status_code == 201 and filed.json["state"] == "pending"
    case = case_json(client, mods.b_token, case_id)["case"]
    assert case["state"] == "escalated" and case["appeal_id"] == filed.json["id"]
    own = decide(client, mods.a_token, case_id, case["version"], action="approve")
    assert own.status_code == 403
    assert client.post(f"/api/v1/moderation/cases/{case_id}/claim", json={}, headers=auth(mods.a_token)).status_code == 403
    final = decide(client, mods.b_token, case_id, case["version"], action="approve", public_note="复核后确认无广告")
    assert final.status_code == 201 and final.json["final"] is True
    with app.app_context():
        assert db.session.get(Post, post_id).visibility == "visible"
        assert strike_counts([world.author.id])[world.author.id] == 0
    mine = client.get("/api/v1/moderation/me/decisions", headers=auth(world.author_token)).json["items"]
    assert mine[0]["decision"]["final"] and not mine[0]["appealable"]
    assert mine[1]["appeal"]["state"] == "overturned"
    trail = [(d["action"], d["actor_id"]) for d in case_json(client, mods.b_token, case_id)["trail"]]
    assert ("appeal", world.author.id) in trail and trail[-1] == ("approve", mods.b.id)


def test_appeal_only_once_only_by_the_author_and_not_of_a_final_decision(app, client, world, make_post, mods):
    _, case_id, decision_id = _removed(app, client, make_post, mods)
    assert appeal(client, world.stranger_token, decision_id).status_code == 403
    assert appeal(client, world.author_token, decision_id, reason="短").status_code == 422
    assert appeal(client, world.author_token, decision_id).status_code == 201
    assert appeal(client, world.author_token, decision_id).status_code == 409
    version = case_json(client, mods.b_token, case_id)["case"]["version"]
    upheld = decide(client, mods.b_token, case_id, version, action="remove", policy="spam")
    assert upheld.status_code == 201 and upheld.json["final"]
    assert appeal(client, world.author_token, upheld.json["id"]).status_code == 409


def test_appeal_window_is_14_days(app, client, world, make_post, mods):
    _, _, decision_id = _removed(app, client, make_post, mods)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        decision.created_at = decision.created_at - timedelta(days=15)
        db.session.commit()
    late = appeal(client, world.author_token, decision_id)
    assert late.status_code == 409 and "14" in late.json["error"]["message"]


def test_overturned_ban_restores_the_account(app, client, world, make_post, mods):
    case_id, version = open_case(app, make_post())
    ban = decide(client, mods.a_token, case_id, version, action="ban", policy="fraud")
    assert ban.status_code == 201
    with app.app_context():
        assert db.session.get(Member, world.author.id).status == "banned"
    # A banned member cannot sign in for a token, but an existing token still reaches the appeal.
    assert appeal(client, world.author_token, ban.json["id"]).status_code == 201
    version = case_json(client, mods.b_token, case_id)["case"]["version"]
    assert decide(client, mods.b_token, case_id, version, action="approve").status_code == 201
    with app.app_context():
        assert db.session.get(Member, world.author.id).status == "active"


def test_moderator_cannot_decide_an_appeal_of_their_own_decision(app, client, world, make_post, mods):
    from tests.moderation.queue.test_pages import login

    post_id, case_id, decision_id = _removed(app, client, make_post, mods)
    assert appeal(client, world.author_token, decision_id).status_code == 201
    version = case_json(client, mods.a_token, case_id)["case"]["version"]
    # Neither reversing nor upholding their own decision, nor taking the case in any other way.
    for action, extra in (("approve", {}), ("remove", {"policy": "spam"})):
        refused = decide(client, mods.a_token, case_id, version, action=action, **extra)
        assert refused.status_code == 403 and "其他审核员" in refused.json["error"]["message"]
    for op in ("claim", "escalate"):
        resp = client.post(f"/api/v1/moderation/cases/{case_id}/{op}", json={"version": version},
                           headers=auth(mods.a_token))
        assert resp.status_code in (403, 409), (op, resp.json)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        login(client, mods.a)
        page = client.post(f"/moderation/cases/{case_id}/act", data={"op": "decide", "action": "approve",
                                                                     "version": version}, follow_redirects=True)
        assert "操作未执行" in page.get_data(as_text=True)
        # "Next" never hands them their own appeal.
        nxt = client.get("/moderation/next")
        assert f"/moderation/cases/{case_id}" not in nxt.headers["Location"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        assert db.session.get(Post, post_id).visibility == "hidden"
    assert case_json(client, mods.b_token, case_id)["case"]["state"] == "escalated"
    assert decide(client, mods.b_token, case_id, version, action="approve").status_code == 201
