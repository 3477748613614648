"""Cases from verdicts: the review and remove bands open one, allow does not; the audit sample of
auto-allowed and auto-removed posts opens an audit case; a redelivered event changes nothing.

The verdict is stored by the real `classify_and_apply` with a classifier answer fixed per test
(the cascade's own behaviour is tested in tests/moderation), then the review consumer runs on it.
"""
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import OutboxEvent, Post
from moderation.cases import case_for, signals_of
from moderation.intake import apply_event
from moderation.verdicts import classify_and_apply
from tests.moderation.queue.helpers import deliver_pending


def _classified(app, post_id, decision, labels, scores):
    answer = SimpleNamespace(model_version="fixed-1", engine="fast", scores=scores, labels=labels, decision=decision,
                             complaint=None, evidence=[])
    with app.test_request_context():
        post = db.session.get(Post, post_id)
        assert classify_and_apply(post_id, post.content_version, lambda texts, contexts: [answer]) == decision
    deliver_pending(app)
    with app.test_request_context():
        case = case_for("post", post_id)
        return case and (case.state, case.source_list(), case.label_list(), case.auto_decision,
                         [(s.source, s.label, s.score) for s in signals_of(case)])


@pytest.fixture
def audit_rate(app):
    def set_rate(rate):
        app.config["REVIEW_AUDIT_RATE"] = rate
    yield set_rate
    app.config.pop("REVIEW_AUDIT_RATE", None)


def test_review_and_remove_bands_open_a_case_allow_does_not(app, make_post, audit_rate):
    audit_rate(1e-9)
    review = _classified(app, make_post(title="领券"), "review", ["spam.ad"], {"spam.ad": 0.72, "abuse": 0.1})
    assert review == ("open", ["verdict"], ["spam.ad"], None, [("verdict", "spam.ad", 0.72)])
    removed = _classified(app, make_post(title="刷单"), "remove", ["spam.fraud", "spam.ad"],
                          {"spam.fraud": 0.99, "spam.ad": 0.9})
    assert removed[:3] == ("open", ["verdict"], ["spam.fraud", "spam.ad"])
    assert removed[4] == [("verdict", "spam.fraud", 0.99)]
    assert _classified(app, make_post(title="真实晒单"), "allow", [], {"spam.ad": 0.05}) is None


def test_audit_sample_of_auto_allowed_and_auto_removed_posts(app, make_post, audit_rate):
    audit_rate(1.0)
    allowed = _classified(app, make_post(title="好用"), "allow", [], {"spam.ad": 0.05, "abuse": 0.01})
    assert allowed[:4] == ("open", ["audit"], ["spam.ad"], "allow")
    removed = _classified(app, make_post(title="赌"), "remove", ["spam.gambling"], {"spam.gambling": 0.99})
    # One case for the post, with both the removal and its audit sample.
    assert removed[:4] == ("open", ["verdict", "audit"], ["spam.gambling"], "remove")
    assert [s[0] for s in removed[4]] == ["verdict", "audit"]
    # Review-band verdicts are looked at anyway: they are not sampled.
    review = _classified(app, make_post(title="看看"), "review", ["fake.review"], {"fake.review": 0.7})
    assert review[1] == ["verdict"]


def test_a_redelivered_verdict_event_changes_nothing(app, make_post, audit_rate):
    audit_rate(1e-9)
    post_id = make_post(title="加微信")
    first = _classified(app, post_id, "review", ["spam.ad"], {"spam.ad": 0.8})
    with app.test_request_context():
        event_id = db.session.scalar(select(OutboxEvent.id).where(OutboxEvent.topic == "verdict.recorded",
                                                                  OutboxEvent.aggregate_id == post_id))
    with app.test_request_context():
        assert apply_event(event_id) == "duplicate"
    with app.test_request_context():
        case = case_for("post", post_id)
        assert case.signal_count == 1 and len(signals_of(case)) == len(first[4]) == 1
