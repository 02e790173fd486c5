"""Contrastive fine-tune of a sentence encoder (all-MiniLM-L6-v2) on verified examples, SetFit-style.

Pairs of texts that share a verified label are pulled together and every other label in the batch is pushed away
(in-batch negatives, symmetric InfoNCE). Each batch holds at most one pair per label, so no "negative" is secretly a
positive; with --hard-negatives, a batch is filled with labels whose centroids are close (the pairs the frozen
encoder confuses), which is where a few-shot classifier loses its points.

The output folder has the same layout as the base (config, tokenizer, pooling, model.safetensors), so
models/convert/minilm_to_gguf.py turns it into the GGUF that node-llama-cpp loads.

  python train_encoder.py --base DIR --train FILE.jsonl --out DIR [--epochs 1] [--pairs 4] [--seed 0]
                          [--batch 32] [--lr 2e-5] [--threads 2] [--hard-negatives]

FILE.jsonl: one {"text": ..., "label": ...} per line. Prints one JSON line with what it did. Deterministic for a
given seed and thread count.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from transformers import AutoModel, AutoTokenizer

MAX_TOKENS = 128
SCALE = 20.0  # cosine similarity -> logit, as SetFit / sentence-transformers' MultipleNegativesRankingLoss


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True, type=Path)
    p.add_argument("--train", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--pairs", type=int, default=4, help="positives drawn per example and epoch")
    p.add_argument("--batch", type=int, default=32, help="pairs (= distinct labels) per batch")
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--hard-negatives", action="store_true")
    return p.parse_args()


def read_examples(path: Path) -> dict[str, list[str]]:
    by_label: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            text, label = row.get("text"), row.get("label")
            if not isinstance(text, str) or not isinstance(label, str) or not text.strip():
                raise SystemExit(f"{path}:{n}: expected {{\"text\": string, \"label\": string}}")
            by_label.setdefault(label, []).append(text)
    # A label needs two texts to make a positive pair; a lone example still serves as a negative for the others.
    if sum(1 for texts in by_label.values() if len(texts) >= 2) < 2:
        raise SystemExit("need at least two labels with two or more examples each")
    return by_label


class Encoder(torch.nn.Module):
    """Mean pooling over the last hidden state, as the base's sentence-transformers Pooling config says."""

    def __init__(self, base: Path):
        super().__init__()
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.model = AutoModel.from_pretrained(base)

    def forward(self, texts: list[str]) -> torch.Tensor:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return F.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=-1)

    @torch.no_grad()
    def encode(self, texts: list[str], batch_size: int = 128) -> torch.Tensor:
        self.eval()
        return torch.cat([self(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)])


def label_order(encoder: Encoder, by_label: dict[str, list[str]], rng: random.Random, hard: bool) -> list[str]:
    """Labels in the order batches take them: random, or a nearest-neighbour chain over the frozen centroids so that
    labels that look alike share batches."""
    labels = sorted(by_label)
    rng.shuffle(labels)
    if not hard:
        return labels
    centroids = torch.stack([F.normalize(encoder.encode(by_label[l]).mean(0), dim=0) for l in labels])
    sims = centroids @ centroids.T
    order, left = [0], set(range(1, len(labels)))
    while left:
        last = order[-1]
        nxt = max(left, key=lambda j: float(sims[last, j]))
        order.append(nxt)
        left.remove(nxt)
    return [labels[i] for i in order]


def batches_for_epoch(by_label: dict[str, list[str]], order: list[str], pairs: int, batch: int, rng: random.Random):
    """Rounds over the label order; each round gives every label with 2+ texts one (anchor, positive) pair, cut into
    batches of distinct labels."""
    queues: dict[str, list[tuple[str, str]]] = {}
    for label, texts in by_label.items():
        if len(texts) < 2:
            continue
        q = []
        for i, anchor in enumerate(texts):
            others = texts[:i] + texts[i + 1 :]
            q += [(anchor, rng.choice(others)) for _ in range(pairs)]
        rng.shuffle(q)
        queues[label] = q
    out = []
    while any(queues.values()):
        round_labels = [l for l in order if queues.get(l)]
        for i in range(0, len(round_labels), batch):
            chunk = round_labels[i : i + batch]
            if len(chunk) >= 2:
                out.append([queues[l].pop() for l in chunk])
            else:
                queues[chunk[0]].pop()  # a lone label in a batch has no negative to learn from
    return out


def contrastive_loss(encoder: Encoder, batch: list[tuple[str, str]]) -> torch.Tensor:
    a = encoder([x for x, _ in batch])
    p = encoder([y for _, y in batch])
    scores = a @ p.T * SCALE
    target = torch.arange(len(batch))
    return (F.cross_entropy(scores, target) + F.cross_entropy(scores.T, target)) / 2


@torch.no_grad()
def probe_loss(encoder: Encoder, probe: list[tuple[str, str]], batch: int) -> float:
    encoder.eval()
    losses = [contrastive_loss(encoder, probe[i : i + batch]).item() for i in range(0, len(probe), batch)]
    return sum(losses) / len(losses)


def copy_layout(base: Path, out: Path) -> None:
    """Everything but the weights, so the converter and sentence-transformers read the output like the base."""
    out.mkdir(parents=True, exist_ok=True)
    for item in base.iterdir():
        if item.name in ("model.safetensors", "pytorch_model.bin", "onnx", "openvino", "README.md") or item.name.startswith("."):
            continue
        dest = out / item.name
        if item.is_dir():
            shutil.copytree(item, dest, dirs_exist_ok=True)
        else:
            shutil.copy2(item, dest)


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np.random.seed(args.seed)
    by_label = read_examples(args.train)
    encoder = Encoder(args.base)
    order = label_order(encoder, by_label, rng, args.hard_negatives)
    optimizer = torch.optim.AdamW(encoder.parameters(), lr=args.lr)
    started = time.time()
    steps, last_loss = 0, None
    # A fixed probe of pairs, scored before and after: the objective must have improved on it.
    probe = [pair for batch in batches_for_epoch(by_label, order, 1, args.batch, random.Random(args.seed))[:4] for pair in batch]
    probe_before = probe_loss(encoder, probe, args.batch)
    for epoch in range(args.epochs):
        encoder.train()
        batches = batches_for_epoch(by_label, order, args.pairs, args.batch, rng)
        total = 0.0
        for i, batch in enumerate(batches):
            loss = contrastive_loss(encoder, batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            steps += 1
            if i % 50 == 0:
                print(f"epoch {epoch + 1} batch {i}/{len(batches)} loss {loss.item():.3f} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
        last_loss = total / max(1, len(batches))
    copy_layout(args.base, args.out)
    encoder.model.save_pretrained(args.out, safe_serialization=True)
    print(json.dumps({
        "labels": len(by_label),
        "examples": sum(len(t) for t in by_label.values()),
        "epochs": args.epochs,
        "steps": steps,
        "meanLoss": round(last_loss, 4) if last_loss is not None else None,
        "probeLossBefore": round(probe_before, 4),
        "probeLossAfter": round(probe_loss(encoder, probe, args.batch), 4),
        "trainSeconds": round(time.time() - started, 1),
        "hardNegatives": args.hard_negatives,
        "seed": args.seed,
    }), flush=True)


if __name__ == "__main__":
    main()
