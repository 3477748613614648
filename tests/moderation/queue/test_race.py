"""Two moderators racing on one case: concurrent HTTP requests to a real gunicorn on PostgreSQL.

Each request is its own transaction on its own connection; the case row lock and the version check
must leave exactly one decision applied, and the loser gets a 409, never a 500 or a second decision.
"""
import threading

import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.models import Circle, Post
from moderation.cases import Case
from moderation.decisions import OUTCOME_ACTIONS, Decision
from moderation.strikes import strike_counts
from tests.integration.conftest import clean_db, redis_broker, service_env, start_web  # noqa: F401
from tests.moderation.queue.helpers import open_case

pytestmark = pytest.mark.integration
ROUNDS = 6


def _posts(app, author_id, n):
    with app.app_context():
        circle = Circle(slug="race", name="竞态测试", category="美妆", moderation_mode="post")
        db.session.add(circle)
        db.session.flush()
        posts = [Post(author_id=author_id, circle_id=circle.id, type="haul", title=f"加微信领券{i}",
                      body="全场一折，私聊发链接") for i in range(n)]
        db.session.add_all(posts)
        db.session.commit()
        return [p.id for p in posts]


def _together(*calls):
    """Run the calls at the same instant, one thread each; returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        results[i] = fn()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _status(base, path, body, token):
    """(status, error code) of a POST; `call` returns the body only, so read the error shape."""
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, None
    except urllib.error.HTTPError as err:
        payload = json.loads(err.read() or b"{}")
        return err.code, payload.get("error", {}).get("code")


def _outcomes(app, case_id):
    with app.app_context():
        return list(db.session.scalars(select(Decision.action).where(Decision.case_id == case_id,
                                                                     Decision.action.in_(OUTCOME_ACTIONS))))


def test_two_moderators_deciding_one_case_at_once_apply_exactly_one_decision(clean_db, redis_broker, tmp_path,
                                                                             make_member):
    app = clean_db
    author, _ = make_member("member")
    _, token_a = make_member("moderator")
    _, token_b = make_member("moderator")
    post_ids = _posts(app, author.id, ROUNDS)
    web = start_web(tmp_path, service_env(tmp_path, redis_broker))
    try:
        removals = 0
        for post_id in post_ids:
            case_id, version = open_case(app, post_id)
            path = f"/api/v1/moderation/cases/{case_id}/decisions"
            a, b = _together(
                lambda: _status(web.base, path, {"action": "remove", "policy": "spam", "version": version}, token_a),
                lambda: _status(web.base, path, {"action": "approve", "version": version}, token_b))
            assert sorted([a[0], b[0]]) == [201, 409], (a, b)
            loser = a if a[0] == 409 else b
            assert loser[1] == "stale_case"
            winner = "remove" if a[0] == 201 else "approve"
            removals += winner == "remove"
            assert _outcomes(app, case_id) == [winner]
            with app.app_context():
                case = db.session.get(Case, case_id)
                assert case.state == "closed" and case.outcome == winner and case.version == version + 1
                assert db.session.get(Post, post_id).visibility == ("hidden" if winner == "remove" else "visible")
        with app.app_context():
            # One strike per applied removal, none from a refused one.
            assert strike_counts([author.id])[author.id] == removals
    finally:
        web.kill()
    assert "Traceback" not in web.output()


def test_racing_claims_and_a_double_submitted_decision_apply_once(clean_db, redis_broker, tmp_path, make_member):
    app = clean_db
    author, _ = make_member("member")
    mod_a, token_a = make_member("moderator")
    mod_b, token_b = make_member("moderator")
    post_ids = _posts(app, author.id, ROUNDS)
    web = start_web(tmp_path, service_env(tmp_path, redis_broker))
    try:
        for post_id in post_ids:
            case_id, version = open_case(app, post_id)
            claim = f"/api/v1/moderation/cases/{case_id}/claim"
            a, b = _together(lambda: _status(web.base, claim, {"version": version}, token_a),
                             lambda: _status(web.base, claim, {"version": version}, token_b))
            assert sorted([a[0], b[0]]) == [200, 409], (a, b)
            holder, holder_token = (mod_a, token_a) if a[0] == 200 else (mod_b, token_b)
            with app.app_context():
                case = db.session.get(Case, case_id)
                assert case.state == "assigned" and case.assignee_id == holder.id
                claimed_version = case.version
            # The holder's decision is sent twice at once (a double click): applied once.
            path = f"/api/v1/moderation/cases/{case_id}/decisions"
            body = {"action": "remove", "policy": "spam", "version": claimed_version}
            first, second = _together(lambda: _status(web.base, path, body, holder_token),
                                      lambda: _status(web.base, path, body, holder_token))
            assert sorted([first[0], second[0]]) == [201, 409], (first, second)
            assert _outcomes(app, case_id) == ["remove"]
        with app.app_context():
            assert strike_counts([author.id])[author.id] == ROUNDS
            assert db.session.scalar(select(func.count()).select_from(Decision)
                                     .where(Decision.action == "claim")) == ROUNDS
    finally:
        web.kill()
    assert "Traceback" not in web.output()
