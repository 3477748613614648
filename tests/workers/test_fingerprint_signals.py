"""Near-duplicate texts and re-used photos across accounts reach the verdict as signals and evidence."""
import io
import random

import pytest
from PIL import Image, ImageFilter
from sqlalchemy import select

from community.extensions import db
from moderation import cascade, fingerprints
from moderation.verdicts import Verdict, classify_and_apply
from tests.community.conftest import haul, join  # noqa: F401
from tests.community.conftest import world  # noqa: F401
from tests.conftest import auth

TEMPLATE = "姐妹们这款精华真的绝了，用了一周皮肤白到发光，闺蜜都问我用的什么，强烈推荐大家入手，不买后悔！"


@pytest.fixture(autouse=True)
def rules_only(tmp_path, monkeypatch):
    monkeypatch.setenv("MODERATION_MODEL_DIR", str(tmp_path / "no-model"))
    cascade.reload()
    yield
    cascade.reload()


def _member_token(make_member, client):
    _, token = make_member("member")
    join(client, token)
    return token


def _post(client, token, body, image_ids=()):
    resp = client.post("/api/v1/posts", json=haul(body=body, image_ids=list(image_ids)), headers=auth(token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _verdict(app, post_id):
    with app.app_context():
        classify_and_apply(post_id, 1, cascade.classify)
        return db.session.scalar(select(Verdict).where(Verdict.post_id == post_id))


def _signal(verdict, name):
    return next((e["value"] for e in verdict.evidence if e.get("signal") == name), None)


def test_a_template_posted_by_three_accounts_is_evidence_on_the_third(app, client, world, make_member):
    tokens = [_member_token(make_member, client) for _ in range(3)]
    # Small edits and an evasive separator do not hide the template.
    ids = [_post(client, tokens[0], TEMPLATE),
           _post(client, tokens[1], TEMPLATE.replace("一周", "7天")),
           _post(client, tokens[2], TEMPLATE.replace("强烈", "强-烈") + "🔥")]
    first = _verdict(app, ids[0])
    assert first.context["near_duplicate_accounts"] == 0 and _signal(first, "near_duplicate_posts") is None
    _verdict(app, ids[1])
    third = _verdict(app, ids[2])
    assert third.context["near_duplicate_accounts"] == 2
    assert {m["post_id"] for m in _signal(third, "near_duplicate_posts")} == set(ids[:2])
    assert any(e.get("signal") == "near_duplicate_accounts" for e in third.evidence)
    with app.app_context():
        assert fingerprints.cluster(ids[0]) == sorted(ids)


def test_the_same_author_repeating_themselves_is_not_a_ring(app, client, world):
    join(client, world.author_token)
    a = _post(client, world.author_token, TEMPLATE)
    b = _post(client, world.author_token, TEMPLATE)
    _verdict(app, a)
    assert _verdict(app, b).context["near_duplicate_accounts"] == 0


def test_different_texts_do_not_match(app, client, world, make_member):
    tokens = [_member_token(make_member, client) for _ in range(2)]
    a = _post(client, tokens[0], TEMPLATE)
    b = _post(client, tokens[1], "快递三天才到，包装有点压坏了，不过精华本身没问题，味道淡淡的，用着还行。")
    _verdict(app, a)
    assert _verdict(app, b).context["near_duplicate_accounts"] == 0


def _photo(seed, size=(640, 480)):
    rng = random.Random(seed)
    img = Image.new("RGB", size)
    img.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    return img.filter(ImageFilter.GaussianBlur(8))


def _upload(client, token, img, fmt="PNG", **save):
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    resp = client.post("/api/v1/images", data={"image": (io.BytesIO(buf.getvalue()), f"p.{fmt.lower()}")},
                       headers=auth(token), content_type="multipart/form-data")
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_a_photo_reused_by_another_member_is_flagged_even_resized_and_recompressed(app, client, world, make_member):
    other = _member_token(make_member, client)
    join(client, world.author_token)
    original = _photo(1)
    a = _post(client, world.author_token, "第一次买小黑瓶，包装很精致", [_upload(client, world.author_token, original)])
    copy = original.resize((500, 375)).convert("RGB")
    b = _post(client, other, "小黑瓶到货啦，质地清爽", [_upload(client, other, copy, "JPEG", quality=60)])
    c = _post(client, other, "再晒一张别的图", [_upload(client, other, _photo(2))])
    assert _verdict(app, a).context["reused_photo"] is False
    reused = _verdict(app, b)
    assert reused.context["reused_photo"] is True
    assert _signal(reused, "reused_photo_posts")[0]["post_id"] == a
    assert _verdict(app, c).context["reused_photo"] is False
