"""Keyset pagination with opaque cursors: (sort value, id) of the last row seen."""
import base64
import json
from datetime import datetime

from community.errors import ValidationFailed
from community.extensions import db


def encode_cursor(value, row_id):
    if isinstance(value, datetime):
        value = {"t": value.isoformat()}
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["t"])
        if not isinstance(row_id, int) or not isinstance(value, (int, float, datetime)):
            raise ValueError
        return value, row_id
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise ValidationFailed("分页游标无效", details={"fields": {"cursor": ["分页游标无效"]}}) from exc


def keyset(stmt, sort_column, id_column, cursor, limit):
    """`stmt` after `cursor` in descending (sort, id) order, limited to one row past `limit` (so the
    caller can tell whether there is a next page)."""
    after = decode_cursor(cursor)
    if after is not None:
        value, row_id = after
        stmt = stmt.where((sort_column < value) | ((sort_column == value) & (id_column < row_id)))
    return stmt.order_by(sort_column.desc(), id_column.desc()).limit(limit + 1)


def page(stmt, sort_column, id_column, cursor, limit, key):
    """Run `stmt` with a descending keyset after `cursor`; returns (rows, next_cursor)."""
    rows = db.session.scalars(keyset(stmt, sort_column, id_column, cursor, limit)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(key(rows[-1]), rows[-1].id) if more and rows else None
    return rows, next_cursor
