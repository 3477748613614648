"""Moderation benchmark: ``python -m bench.moderation`` (last line: one JSON object).

Throughput, per process: posts/s of the whole cascade (normalise, rules, model, thresholds,
triage, evidence) against the bare model's predict on the same texts, in the same batches
(target ratio >= 0.8). The model is the promoted one under MODERATION_MODEL_DIR; without one, a
fast model is trained from the project-written set into a temporary store (the store itself is
not touched). Texts: the project-written set plus, when ../shared/data is there, shopping reviews.

Worker latency (post creation -> stored verdict, p50/p95, on a real worker and Redis, idle) and
the burst drain (26x the steady rate, nothing lost) come from ``bench.moderation_worker`` on the
same model; they need PostgreSQL and Redis (``--no-worker`` skips them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def _texts(count: int) -> list[str]:
    from moderation.config import data_dir, project_labelled_path
    from moderation.datasets.project import load_project

    texts = [e.text for e in load_project(project_labelled_path())] if project_labelled_path().exists() else []
    root = data_dir()
    if (root / "SOURCES.md").exists():
        from moderation.datasets.sources import load_shopping

        texts += [e.text for e in load_shopping(root)[::7]]
    if not texts:
        raise SystemExit("no texts to benchmark: neither the project-written set nor ../shared/data is there")
    rng = random.Random(7)
    return [rng.choice(texts) for _ in range(count)]


def _cascade(engine: str | None):
    from moderation import registry
    from moderation.cascade import Cascade
    from moderation.config import model_root

    store = model_root()
    bundle = registry.load_current(store)
    if bundle is None:
        from moderation.config import project_labelled_path
        from moderation.training import TrainOptions, train

        store = Path(tempfile.mkdtemp(prefix="bench-moderation-"))
        train(TrainOptions(project_path=project_labelled_path(), fast_only=True, progress=False), store)
        bundle = registry.load_current(store)
    return Cascade(bundle, engine=engine), store


def _rates(runs: dict, batches: list[list[str]], repeats: int) -> dict[str, float]:
    """Best of ``repeats`` passes each, in posts per second. The runs take turns, so a burst of
    load from another process on the machine falls on both rather than on one."""
    best = {name: 0.0 for name in runs}
    posts = sum(map(len, batches))
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            for batch in batches:
                run(batch)
            best[name] = max(best[name], posts / (time.perf_counter() - started))
    return best


def throughput(cascade, texts: list[str], batch_size: int, repeats: int) -> dict:
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    if cascade.engine == "fast":
        model = cascade.bundle.fast

        def bare(batch):
            return model.predict_proba(batch)
    else:
        model = cascade.bundle.transformer()

        def bare(batch):
            return model.predict_proba(batch, batch_size=batch_size)

    cascade.classify(batches[0])  # warm up: jieba dictionary, lazy tables, model load
    bare(batches[0])
    rates = _rates({"cascade": cascade.classify, "bare": bare}, batches, repeats)
    cascade_rate, bare_rate = rates["cascade"], rates["bare"]
    return {
        "model_version": cascade.version,
        "engine": cascade.engine,
        "texts": len(texts),
        "mean_chars": round(statistics.mean(map(len, texts)), 1),
        "batch_size": batch_size,
        "cascade_posts_per_s": round(cascade_rate, 1),
        "bare_model_posts_per_s": round(bare_rate, 1),
        "ratio": round(cascade_rate / bare_rate, 3),
        "ratio_target": 0.8,
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engine", choices=["fast", "transformer", "ensemble"], default=None)
    parser.add_argument("--no-worker", action="store_true", help="Skip the worker latency and burst runs.")
    parser.add_argument("--rate", type=float, default=2.0, help="Steady posting rate (posts/s).")
    parser.add_argument("--burst-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cascade, store = _cascade(args.engine)
    texts = _texts(args.texts)
    sections = {"throughput": throughput(cascade, texts, args.batch_size, args.repeats),
                "worker_latency": None, "burst": None}
    if not args.no_worker:
        from bench.moderation_worker import measure

        if args.engine:
            os.environ["MODERATION_ENGINE"] = args.engine
        sections.update(measure(texts, store, rate=args.rate, burst_seconds=args.burst_seconds))
    print(json.dumps(sections, ensure_ascii=False))
    return sections


if __name__ == "__main__":
    main()
