"""Query-string parsing for the search pages: the API's schemas, with a form's empty fields dropped."""
from marshmallow import ValidationError

from community.errors import DomainError

MULTI = ("creator_level",)


def parse(schema, args):
    """(values, field errors): a page never fails on a bad query string, it shows the reason."""
    raw = {}
    for key in args:
        values = [v for v in args.getlist(key) if v != ""]
        if values:
            raw[key] = values if key in MULTI else values[-1]
    try:
        return schema.load(raw), {}
    except ValidationError as exc:
        good = {k: v for k, v in raw.items() if k not in exc.messages}
        try:
            return schema.load(good), exc.messages
        except ValidationError:
            return schema.load({}), exc.messages


def run(fn, *args, **kwargs):
    """(result, error message): a refused search (bad filter, bad cursor) is shown, not raised."""
    try:
        return fn(*args, **kwargs), None
    except DomainError as exc:
        if exc.status in (401, 403, 404) and exc.code != "validation_error":
            raise
        fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
        detail = "；".join(m for msgs in (fields or {}).values() for m in msgs) if fields else ""
        return None, detail or exc.message
