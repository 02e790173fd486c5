#!/usr/bin/env bash
# Copies the public evaluation sets the trust benchmarks use into bench/.data/ (git-ignored; never committed).
# Each argument is a local git clone (or bare mirror) of a public repository:
#   lingua   github.com/pemistahl/lingua-rs  language-models/<iso>/testdata/{sentences,word-pairs,single-words}.txt
#            (Leipzig-corpora sentences, 1,000 per language; Apache-2.0)
#   tweeteval github.com/cardiffnlp/tweeteval  datasets/sentiment/* (SemEval-2017 task 4 tweets, 0 neg / 1 neu / 2 pos)
#   bipia    github.com/microsoft/BIPIA  benchmark/{email/*.jsonl,text_attack_*.json,code_attack_*.json}
#            (indirect prompt injection: e-mails plus attack instructions, MIT)
#   tweetsumm (optional, 4th and 5th arguments) github.com/guyfe/Tweetsumm  tweet_sum_data_files/final_train_tweetsum.jsonl
#            (TweetSumm annotations: abstractive and extractive summaries of customer-care dialogues, CDLA-Sharing)
#            and github.com/IssamLaradji/chat_summarization_tutorial  data/twitter.json (the text of 857 of its training dialogues, keyed by
#            the same conversation ids; TweetSumm itself ships only tweet ids)
# Usage: bench/data/copy-public-sets.sh LINGUA_GIT TWEETEVAL_GIT BIPIA_GIT [TWEETSUMM_GIT TWEETSUMM_TEXT_GIT]
set -euo pipefail
out="$(dirname "$0")/../.data"
mkdir -p "$out"
show() { git -C "$1" show "HEAD:$2"; }
lingua="$1"; tweeteval="$2"; bipia="$3"
for dir in $(git -C "$lingua" ls-tree --name-only HEAD language-models/); do
  iso="$(basename "$dir")"
  mkdir -p "$out/lingua/$iso"
  for f in sentences word-pairs single-words; do show "$lingua" "$dir/testdata/$f.txt" > "$out/lingua/$iso/$f.txt"; done
done
mkdir -p "$out/tweeteval"
# train_text.txt is too large for the snapshot we had: val (2,000) trains, test (12,284) evaluates.
for f in val_text val_labels test_text test_labels; do show "$tweeteval" "datasets/sentiment/$f.txt" > "$out/tweeteval/$f.txt"; done
mkdir -p "$out/bipia"
for f in email/train.jsonl email/test.jsonl text_attack_train.json text_attack_test.json code_attack_train.json code_attack_test.json; do
  show "$bipia" "benchmark/$f" > "$out/bipia/${f//\//-}"
done
if [ $# -ge 5 ]; then
  mkdir -p "$out/tweetsumm"
  show "$4" tweet_sum_data_files/final_train_tweetsum.jsonl > "$out/tweetsumm/annotations.jsonl"
  show "$5" data/twitter.json > "$out/tweetsumm/dialogues.json"
fi
echo "copied into $out"
