"""Request and response schemas of the search API."""
from marshmallow import EXCLUDE, Schema, fields, validate, validates_schema, ValidationError

from community.api.outputs import CircleBrief, ProductBrief
from community.models.accounts import CREATOR_LEVELS
from community.models.posts import POST_TYPES
from search.results import SORTS

LEVELS = CREATOR_LEVELS + ("none",)


class Strict(Schema):
    class Meta:
        unknown = EXCLUDE


class MemberSearchArgs(Strict):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    circle = fields.String(validate=validate.Length(1, 48))
    type = fields.String(validate=validate.OneOf(POST_TYPES))
    product = fields.String(validate=validate.Length(1, 32), metadata={"description": "product SKU"})
    verified = fields.Boolean(metadata={"description": "true: verified-purchase hauls only"})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(tuple(SORTS)))
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(validate=validate.Range(1, 50))


class ProductQueryArgs(Strict):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(validate=validate.Range(1, 20))


class BrandSearchArgs(Strict):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    brand = fields.String(validate=validate.Length(1, 48), metadata={"description": "brand slug"})
    product = fields.String(validate=validate.Length(1, 32), metadata={"description": "product SKU"})
    circle = fields.String(validate=validate.Length(1, 48))
    category = fields.String(validate=validate.Length(1, 32))
    type = fields.String(validate=validate.OneOf(POST_TYPES))
    date_from = fields.Date()
    date_to = fields.Date()
    verified = fields.Boolean(load_default=False, metadata={"description": "verified-purchase hauls only"})
    creator_level = fields.List(fields.String(validate=validate.OneOf(LEVELS)), validate=validate.Length(max=5),
                                metadata={"description": "repeat for several levels; 'none' = not a creator"})
    min_engagement = fields.Integer(validate=validate.Range(0, 10**9), metadata={"description": "likes + comments"})
    sponsored = fields.String(validate=validate.OneOf(("sponsored", "organic")))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(tuple(SORTS)))
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(validate=validate.Range(1, 50))

    @validates_schema
    def _dates(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("结束日期不能早于开始日期", "date_to")


class CreatorSearchArgs(BrandSearchArgs):
    limit = fields.Integer(validate=validate.Range(1, 100))


class AuthorOut(Schema):
    username = fields.String()
    nickname = fields.String()
    level = fields.String(allow_none=True)


class HitOut(Schema):
    id = fields.Integer()
    title = fields.String()
    title_html = fields.String(metadata={"description": "title with matches in <em>, HTML-escaped"})
    snippet = fields.String(metadata={"description": "body fragment with matches in <em>, HTML-escaped"})
    type = fields.String()
    verified_purchase = fields.Boolean()
    sponsored = fields.Boolean()
    like_count = fields.Integer()
    comment_count = fields.Integer()
    created_at = fields.DateTime()
    author = fields.Nested(AuthorOut)
    circle = fields.Nested(CircleBrief)
    products = fields.List(fields.Nested(ProductBrief))
    url = fields.String()


class HitPage(Schema):
    items = fields.List(fields.Nested(HitOut))
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer()


class BucketOut(Schema):
    key = fields.Raw()
    label = fields.String()
    count = fields.Integer()


class FacetsOut(Schema):
    circle = fields.List(fields.Nested(BucketOut))
    category = fields.List(fields.Nested(BucketOut))
    creator_level = fields.List(fields.Nested(BucketOut))
    month = fields.List(fields.Nested(BucketOut))


class BrandHitPage(HitPage):
    facets = fields.Nested(FacetsOut)


class ProductHitOut(Schema):
    sku = fields.String()
    title = fields.String()
    category = fields.String()
    # Sent as a string so no cent is lost to binary floats; the document says so.
    price = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    brand = fields.Dict()
    matching_posts = fields.Integer()
    verified_posts = fields.Integer()
    posts = fields.List(fields.Nested(HitOut))


class ProductHitPage(Schema):
    items = fields.List(fields.Nested(ProductHitOut))
    next_cursor = fields.String(allow_none=True)


class CreatorOut(Schema):
    username = fields.String()
    nickname = fields.String()
    level = fields.String(allow_none=True)
    score = fields.Float(metadata={"description": "sum of the relevance of their matching posts"})
    matched = fields.Integer(metadata={"description": "their public posts matching the query"})
    followers = fields.Integer()
    external_followers = fields.Integer()
    engagement_rate = fields.Float(allow_none=True)
    posts_per_week = fields.Float()
    hauls = fields.Integer()
    verified_share = fields.Float(allow_none=True)
    complaints = fields.Integer()
    strikes = fields.Integer()
    collaborations = fields.Integer()
    partner_posts = fields.Integer()
    sponsored_posts = fields.Integer()
    disclosure_rate = fields.Float(allow_none=True)
    top_posts = fields.List(fields.Nested(HitOut))


class CreatorPage(Schema):
    items = fields.List(fields.Nested(CreatorOut))
    next_cursor = fields.String(allow_none=True, metadata={"description": "always null: one ranked page"})


class ShortlistIn(Strict):
    name = fields.String(required=True, validate=validate.Length(1, 60))


class ShortlistEntryIn(Strict):
    note = fields.String(load_default="", validate=validate.Length(max=200))


class EntryOut(Schema):
    username = fields.Function(lambda e: e.creator.username)
    nickname = fields.Function(lambda e: e.creator.nickname)
    level = fields.Function(lambda e: e.creator.creator_profile.level if e.creator.creator_profile else None)
    note = fields.String()
    added_at = fields.DateTime()


class ShortlistSummary(Schema):
    id = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime()
    size = fields.Integer()


class ShortlistOut(ShortlistSummary):
    entries = fields.List(fields.Nested(EntryOut))
