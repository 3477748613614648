"""Image intake: real content only, size and pixel limits, EXIF stripped, thumbnails made."""
import io
from pathlib import Path

from PIL import Image

from tests.community.conftest import haul, join, png_bytes
from tests.conftest import auth


def _upload(client, token, data, name="photo.png"):
    return client.post("/api/v1/images", data={"image": (io.BytesIO(data), name)}, headers=auth(token),
                       content_type="multipart/form-data")


def test_upload_reencodes_strips_exif_and_thumbnails(client, world, app):
    resp = _upload(client, world.author_token, png_bytes((1200, 900), exif=True), "with-gps.jpg")
    assert resp.status_code == 201, resp.json
    media = Path(app.config["MEDIA_ROOT"])
    full = Image.open(media / resp.json["url"].removeprefix("/media/"))
    thumb = Image.open(media / resp.json["thumb_url"].removeprefix("/media/"))
    assert full.format == "JPEG" and not full.getexif()
    assert max(thumb.size) == 400 and thumb.size[0] > thumb.size[1]
    assert client.get(resp.json["url"]).status_code == 200


def test_non_images_and_oversize_are_refused(client, world, app):
    fake = _upload(client, world.author_token, b"%PDF-1.4 not an image", "evil.png")
    assert fake.status_code == 422 and fake.json["error"]["code"] == "validation_error"
    app.config["IMAGE_MAX_BYTES"], saved = 2000, app.config["IMAGE_MAX_BYTES"]
    try:
        big = _upload(client, world.author_token, png_bytes((800, 800), color=(1, 2, 3)) + b"\0" * 5000)
        assert big.status_code == 413
    finally:
        app.config["IMAGE_MAX_BYTES"] = saved
    app.config["IMAGE_MAX_PIXELS"], saved = 1000, app.config["IMAGE_MAX_PIXELS"]
    try:
        assert _upload(client, world.author_token, png_bytes((100, 100))).status_code == 422
    finally:
        app.config["IMAGE_MAX_PIXELS"] = saved
    assert client.post("/api/v1/images", headers=auth(world.author_token)).status_code == 422


def test_post_claims_only_own_unclaimed_images_up_to_nine(client, world):
    join(client, world.author_token)
    mine = _upload(client, world.author_token, png_bytes()).json["id"]
    theirs = _upload(client, world.stranger_token, png_bytes()).json["id"]
    refused = client.post("/api/v1/posts", json=haul(image_ids=[theirs]), headers=auth(world.author_token))
    assert refused.status_code == 422
    ok = client.post("/api/v1/posts", json=haul(image_ids=[mine]), headers=auth(world.author_token))
    assert ok.status_code == 201 and [i["id"] for i in ok.json["images"]] == [mine]
    again = client.post("/api/v1/posts", json=haul(image_ids=[mine]), headers=auth(world.author_token))
    assert again.status_code == 422
    ten = client.post("/api/v1/posts", json=haul(image_ids=list(range(1, 11))), headers=auth(world.author_token))
    assert ten.status_code == 422
