"""Stored text and photo fingerprints: near-duplicate posts and re-used photos across accounts.

Each classified post keeps its MinHash signature and LSH band keys (`moderation.signals.neardup`);
each of its photos keeps a perceptual hash split into four 16-bit chunks
(`moderation.signals.photohash`). Candidates come from equality on a band key or a chunk (an index
lookup, not a scan), then the exact similarity or Hamming distance decides. A chunk match finds
every photo within 3 bits for certain and most within the 8 bits `SAME_PHOTO_DISTANCE` allows;
re-encoded copies of one photo usually differ by fewer than 4.

Only other authors count: a member re-posting their own text or photo is not a ring.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import BigInteger, ForeignKey, Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from moderation.signals import neardup, photohash

log = logging.getLogger(__name__)

NEAR_DUPLICATE_SIMILARITY = 0.7
MAX_MATCHES = 20  # evidence lists at most this many posts; the count still covers all accounts


class TextFingerprint(db.Model):
    __tablename__ = "moderation_text_fingerprints"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    author_id: Mapped[int] = mapped_column(index=True)
    content_version: Mapped[int]
    signature: Mapped[list] = mapped_column(db.JSON)


class TextBand(db.Model):
    __tablename__ = "moderation_text_bands"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[str] = mapped_column(String(24), primary_key=True)


class PhotoFingerprint(db.Model):
    __tablename__ = "moderation_photo_fingerprints"

    image_id: Mapped[int] = mapped_column(ForeignKey("post_images.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int]
    phash: Mapped[str] = mapped_column(String(16))
    chunk0: Mapped[int] = mapped_column(BigInteger)
    chunk1: Mapped[int] = mapped_column(BigInteger)
    chunk2: Mapped[int] = mapped_column(BigInteger)
    chunk3: Mapped[int] = mapped_column(BigInteger)


Index("ix_moderation_text_bands_band", TextBand.band)
for _i in range(4):
    Index(f"ix_moderation_photo_chunk{_i}", getattr(PhotoFingerprint, f"chunk{_i}"))


def _chunks(phash: str) -> list[int]:
    value = int(phash, 16)
    return [(value >> (16 * i)) & 0xFFFF for i in range(4)]


def record_text(post, text):
    """Store the post's text fingerprint (replacing an older version's) and return its signature."""
    signature = neardup.signature(text)
    db.session.execute(delete(TextBand).where(TextBand.post_id == post.id))
    db.session.merge(TextFingerprint(post_id=post.id, author_id=post.author_id,
                                     content_version=post.content_version, signature=signature))
    db.session.add_all(TextBand(post_id=post.id, band=key) for key in set(neardup.band_keys(signature)))
    return signature


def near_duplicates(post, signature):
    """Posts by other authors whose text is nearly the same: [{post_id, author_id, similarity}]."""
    keys = set(neardup.band_keys(signature))
    candidates = db.session.execute(
        select(TextFingerprint.post_id, TextFingerprint.author_id, TextFingerprint.signature)
        .where(TextFingerprint.post_id.in_(select(TextBand.post_id).where(TextBand.band.in_(keys))),
               TextFingerprint.author_id != post.author_id)
    ).all()
    matches = []
    for post_id, author_id, other in candidates:
        score = neardup.similarity(signature, other)
        if score >= NEAR_DUPLICATE_SIMILARITY:
            matches.append({"post_id": post_id, "author_id": author_id, "similarity": round(score, 3)})
    matches.sort(key=lambda m: (-m["similarity"], m["post_id"]))
    return matches


def _image_path(image):
    return Path(current_app.config["MEDIA_ROOT"]) / image.path


def record_photos(post):
    """Hash the post's photos not hashed yet; a missing or unreadable file is logged and skipped."""
    known = set(db.session.scalars(select(PhotoFingerprint.image_id).where(PhotoFingerprint.post_id == post.id)))
    for image in post.images:
        if image.id in known:
            continue
        try:
            value = photohash.photo_hash(_image_path(image))
        except (OSError, ValueError) as exc:
            log.warning("photo %s of post %s not hashed: %s", image.id, post.id, exc)
            continue
        c = _chunks(value)
        db.session.add(PhotoFingerprint(image_id=image.id, post_id=post.id, author_id=post.author_id,
                                        phash=value, chunk0=c[0], chunk1=c[1], chunk2=c[2], chunk3=c[3]))
    db.session.flush()


def reused_photos(post):
    """Photos of this post that appear in other members' posts: [{image_id, post_id, author_id, distance}]."""
    own = db.session.scalars(select(PhotoFingerprint).where(PhotoFingerprint.post_id == post.id)).all()
    matches = []
    for mine in own:
        c = _chunks(mine.phash)
        candidates = db.session.scalars(select(PhotoFingerprint).where(
            PhotoFingerprint.author_id != post.author_id,
            (PhotoFingerprint.chunk0 == c[0]) | (PhotoFingerprint.chunk1 == c[1])
            | (PhotoFingerprint.chunk2 == c[2]) | (PhotoFingerprint.chunk3 == c[3]))).all()
        for other in candidates:
            distance = photohash.photo_distance(mine.phash, other.phash)
            if distance <= photohash.SAME_PHOTO_DISTANCE:
                matches.append({"image_id": mine.image_id, "post_id": other.post_id,
                                "author_id": other.author_id, "distance": int(distance)})
    matches.sort(key=lambda m: (m["distance"], m["post_id"]))
    return matches


def signals(post, text):
    """Record this post's fingerprints and return (context additions, evidence entries)."""
    signature = record_text(post, text)
    record_photos(post)
    duplicates = near_duplicates(post, signature)
    photos = reused_photos(post)
    context = {"near_duplicate_accounts": len({m["author_id"] for m in duplicates}),
               "reused_photo": bool(photos)}
    evidence = []
    if duplicates:
        evidence.append({"signal": "near_duplicate_posts", "value": duplicates[:MAX_MATCHES]})
    if photos:
        evidence.append({"signal": "reused_photo_posts", "value": photos[:MAX_MATCHES]})
    return context, evidence


def cluster(post_id):
    """The post and every post whose text is a near-duplicate of it, by any author (for bulk actions)."""
    row = db.session.get(TextFingerprint, post_id)
    if row is None:
        return [post_id]
    keys = set(neardup.band_keys(row.signature))
    candidates = db.session.execute(
        select(TextFingerprint.post_id, TextFingerprint.signature)
        .where(TextFingerprint.post_id.in_(select(TextBand.post_id).where(TextBand.band.in_(keys))))
    ).all()
    found = {pid for pid, sig in candidates
             if pid == post_id or neardup.similarity(row.signature, sig) >= NEAR_DUPLICATE_SIMILARITY}
    return sorted(found | {post_id})
