"""Search relevance on the demo data: nDCG@10 over judged queries, with the embedded backend.

    python -m bench.relevance            # the app's database (DATABASE_URL), demo data already seeded
    python -m bench.relevance --seed     # seed the demo data first (idempotent: `flask seed` does the same)

The judgments (tests/search/relevance/judgments.json) grade demo posts 0-3 per query, keyed by
post title, written by reading the posts. The public posts are indexed into a throwaway embedded
index (the app's own index is not touched), every query runs as a member's search would (relevance
sort, no filters), and each query's nDCG@10 is computed with gains 2^grade - 1 and the ideal order
of its judged posts. Unjudged hits count as not relevant. One line per query, then one JSON object
as the last line. tests/search/relevance/test_relevance.py runs the same evaluation and asserts a
floor under the measured mean.
"""
import argparse
import json
import math
import tempfile
from pathlib import Path

JUDGMENTS = Path(__file__).resolve().parents[1] / "tests" / "search" / "relevance" / "judgments.json"
K = 10


def load_judgments(path=JUDGMENTS):
    """[(query, {title: grade})] in file order."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(q["query"], dict(q["judgments"])) for q in data["queries"]]


def dcg(grades):
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def ndcg(ranked_titles, judgments, k=K):
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(title, 0) for title in ranked_titles[:k]]) / ideal


def evaluate(search, queries, k=K):
    """Run every query through `search(text) -> [title, ...]`; per-query figures and the mean."""
    rows = []
    for text, judgments in queries:
        ranked = search(text)
        found = sum(1 for title in ranked if judgments.get(title, 0) > 0)
        rows.append({"query": text, "ndcg@10": round(ndcg(ranked, judgments, k), 4), "hits": len(ranked),
                     "relevant_found": found, "relevant": sum(1 for g in judgments.values() if g > 0)})
    mean = sum(r["ndcg@10"] for r in rows) / len(rows) if rows else 0.0
    return {"queries": rows, "mean_ndcg@10": round(mean, 4), "count": len(rows),
            "below_0.5": [r["query"] for r in rows if r["ndcg@10"] < 0.5]}


def index_public_posts(app, path):
    """Index the database's public posts into a new embedded index at `path`; returns the engine."""
    from search.analysis import Analyzer
    from search.backends.base import Upsert
    from search.backends.embedded import EmbeddedBackend
    from search.documents import iter_documents
    from search.engine import set_engine

    analyzer = Analyzer()
    backend = EmbeddedBackend(path, analyzer)
    engine = set_engine(app, backend, analyzer)
    engine.ensure_index()
    engine.refresh_vocabulary(force=True)
    backend.bulk((Upsert(document) for document in iter_documents(app=app)), refresh=True)
    return engine


def title_search(engine, k=K):
    """A member's search, answering titles in the engine's order."""
    from sqlalchemy import select

    from community.extensions import db
    from community.models import Post
    from search.backends.base import Query

    titles = dict(db.session.execute(select(Post.id, Post.title).where(Post.visibility == "visible")).all())

    def search(text):
        page = engine.backend.search(Query(text), sort="relevance", size=k, highlight=False)
        return [titles[i] for i in page.ids if i in titles]
    return search


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", action="store_true", help="seed the demo data into the database first")
    parser.add_argument("--judgments", default=str(JUDGMENTS))
    args = parser.parse_args(argv)

    from community import create_app

    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        if args.seed:
            from community.demo.seed import seed
            seed()
        engine = index_public_posts(app, Path(tmp) / "search")
        report = evaluate(title_search(engine), load_judgments(args.judgments))
        engine.backend.destroy()
    for row in report["queries"]:
        print(f"{row['ndcg@10']:.3f}  {row['relevant_found']}/{row['relevant']}  {row['query']}")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
