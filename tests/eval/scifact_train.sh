#!/bin/sh
# BEIR SciFact, train split: quire's default retrieval must beat SQLite FTS5
# with the porter tokenizer and default bm25() (the baseline) on nDCG@10.
# Usage: scifact_train.sh QUIRE_BINARY   (QUIRE_SHARED points to ../shared)
set -eu
quire=$1
data=${QUIRE_SHARED:-../shared}/eval/scifact
if [ ! -r "$data/corpus.jsonl" ] || [ ! -r "$data/queries-train.jsonl" ] || [ ! -r "$data/qrels/train.tsv" ]; then
    echo "SKIP: SciFact not found under $data" >&2
    exit 77
fi
dir=$(mktemp -d /tmp/quire-scifact-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$quire" --db "$dir/n.db" add -q --jsonl "$data/corpus.jsonl"
ev() {
    "$quire" --db "$dir/n.db" eval retrieval --queries "$data/queries-train.jsonl" --qrels "$data/qrels/train.tsv" "$@"
}
ev --system porter > "$dir/porter.txt"
ev > "$dir/quire.txt"
cat "$dir/porter.txt" "$dir/quire.txt"
base=$(awk '/^nDCG@10/{print $2}' "$dir/porter.txt")
ours=$(awk '/^nDCG@10/{print $2}' "$dir/quire.txt")
queries=$(awk '/^queries/{print $2}' "$dir/quire.txt")
[ "$queries" = 809 ] || { echo "FAIL: expected 809 evaluated queries, got $queries" >&2; exit 1; }
awk -v a="$ours" -v b="$base" 'BEGIN { exit !(a >= b && b > 0.6) }' || {
    echo "FAIL: quire nDCG@10 $ours < baseline $base" >&2
    exit 1
}
echo "ok: quire nDCG@10 $ours >= porter baseline $base"
