"""Perceptual photo hashes (pure functions): the same photo re-used across hauls of different
members is a fake-haul signal. A perceptual hash survives re-encoding, resizing and small edits,
unlike a file checksum; the service stores the hex string with each image and compares.
"""

from __future__ import annotations

import io
from pathlib import Path

# Hamming distance (of 64 bits) at or under which two photos count as the same picture.
SAME_PHOTO_DISTANCE = 8


def photo_hash(image) -> str:
    """pHash of an image given as a PIL image, a path or bytes; 16 hex digits."""
    import imagehash
    from PIL import Image

    if isinstance(image, (str, Path)):
        with Image.open(image) as opened:
            return str(imagehash.phash(opened))
    if isinstance(image, bytes):
        with Image.open(io.BytesIO(image)) as opened:
            return str(imagehash.phash(opened))
    return str(imagehash.phash(image))


def photo_distance(a: str, b: str) -> int:
    import imagehash

    return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)


def same_photo(a: str, b: str, max_distance: int = SAME_PHOTO_DISTANCE) -> bool:
    return photo_distance(a, b) <= max_distance
