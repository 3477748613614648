"""The pages render in Chinese and their forms call the same actions (CSRF off in this client)."""
import pytest

from community import outbox
from community.extensions import db
from community.models import Post
from moderation.verdicts import Verdict
from tests.moderation.queue.helpers import open_case


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


def login(client, member):
    resp = client.post("/login", data={"username": member.username, "password": "password123"})
    assert resp.status_code == 302


def _verdict_case(app, post_id):
    with app.test_request_context():
        post = db.session.get(Post, post_id)
        verdict = Verdict(post_id=post_id, content_version=post.content_version, model_version="t1", engine="rules",
                          scores={"spam.ad": 0.91, "abuse": 0.02}, labels=["spam.ad"], decision="review",
                          complaint=None, context={},
                          evidence=[{"rule": "contact.wechat", "label": "spam.ad", "span": [0, 3], "text": "加微信",
                                     "strength": 0.9}])
        db.session.add(verdict)
        outbox.commit()
    return open_case(app, post_id, label="spam.ad", score=0.91)


def test_queue_and_case_pages_show_parts_and_highlighted_evidence(app, client, make_post, mods, no_csrf):
    post_id = make_post(body="私聊加微信领优惠券，正品低价")
    case_id, version = _verdict_case(app, post_id)
    login(client, mods.a)
    queue = client.get("/moderation/queue?label=spam.ad").get_data(as_text=True)
    assert "审核队列" in queue and f'data-id="{case_id}"' in queue and "广告引流" in queue
    page = client.get(f"/moderation/cases/{case_id}").get_data(as_text=True)
    assert '<mark title="广告引流">加微信</mark>' in page
    assert "风险标签" in page and "传播范围" in page and "审核记录" in page
    resp = client.post(f"/moderation/cases/{case_id}/act", data={"op": "decide", "action": "remove", "policy": "spam",
                                                                "version": version, "and_next": "1"})
    assert resp.status_code == 303 and "/moderation/next" in resp.headers["Location"]
    with app.app_context():
        assert db.session.get(Post, post_id).visibility == "hidden"


def test_stale_form_is_refused_with_a_readable_message(app, client, make_post, mods, no_csrf):
    case_id, version = open_case(app, make_post())
    login(client, mods.a)
    client.post(f"/moderation/cases/{case_id}/act", data={"op": "escalate", "version": version})
    resp = client.post(f"/moderation/cases/{case_id}/act", data={"op": "decide", "action": "approve", "version": version},
                       follow_redirects=True)
    assert "操作未执行" in resp.get_data(as_text=True) and "刷新" in resp.get_data(as_text=True)


def test_member_cannot_open_the_queue_page(app, client, world, mods, no_csrf):
    login(client, world.stranger)
    assert client.get("/moderation/queue").status_code == 403
    assert client.get("/moderation/mine").status_code == 200


@pytest.mark.parametrize("after", ["2147483648", "99999999999999999999", "-5", "0", "x"])
def test_next_case_ignores_an_after_that_is_no_case_id(after, app, client, make_post, mods, no_csrf):
    # Found by the page fuzz: ?after= past the integer column reached the query (a 500).
    case_id, _ = open_case(app, make_post())
    login(client, mods.a)
    resp = client.get(f"/moderation/next?after={after}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/moderation/cases/{case_id}")
