"""Opaque page cursors: what a backend needs to continue after the last hit, bound to its query.

A cursor is URL-safe base64 of a small JSON object. It carries a fingerprint of the query and
sort, so a cursor handed to a different query is refused instead of returning a wrong page.
"""
import base64
import binascii
import hashlib
import json

from search.backends.base import InvalidCursor, Query


def fingerprint(query: Query, sort: str) -> str:
    return hashlib.blake2b(repr((query.text, query.filters, sort)).encode(), digest_size=6).hexdigest()


def encode(query: Query, sort: str, state: dict) -> str:
    payload = dict(state, f=fingerprint(query, sort))
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(cursor: str, query: Query, sort: str) -> dict:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise InvalidCursor("游标无效") from exc
    if not isinstance(payload, dict) or payload.pop("f", None) != fingerprint(query, sort):
        raise InvalidCursor("游标与当前查询不匹配")
    return payload
