"""Image intake: verify real image content, re-encode (which drops EXIF), make thumbnails.

Never trust the client's file name or content type; Pillow decides what the bytes are.
"""
import hashlib
import io
import uuid
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from community.errors import PayloadTooLarge, ValidationFailed

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SIDE = 2048
THUMB_SIDE = 400


class ProcessedImage:
    def __init__(self, path, thumb_path, width, height, sha256):
        self.path, self.thumb_path = path, thumb_path
        self.width, self.height, self.sha256 = width, height, sha256


def _reject(message):
    raise ValidationFailed(message, details={"fields": {"images": [message]}})


def process_upload(stream):
    cfg = current_app.config
    data = stream.read(cfg["IMAGE_MAX_BYTES"] + 1)
    if len(data) > cfg["IMAGE_MAX_BYTES"]:
        raise PayloadTooLarge(f"单张图片不能超过 {cfg['IMAGE_MAX_BYTES'] // (1024 * 1024)} MB")
    if not data:
        _reject("图片文件为空")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ALLOWED_FORMATS:
                _reject("仅支持 JPEG、PNG、WEBP、GIF 格式的图片")
            if width * height > cfg["IMAGE_MAX_PIXELS"] or width < 16 or height < 16:
                _reject("图片尺寸超出限制（最小16像素，最大4000万像素）")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _reject("无法识别的图片文件")
    return _store(img)


def _encode(img):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, optimize=True)
    return buf.getvalue()


def _store(img):
    root = Path(current_app.config["MEDIA_ROOT"])
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    full = _encode(img)
    thumb_img = img.copy()
    thumb_img.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb = _encode(thumb_img)
    name = uuid.uuid4().hex
    rel_dir = Path(name[:2])
    (root / rel_dir).mkdir(parents=True, exist_ok=True)
    rel, rel_thumb = rel_dir / f"{name}.jpg", rel_dir / f"{name}_t.jpg"
    (root / rel).write_bytes(full)
    (root / rel_thumb).write_bytes(thumb)
    return ProcessedImage(str(rel), str(rel_thumb), img.width, img.height, hashlib.sha256(full).hexdigest())
