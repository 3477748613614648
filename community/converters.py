"""URL converters: path ids bounded by what the database can hold."""
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

# Primary keys are PostgreSQL `integer`; a larger id in a path cannot name a row, and passing it
# on makes the query fail with "integer out of range" (a 500). The bound also shows in the OpenAPI
# document as the parameter's maximum.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value):
        # A plain ValidationError would make the router try the other methods' rules for the same
        # path and answer 405; an id that cannot exist is simply not found, whatever the method.
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def register_converters(app):
    """Replace the default `<int:…>` before any route is added."""
    app.url_map.converters["int"] = IdConverter
