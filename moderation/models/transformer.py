"""The transformer model: a multi-label sequence classifier (``transformers``), on CPU or GPU.

Training fine-tunes a local checkpoint when one is given (``base_model``, a directory with a
config and weights; nothing is downloaded), or trains a small BERT from scratch whose vocabulary
is the characters of the training corpus, one token per Chinese character as Chinese BERT does,
plus single Latin letters and digits (and their ``##`` continuations) so that any handle or
number can be spelled. Labels unknown for an example are masked out of the loss.

Loading happens only through :meth:`TransformerModel.load`, which the model bundle calls on first
use: never at import.
"""

from __future__ import annotations

import json
import math
import random
import string
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from moderation.labels import LABELS

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SETTINGS_FILE = "moderation.json"


@dataclass
class TransformerSettings:
    """Defaults: a small BERT (3 layers, 192 wide) that trains on 100k posts in about 20 minutes
    on 2 CPU cores; pass a ``base_model`` to fine-tune a bigger local checkpoint instead."""

    hidden_size: int = 192
    layers: int = 3
    heads: int = 3
    intermediate_size: int = 768
    max_length: int = 128
    vocab_size: int = 6000
    min_char_count: int = 3
    epochs: float = 2.0
    batch_size: int = 64
    learning_rate: float = 3e-4
    fine_tune_learning_rate: float = 3e-5
    max_minutes: float | None = None
    seed: int = 13


def build_vocab(texts: list[str], size: int, min_count: int) -> dict[str, int]:
    counts = Counter(ch for text in texts for ch in text if not ch.isspace())
    alnum = list(string.ascii_lowercase + string.digits)
    base = SPECIAL + alnum + ["##" + ch for ch in alnum]
    chars = [ch for ch, n in counts.most_common() if n >= min_count and ch not in base]
    tokens = base + chars[: max(0, size - len(base))]
    return {token: index for index, token in enumerate(tokens)}


class TransformerModel:
    kind = "transformer"

    def __init__(self, model, tokenizer, max_length: int, info: dict | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.info = info or {}

    # persistence ------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(directory)
        self.tokenizer.save_pretrained(directory)
        settings = {"max_length": self.max_length, "labels": list(LABELS), **self.info}
        (directory / SETTINGS_FILE).write_text(json.dumps(settings, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TransformerModel:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
        if settings["labels"] != list(LABELS):
            raise ValueError(f"{directory} was trained for labels {settings['labels']}")
        tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(directory, local_files_only=True)
        model.eval()
        return cls(model, tokenizer, settings["max_length"], settings)

    # inference --------------------------------------------------------------------------------
    def predict_proba(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Label probabilities (n, len(LABELS)); texts are batched by length to pad little."""
        import torch

        out = np.zeros((len(texts), len(LABELS)), dtype=np.float64)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        device = next(self.model.parameters()).device
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                batch = self.tokenizer(
                    [texts[i] or " " for i in rows], padding=True, truncation=True,
                    max_length=self.max_length, return_tensors="pt",
                ).to(device)
                logits = self.model(**batch).logits
                out[rows] = torch.sigmoid(logits).float().cpu().numpy()
        return out

    # training ---------------------------------------------------------------------------------
    @classmethod
    def train(
        cls,
        texts: list[str],
        targets: np.ndarray,
        settings: TransformerSettings | None = None,
        base_model: Path | None = None,
        progress: bool = True,
        repeats: np.ndarray | None = None,
    ) -> TransformerModel:
        """Train on normalised ``texts``; ``targets`` is (n, len(LABELS)) of 1, 0 or -1 (unknown).

        ``repeats`` (per example, >= 1) shows an example that many times per epoch: the
        transformer's form of a sample weight.
        """
        import torch
        from tqdm.auto import tqdm
        from transformers import AutoModelForSequenceClassification, AutoTokenizer, BertConfig, BertForSequenceClassification, BertTokenizer

        settings = settings or TransformerSettings()
        random.seed(settings.seed)
        torch.manual_seed(settings.seed)
        id2label = dict(enumerate(LABELS))
        label2id = {label: i for i, label in id2label.items()}
        if base_model is not None:
            tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(
                base_model, num_labels=len(LABELS), problem_type="multi_label_classification",
                id2label=id2label, label2id=label2id, local_files_only=True, ignore_mismatched_sizes=True,
            )
            learning_rate = settings.fine_tune_learning_rate
            origin = {"origin": "fine-tuned", "base_model": str(base_model)}
        else:
            tokenizer = BertTokenizer(vocab=build_vocab(texts, settings.vocab_size, settings.min_char_count))
            config = BertConfig(
                vocab_size=len(tokenizer.get_vocab()), hidden_size=settings.hidden_size,
                num_hidden_layers=settings.layers, num_attention_heads=settings.heads,
                intermediate_size=settings.intermediate_size, max_position_embeddings=settings.max_length + 2,
                num_labels=len(LABELS), problem_type="multi_label_classification",
                id2label=id2label, label2id=label2id,
            )
            model = BertForSequenceClassification(config)
            learning_rate = settings.learning_rate
            origin = {"origin": "from-scratch", "vocab_size": len(tokenizer.get_vocab())}

        device = "cuda" if torch.cuda.is_available() else "cpu"
        model.to(device)
        targets_t = torch.tensor(targets, dtype=torch.float32)
        known = (targets_t >= 0).float()
        positives = ((targets_t == 1).float() * known).sum(0)
        negatives = ((targets_t == 0).float() * known).sum(0)
        pos_weight = torch.sqrt(negatives / positives.clamp(min=1)).clamp(1.0, 5.0).to(device)

        batches = _length_batches(texts, settings.batch_size, settings.seed, repeats)
        total_steps = max(1, int(len(batches) * settings.epochs))
        optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
        warmup = max(1, total_steps // 20)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda step: min(1.0, (step + 1) / warmup) * max(0.0, 0.5 * (1 + math.cos(math.pi * step / total_steps))),
        )
        model.train()
        started = time.monotonic()
        step = 0
        bar = tqdm(total=total_steps, desc="transformer", unit="batch", disable=not progress)
        while step < total_steps:
            for rows in batches:
                if step >= total_steps:
                    break
                if settings.max_minutes and time.monotonic() - started > settings.max_minutes * 60:
                    total_steps = step
                    break
                batch = tokenizer(
                    [texts[i] or " " for i in rows], padding=True, truncation=True,
                    max_length=settings.max_length, return_tensors="pt",
                ).to(device)
                logits = model(**batch).logits
                y, mask = targets_t[rows].to(device), known[rows].to(device)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    logits, y.clamp(min=0), weight=mask, pos_weight=pos_weight, reduction="sum"
                ) / mask.sum().clamp(min=1)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                step += 1
                bar.update(1)
                if step % 50 == 0:
                    bar.set_postfix(loss=f"{loss.item():.4f}")
        bar.close()
        model.eval()
        info = {**origin, "settings": asdict(settings), "steps": step, "minutes": round((time.monotonic() - started) / 60, 2)}
        return cls(model, tokenizer, settings.max_length, info)


def _length_batches(texts: list[str], batch_size: int, seed: int, repeats=None) -> list[list[int]]:
    """Batches of similar length (less padding), in random order."""
    rng = random.Random(seed)
    indices = list(range(len(texts)))
    if repeats is not None:
        indices = [i for i in indices for _ in range(max(1, int(repeats[i])))]
    rng.shuffle(indices)
    # small chunks: batches of similar length but still of mixed sources (one source per batch
    # made the heads of the other labels drift)
    chunk = batch_size * 4
    batches = []
    for start in range(0, len(indices), chunk):
        part = sorted(indices[start : start + chunk], key=lambda i: len(texts[i]))
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches
