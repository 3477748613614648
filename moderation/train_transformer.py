"""Train only the transformer, on the same deterministic split as `flask moderation train`.

For a machine with a GPU and no web app: ``python -m moderation.train_transformer --data-dir D
--out DIR``. Then, where the service runs, ``flask --app wsgi moderation train --transformer-dir
DIR`` trains the fast model, takes this transformer as it is, chooses thresholds on the
validation split and evaluates both on the frozen test split. ``split.json`` records the test
split's hash so the two sides can check they cut the data the same way.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

SPLIT_FILE = "split.json"


def main(argv: list[str] | None = None) -> None:
    from moderation.config import project_labelled_path
    from moderation.datasets.splits import frozen_test_ids
    from moderation.models.transformer import TransformerModel, TransformerSettings
    from moderation.training import TrainOptions, load_examples, training_set

    defaults = TransformerSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--project-data", type=Path, default=None)
    parser.add_argument("--out", type=Path, required=True)
    for name in ("epochs", "learning_rate", "max_minutes"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    for name in ("layers", "hidden_size", "heads", "intermediate_size", "max_length", "batch_size", "vocab_size"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)

    settings = TransformerSettings(**{k: getattr(args, k) for k in (
        "epochs", "learning_rate", "max_minutes", "layers", "hidden_size", "heads", "intermediate_size",
        "max_length", "batch_size", "vocab_size")})
    started = time.monotonic()
    examples, read = load_examples(TrainOptions(data_dir=args.data_dir,
                                                project_path=args.project_data or project_labelled_path()))
    train_rows = [e for e in examples if e.split == "train"]
    data = training_set(train_rows)
    print(f"examples: {len(examples)}, train: {len(train_rows)} ({time.monotonic() - started:.0f} s)", flush=True)
    model = TransformerModel.train(data.texts, data.targets, settings, progress=not args.no_progress,
                                   repeats=data.weights)
    model.save(args.out)
    _, test_hash = frozen_test_ids(examples)
    (args.out / SPLIT_FILE).write_text(json.dumps(
        {"frozen_test_sha256": test_hash, "train_examples": len(train_rows), "data": read,
         "seconds": round(time.monotonic() - started, 1)}, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"saved to {args.out} in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
