"""scikit-learn's LogisticRegression(C=10) (lbfgs, max_iter 3000) on the vectors bench/learner-vs-lr.ts wrote.

The sampling is ../shared/tools/lr-reference's, so a sample can be rebuilt anywhere: per seed, random.Random(seed),
labels sorted, rng.sample(rows of the label, K); K = 0 means all rows. The chosen row indices are printed with the
scores, and the TypeScript side trains Deskling's learner on exactly those rows and the same vectors.
Input: DIR/train.f32, DIR/test.f32 (row-major float32), DIR/meta.json {dims, trainLabels, testLabels}.
Output (stdout, one JSON): {"runs": [{k, seed, indices, accuracy, macroF1, ece, objective, nIter, fitSeconds}]}.
"""
import argparse, json, random, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

p = argparse.ArgumentParser()
p.add_argument("dir"); p.add_argument("--k", default="5,10,0"); p.add_argument("--seeds", type=int, default=3)
a = p.parse_args()
meta = json.load(open(f"{a.dir}/meta.json"))
d = meta["dims"]
Xtr = np.fromfile(f"{a.dir}/train.f32", dtype=np.float32).reshape(-1, d).astype(np.float64)
Xte = np.fromfile(f"{a.dir}/test.f32", dtype=np.float32).reshape(-1, d).astype(np.float64)
ytr = np.array(meta["trainLabels"]); yte = np.array(meta["testLabels"])


def ece(prob, correct, bins=15):
    """Expected calibration error of the top probability, equal-width bins (as the TypeScript side computes it)."""
    edges = np.linspace(0, 1, bins + 1); total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (prob > lo) & (prob <= hi)
        if m.any(): total += m.sum() / len(prob) * abs(correct[m].mean() - prob[m].mean())
    return total


runs = []
for k in [int(x) for x in a.k.split(",")]:
    for seed in (range(a.seeds) if k > 0 else [0]):
        if k > 0:
            rng = random.Random(seed); idx = []
            for lab in sorted(set(ytr)):
                rows = [i for i in range(len(ytr)) if ytr[i] == lab]
                idx += rng.sample(rows, min(k, len(rows)))
        else:
            idx = list(range(len(ytr)))
        t = time.time()
        clf = LogisticRegression(C=10, max_iter=3000).fit(Xtr[idx], ytr[idx])
        fit = time.time() - t
        prob = clf.predict_proba(Xte)
        pred = clf.classes_[prob.argmax(1)]
        # The objective Deskling's solver minimises too: summed log-loss + ||W||^2 / (2C), intercepts unpenalised.
        ptr = np.clip(clf.predict_proba(Xtr[idx]), 1e-300, 1)
        col = {c: i for i, c in enumerate(clf.classes_)}
        loss = -np.log(ptr[np.arange(len(idx)), [col[y] for y in ytr[idx]]]).sum()
        objective = loss + (clf.coef_ ** 2).sum() / (2 * 10)
        runs.append({"k": k, "seed": seed, "indices": [int(i) for i in idx],
                     "accuracy": float((pred == yte).mean()), "macroF1": float(f1_score(yte, pred, average="macro")),
                     "ece": float(ece(prob.max(1), pred == yte)), "objective": float(objective),
                     "nIter": int(np.max(clf.n_iter_)), "fitSeconds": round(fit, 2)})
print(json.dumps({"runs": runs}))
