#!/usr/bin/env bash
# Public intent datasets for bench/learner-vs-lr.ts, as bench/.data/<name>/{train,test}.csv (text,label).
# Never committed (bench/.data/ is ignored); rebuild them with `bash bench/data/fetch-intents.sh`.
#
# | name      | source (GitHub repository, path)                                                   | license        |
# |-----------|------------------------------------------------------------------------------------|----------------|
# | banking77 | PolyAI-LDN/task-specific-datasets, banking_data/{train,test}.csv (77 intents)     | CC BY 4.0      |
# | hwu64     | xliuhw/NLU-Evaluation-Data, CrossValidation/.../KFold_1/{trainset,testset/csv}     | CC BY 4.0      |
# |           | (64 scenario_intent labels: the HWU64 benchmark's first fold)                      |                |
# | snips     | MiuLab/SlotGated-SLU, data/snips/{train,test}/{seq.in,label} (7 intents)           | CC0 (Snips)    |
# | atis      | MiuLab/SlotGated-SLU, data/atis/{train,test}/{seq.in,label} (skewed: 74% flight)   | LDC ATIS split |
#
# Where a repository snapshot exists under /work/.mirror (the workspace's GitHub mirror) it is read from there;
# otherwise it is cloned (depth 1) from GitHub. Rows are capped to keep embedding cheap on a 2-core machine:
# at most 10,000 train (snips: 3,000, its 7 intents are easy) and 2,000 test rows per dataset, a Python
# random.Random(0) sample in file order.
# banking77 is the held-out set: the learner's defaults were never tuned on it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/.data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Prints the git dir holding a snapshot of owner/name.
repo_git_dir() {
  local mirror="/work/.mirror/${1/\//+}/repo"
  if [ -e "$mirror/.git" ]; then echo "$mirror/.git"; return; fi
  if [ -d "$mirror/objects" ]; then echo "$mirror"; return; fi
  git clone -q --depth 1 "https://github.com/$1.git" "$tmp/${1/\//+}" >&2
  echo "$tmp/${1/\//+}/.git"
}

# Exports a repository path (file or folder) into $tmp/<dest>.
export_path() {
  local gitdir="$1" path="$2" dest="$3"
  mkdir -p "$tmp/$dest"
  git --git-dir="$gitdir" archive HEAD "$path" | tar -x -C "$tmp/$dest"
}

polyai=$(repo_git_dir PolyAI-LDN/task-specific-datasets)
export_path "$polyai" banking_data banking77
hwu=$(repo_git_dir xliuhw/NLU-Evaluation-Data)
fold=CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/CrossValidation/KFold_1
export_path "$hwu" "$fold/trainset" hwu64
export_path "$hwu" "$fold/testset/csv" hwu64
miulab=$(repo_git_dir MiuLab/SlotGated-SLU)
export_path "$miulab" data slu

python3 - "$tmp" "$out" "$fold" <<'PY'
import csv, glob, os, random, sys
tmp, out, fold = sys.argv[1:4]
TRAIN_CAP, TEST_CAP = 10_000, 2_000

def cap(rows, n):
    if len(rows) <= n: return rows
    keep = sorted(random.Random(0).sample(range(len(rows)), n))
    return [rows[i] for i in keep]

def write(name, split, rows, limit):
    if name == "snips" and split == "train": limit = 3_000
    os.makedirs(f"{out}/{name}", exist_ok=True)
    rows = cap([(t.strip(), l.strip()) for t, l in rows if t.strip() and l.strip()], limit)
    with open(f"{out}/{name}/{split}.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["text", "label"]); w.writerows(rows)
    print(f"{name}/{split}: {len(rows)} rows, {len(set(l for _, l in rows))} labels", file=sys.stderr)

def banking(split):
    with open(f"{tmp}/banking77/banking_data/{split}.csv", newline="") as f:
        return [(r["text"], r["category"]) for r in csv.DictReader(f)]

def hwu(folder):
    rows = []
    for path in sorted(glob.glob(f"{tmp}/hwu64/{fold}/{folder}/*.csv")):
        with open(path, newline="") as f:
            for r in csv.DictReader(f, delimiter=";"):
                rows.append((r["answer_from_anno"], f'{r["scenario"]}_{r["intent"]}'))
    return rows

def slu(name, split):
    d = f"{tmp}/slu/data/{name}/{split}"
    with open(f"{d}/seq.in") as a, open(f"{d}/label") as b:
        return list(zip(a.read().splitlines(), b.read().splitlines()))

for split, limit in (("train", TRAIN_CAP), ("test", TEST_CAP)):
    write("banking77", split, banking(split), limit)
    write("hwu64", split, hwu("trainset" if split == "train" else "testset/csv"), limit)
    write("snips", split, slu("snips", split), limit)
    write("atis", split, slu("atis", split), limit)
PY
