"""Request-wide input rules that come from the database, not from any one form.

PostgreSQL text cannot hold a NUL character, and a lone UTF-16 surrogate (legal in JSON as
"\\ud800") cannot be encoded for it at all; either one reaching a query is a 500. No field of this
product has a use for them, so they are refused once, before any route runs: a 422 with the one
error shape (a readable page for pages).
"""
import re

from flask import request

from community.errors import ValidationFailed

MESSAGE = "内容包含无效字符"


# NUL, or a surrogate code point (the only characters a str holds that UTF-8 cannot encode)
_BAD = re.compile("[\x00\ud800-\udfff]")


def _bad(text):
    return _BAD.search(text) is not None


def _find(value, where):
    """The dotted field name of the first bad string in a JSON-like value ("" for the value
    itself), or None."""
    if isinstance(value, str):
        return where if _bad(value) else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and _bad(key):
            return where
        found = _find(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


def check_request():
    sources = [("path", request.view_args or {}), ("query", request.args.to_dict(flat=False)),
               ("form", request.form.to_dict(flat=False))]
    if request.is_json:
        sources.append(("json", request.get_json(silent=True)))
    for name, value in sources:
        found = _find(value, "")
        if found is not None:
            raise ValidationFailed(MESSAGE, details={"fields": {found or name: [MESSAGE]}})


def register_input_rules(app):
    app.before_request(check_request)
