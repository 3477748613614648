"""Cases: one per subject, signals add and re-score, a closed case reopens, moves per the table."""
import itertools

import pytest

from community import outbox
from community.extensions import db
from moderation import cases
from moderation.cases import MOVES, STATES, InvalidMove
from moderation.decisions import trail
from moderation.strikes import strike_counts


def test_signals_share_one_case_per_subject_and_rescore(app, make_post, world):
    post_id = make_post()
    with app.test_request_context():
        first = cases.open_signal("post", post_id, "verdict", label="spam.ad", score=0.6, labels=["spam.ad"])
        outbox.commit()
        before = first.priority
        second = cases.open_signal("post", post_id, "verdict", label="spam.fraud", score=0.95)
        outbox.commit()
        assert second.id == first.id and second.signal_count == 2
        assert second.label_list() == ["spam.ad", "spam.fraud"]
        assert second.priority > before
        assert second.priority_parts["label"]["label"] == "spam.fraud"
        assert [d.action for d in trail(first.id)] == ["open"]


def test_signal_on_closed_case_reopens_it(app, make_post):
    post_id = make_post()
    with app.test_request_context():
        case = cases.open_signal("post", post_id, "report", label="spam.ad")
        cases.move(case, "closed", action="approve")
        outbox.commit()
        again = cases.open_signal("post", post_id, "report", label="spam.ad")
        outbox.commit()
        assert again.id == case.id and again.state == "open" and again.active
        assert [d.action for d in trail(case.id)] == ["open", "approve", "reopen"]


@pytest.mark.parametrize("start,end", list(itertools.product(STATES, STATES)))
def test_every_move_allowed_or_refused_per_table(app, make_post, start, end):
    post_id = make_post()
    with app.test_request_context():
        case = cases.open_signal("post", post_id, "report")
        case.state = start
        db.session.flush()
        version = case.version
        if end in MOVES[start]:
            decision = cases.move(case, end)
            assert (decision.previous_state, decision.new_state) == (start, end)
            assert case.state == end and case.version == version + 1
        else:
            with pytest.raises(InvalidMove) as err:
                cases.move(case, end)
            assert err.value.status == 409 and err.value.details["from"] == start
            assert case.state == start and case.version == version


def test_unknown_subject_or_source_is_refused(app):
    from community.errors import NotFound, ValidationFailed
    with app.test_request_context():
        with pytest.raises(NotFound):
            cases.open_signal("post", 987654, "report")
        with pytest.raises(ValidationFailed):
            cases.open_signal("post", 1, "gossip")


def test_strike_counts_default_to_zero(app, world):
    with app.test_request_context():
        assert strike_counts([world.author.id, world.stranger.id]) == {world.author.id: 0, world.stranger.id: 0}
