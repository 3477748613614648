"""The bulk action on a near-duplicate cluster removes the whole ring and audits each case."""
from community.extensions import db
from community.models import Post
from moderation.cases import case_for
from moderation.decisions import trail
from tests.conftest import auth
from tests.moderation.queue.helpers import case_json, open_case

RING_TEXT = "兼职刷单日结，佣金高，手机就能做，加微信 vx{n} 详聊，名额有限先到先得，宝妈学生都可以"


def test_cluster_removal_takes_the_whole_ring_and_audits_each_case(app, client, world, make_member, make_post, mods):
    ring_ids = []
    for n in range(4):
        _, token = make_member("member")
        ring_ids.append(make_post(token, type="note", product_skus=[], title=f"副业推荐{n}", body=RING_TEXT.format(n=n)))
    honest = make_post(body="小黑瓶用了一个月，皮肤稳定很多，回购。")
    with app.test_request_context():
        # The worker stores fingerprints as it classifies; two of the ring were classified already,
        # the other two are found by comparing text.
        from moderation import fingerprints
        for post_id in ring_ids[2:]:
            post = db.session.get(Post, post_id)
            fingerprints.record_text(post, f"{post.title}\n{post.body}")
        db.session.commit()
    lead_id, _ = open_case(app, ring_ids[0], label="spam.fraud", score=0.9)
    open_case(app, ring_ids[1], source="report", label="spam.fraud", score=None)
    preview = client.get(f"/api/v1/moderation/cases/{lead_id}/cluster", headers=auth(mods.a_token))
    assert sorted(p["id"] for p in preview.json["posts"]) == sorted(ring_ids)
    version = case_json(client, mods.a_token, lead_id)["case"]["version"]
    resp = client.post(f"/api/v1/moderation/cases/{lead_id}/cluster-removal",
                       json={"version": version, "policy": "fraud", "public_note": "刷单招募"}, headers=auth(mods.a_token))
    assert resp.status_code == 201, resp.json
    assert sorted(resp.json["posts"]) == sorted(ring_ids) and len(resp.json["removed"]) == 4
    with app.app_context():
        for post_id in ring_ids:
            assert db.session.get(Post, post_id).visibility == "hidden"
            case = case_for("post", post_id)
            assert case.state == "closed" and case.outcome == "remove"
            removal = [d for d in trail(case.id) if d.action == "remove"]
            assert len(removal) == 1 and removal[0].details["cluster_case"] == lead_id
            assert removal[0].actor_id == mods.a.id and removal[0].policy == "fraud"
        assert db.session.get(Post, honest).visibility == "visible"
        assert case_for("post", honest) is None


def test_cluster_removal_without_a_ring_is_refused(app, client, make_post, mods):
    lead_id, version = open_case(app, make_post())
    resp = client.post(f"/api/v1/moderation/cases/{lead_id}/cluster-removal",
                       json={"version": version, "policy": "spam"}, headers=auth(mods.a_token))
    assert resp.status_code == 422
