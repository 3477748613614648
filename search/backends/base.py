"""The search backend interface and the values that cross it.

A backend indexes `PostDocument`s and answers queries with post ids in its order (plus scores and
highlighted snippets); the caller loads the rows from the database in that order. Two backends
implement it and pass one contract suite (tests/search/test_contract.py): the embedded one
(tantivy, a directory beside the database) and Elasticsearch.

Semantics every backend keeps:

Versions
    Every document carries an external `version` (a positive integer that grows with every change
    of the post that should reach the index: content edits, moderation, engagement refreshes). A
    write whose version is not greater than the stored one (live or deleted) is stale and ignored,
    so out-of-order and repeated deliveries are harmless. A delete also records its version, so an
    older upsert arriving after it does not bring the post back. Only visible posts are indexed:
    upserting a document with `visible=False` is a delete at that version.

Index versions and aliases
    Data lives in a versioned index ("<name>-v3") behind a read alias (one index) and a write
    alias (one or two indices). `ensure_index` creates the first version. A rebuild
    (`begin_rebuild` -> bulk into the new version -> `finish_rebuild`) adds the new version to the
    write alias, so live changes reach both while the new one is filled, then swaps both aliases
    to it in one atomic step; readers never see a missing or half-built index. Every bulk call
    resolves the write alias when it runs, so a change committed to the database after the
    rebuild began reading it reaches the new version too; and because both the rebuild load and
    the live writes carry versions, their order does not matter.

Search
    Text is analysed with the shared `Analyzer`; every query term must match in one of the text
    fields (title, body, product titles and SKUs, brand names). Text whose analysis yields no terms
    matches nothing; empty text matches every document. Filters narrow without scoring. Sorts are
    total orders with the post id (descending) as the last key, and cursors continue exactly after
    the last hit returned, without duplicates or gaps while the index does not change. Totals are
    exact. Highlights are HTML-escaped with matches in <em>.
"""
import abc
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

POST_TYPES = ("haul", "creator", "note")
AUTHOR_LEVELS = ("none", "达人", "明星", "认证", "专家")
SORTS = ("relevance", "newest", "hot")
# Filterable fields and their kinds; `engagement` is likes + comments.
FIELD_KINDS = {
    "type": "keyword", "circle_slug": "keyword", "category": "keyword", "author_level": "keyword",
    "product_skus": "keyword",
    "circle_id": "integer", "author_id": "integer", "brand_ids": "integer",
    "likes": "integer", "comments": "integer", "engagement": "integer",
    "hot": "float", "created_at": "datetime",
    "verified_purchase": "boolean", "sponsored": "boolean",
}
FACET_FIELDS = ("type", "circle_id", "circle_slug", "category", "author_level", "brand_ids",
                "author_id", "product_skus")
MAX_PAGE_SIZE = 200


class SearchError(Exception):
    """Base of the search package's errors; `status` is the HTTP status an API should answer."""
    status = 500


class InvalidQuery(SearchError, ValueError):
    status = 400


class InvalidCursor(InvalidQuery):
    pass


class BackendUnavailable(SearchError):
    status = 503


@dataclass(frozen=True)
class PostDocument:
    """What the index knows about a post. Built from the database by the sync code."""
    id: int
    version: int
    type: str
    circle_id: int
    circle_slug: str
    title: str
    body: str
    author_id: int
    created_at: datetime
    product_skus: tuple[str, ...] = ()
    product_titles: tuple[str, ...] = ()
    brand_ids: tuple[int, ...] = ()
    brand_names: tuple[str, ...] = ()
    category: str = ""
    author_level: str = "none"
    verified_purchase: bool = False
    sponsored: bool = False
    likes: int = 0
    comments: int = 0
    hot: float = 0.0
    visible: bool = True

    def __post_init__(self):
        if self.id <= 0 or self.version <= 0:
            raise InvalidQuery(f"id and version must be positive: {self.id}, {self.version}")
        if self.type not in POST_TYPES:
            raise InvalidQuery(f"unknown post type {self.type!r}")
        if self.author_level not in AUTHOR_LEVELS:
            raise InvalidQuery(f"unknown author level {self.author_level!r}")
        for name in ("product_skus", "product_titles", "brand_ids", "brand_names"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "created_at", as_utc(self.created_at))

    @property
    def engagement(self) -> int:
        return self.likes + self.comments


@dataclass(frozen=True)
class Upsert:
    document: PostDocument


@dataclass(frozen=True)
class Delete:
    id: int
    version: int


Action = Upsert | Delete


@dataclass
class BulkResult:
    applied: int = 0
    stale: int = 0                     # ignored: not newer than what the index holds
    failed: list[tuple[int, str]] = field(default_factory=list)

    def merge(self, other: "BulkResult") -> "BulkResult":
        self.applied += other.applied
        self.stale += other.stale
        self.failed.extend(other.failed)
        return self


# Filters -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    field: str
    value: object


@dataclass(frozen=True)
class Terms:
    field: str
    values: tuple

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))


@dataclass(frozen=True)
class Range:
    field: str
    gte: object = None
    gt: object = None
    lte: object = None
    lt: object = None


@dataclass(frozen=True)
class Flag:
    field: str
    value: bool = True


@dataclass(frozen=True)
class Not:
    filter: "Filter"


Filter = Term | Terms | Range | Flag | Not


@dataclass(frozen=True)
class Query:
    text: str = ""
    filters: tuple[Filter, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "text", (self.text or "").strip())
        object.__setattr__(self, "filters", tuple(self.filters))
        for f in self.filters:
            validate_filter(f)


def validate_filter(f: Filter) -> None:
    if isinstance(f, Not):
        return validate_filter(f.filter)
    kind = FIELD_KINDS.get(f.field)
    if kind is None:
        raise InvalidQuery(f"cannot filter on {f.field!r}")
    if isinstance(f, Flag):
        if kind != "boolean":
            raise InvalidQuery(f"{f.field!r} is not a flag")
    elif isinstance(f, (Term, Terms)):
        if kind in ("boolean", "float", "datetime"):
            raise InvalidQuery(f"use Flag or Range for {f.field!r}")
        values = f.values if isinstance(f, Terms) else (f.value,)
        expected = int if kind == "integer" else str
        if not values or any(not isinstance(v, expected) or isinstance(v, bool) for v in values):
            raise InvalidQuery(f"{f.field!r} takes {expected.__name__} values")
    elif isinstance(f, Range):
        if kind not in ("integer", "float", "datetime"):
            raise InvalidQuery(f"{f.field!r} has no range")
        bounds = [b for b in (f.gte, f.gt, f.lte, f.lt) if b is not None]
        if not bounds or (f.gte is not None and f.gt is not None) or (f.lte is not None and f.lt is not None):
            raise InvalidQuery(f"range on {f.field!r} needs one lower and/or one upper bound")
        expected = datetime if kind == "datetime" else (int, float)
        if any(not isinstance(b, expected) or isinstance(b, bool) for b in bounds):
            raise InvalidQuery(f"range on {f.field!r} takes {kind} bounds")
    else:
        raise InvalidQuery(f"unknown filter {f!r}")


# Facets and results ------------------------------------------------------------------------

@dataclass(frozen=True)
class TermsFacet:
    """Counts per value of a field among the matching posts, most frequent first (ties by key)."""
    field: str
    size: int = 10

    @property
    def name(self) -> str:
        return self.field


@dataclass(frozen=True)
class MonthHistogram:
    """Counts per calendar month (China time, keys "YYYY-MM", oldest first, empty months left out)."""
    name: str = "month"


Facet = TermsFacet | MonthHistogram


@dataclass(frozen=True)
class Bucket:
    key: object
    count: int


@dataclass(frozen=True)
class Hit:
    id: int
    score: float | None                # relevance score for the relevance sort, else None
    highlights: dict[str, str] = field(default_factory=dict)   # "title" / "body" -> HTML


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total: int
    next_cursor: str | None
    facets: dict[str, list[Bucket]] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [h.id for h in self.hits]


@dataclass(frozen=True)
class AuthorBucket:
    """One author among the best matches of a query (the basis of the brands' creator search)."""
    author_id: int
    score: float                       # sum of the relevance of the author's posts in the sample
    sampled: int                       # the author's posts among the sample
    matched: int                       # all the author's posts that match the query
    post_ids: tuple[int, ...]          # the author's best matching posts, best first (up to 3)


@dataclass(frozen=True)
class Aliases:
    read: str | None
    write: tuple[str, ...]


@dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    detail: dict


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC, aware ones converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def relevance_boost(likes: int, comments: int) -> float:
    """The engagement prior both backends multiply text relevance with (1 for no engagement)."""
    return 1.0 + 0.1 * math.log1p(max(likes, 0) + 2 * max(comments, 0))


class SearchBackend(abc.ABC):
    """A search engine over posts. Implementations must be safe to share between threads."""

    name: str = "abstract"

    # Lifecycle -----------------------------------------------------------------------------
    @abc.abstractmethod
    def ensure_index(self) -> Aliases:
        """Create the first index version and its aliases if there are none; idempotent."""

    @abc.abstractmethod
    def aliases(self) -> Aliases:
        """Which index version is read and which are written (empty before `ensure_index`)."""

    @abc.abstractmethod
    def begin_rebuild(self) -> str:
        """Create a new, empty index version and add it to the write alias; returns its name."""

    @abc.abstractmethod
    def finish_rebuild(self, version: str) -> None:
        """Point the read and write aliases at `version` atomically and drop the old versions."""

    @abc.abstractmethod
    def abort_rebuild(self, version: str) -> None:
        """Take `version` out of the write alias and drop it; the current version stays."""

    @abc.abstractmethod
    def destroy(self) -> None:
        """Drop every version and alias of this index (tests and tear-down)."""

    @abc.abstractmethod
    def health(self) -> Health:
        """Whether the engine answers and the read alias resolves, with counts for operators."""

    # Writing -------------------------------------------------------------------------------
    @abc.abstractmethod
    def bulk(self, actions: Iterable[Action], *, target: str | None = None,
             refresh: bool = False) -> BulkResult:
        """Apply upserts and deletes, in order, to the write alias (or only to `target`).

        `actions` may be a long generator: it is consumed in chunks. With `refresh`, the changes
        are visible to searches when this returns; otherwise within about a second.
        """

    @abc.abstractmethod
    def refresh(self) -> None:
        """Make every applied change visible to searches now."""

    # Reading -------------------------------------------------------------------------------
    @abc.abstractmethod
    def search(self, query: Query, *, sort: str = "relevance", size: int = 20,
               cursor: str | None = None, highlight: bool = True,
               facets: Sequence[Facet] = ()) -> SearchPage:
        """One page of matching post ids in `sort` order, continuing after `cursor`."""

    @abc.abstractmethod
    def count(self, query: Query) -> int:
        """How many posts match."""

    @abc.abstractmethod
    def live_versions(self, ids: Sequence[int]) -> dict[int, int]:
        """The version of each id that has a live (searchable) document in the read index."""

    @abc.abstractmethod
    def aggregate_authors(self, query: Query, *, size: int = 20, sample: int = 500) -> list[AuthorBucket]:
        """Authors of the `sample` most relevant matches, by the sum of their relevance."""

    # Shared helpers ------------------------------------------------------------------------
    def rebuild(self, documents: Iterable[PostDocument], *,
                progress: Callable[[int], None] | None = None) -> str:
        """Build a new index version from `documents`, swap it in and return its name.

        `documents` should be read from the database after this is called (a generator does
        that). `progress(n)` is called with the number of documents sent so far, every 500.
        """
        version = self.begin_rebuild()
        try:
            self.bulk(_counted(documents, progress), target=version)
            self.finish_rebuild(version)
        except BaseException:
            self.abort_rebuild(version)
            raise
        return version

    @staticmethod
    def check_search_args(sort: str, size: int, facets: Sequence[Facet]) -> None:
        if sort not in SORTS:
            raise InvalidQuery(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidQuery(f"size must be between 1 and {MAX_PAGE_SIZE}")
        for facet in facets:
            if isinstance(facet, TermsFacet):
                if facet.field not in FACET_FIELDS:
                    raise InvalidQuery(f"cannot facet on {facet.field!r}")
                if not 1 <= facet.size <= 1000:
                    raise InvalidQuery("facet size must be between 1 and 1000")
            elif not isinstance(facet, MonthHistogram):
                raise InvalidQuery(f"unknown facet {facet!r}")


def _counted(documents: Iterable[PostDocument], progress) -> Iterator[Action]:
    n = 0
    for n, document in enumerate(documents, 1):
        yield Upsert(document)
        if progress is not None and n % 500 == 0:
            progress(n)
    if progress is not None and n % 500:
        progress(n)
