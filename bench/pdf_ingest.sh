#!/bin/bash
# PDF ingest speed and memory: quire's extraction (bench/pdf_extract, both
# cores: documents in parallel) against pdftotext over the same PDFs, in the
# same run. Prints each time (best of 3), the ratio quire / pdftotext
# (target <= 1.3) and quire's peak memory (target < 300 MB).
#
#   bench/pdf_ingest.sh [BUILD_DIR] [PDF_DIR]
#
# Defaults: ./build and ../shared/eval/papers. Exits 77 when the PDFs or
# pdftotext are missing.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DIR=${2:-../shared/eval/papers}
EXE=$BUILD/bench/pdf_extract
JOBS=${JOBS:-2}
if [ ! -d "$DIR" ]; then echo "pdf_ingest: $DIR is absent" >&2; exit 77; fi
if ! command -v pdftotext >/dev/null 2>&1; then echo "pdf_ingest: pdftotext not installed" >&2; exit 77; fi
if [ ! -x "$EXE" ]; then echo "pdf_ingest: build $EXE first (ninja -C $BUILD)" >&2; exit 1; fi

LIST=$(mktemp)
OUT=$(mktemp)
trap 'rm -f "$LIST" "$OUT"; rm -rf "${DB:-}"' EXIT
find "$DIR" -maxdepth 1 -name '*.pdf' | sort > "$LIST"
N=$(wc -l < "$LIST")
PAGES=0
while IFS= read -r f; do
    p=$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Pages: *//p')
    PAGES=$((PAGES + ${p:-0}))
done < "$LIST"

# Wall time and CPU time (user+sys, children included) of one command, in ms.
TIMEFORMAT='%R %U %S'
measure() {
    local t
    t=$( { time "$@" > "$OUT.cmd" 2>/dev/null; } 2>&1 )
    awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}
seq_pdftotext() { while IFS= read -r f; do pdftotext -q "$f" /dev/null; done < "$LIST"; }
par_pdftotext() { tr '\n' '\0' < "$LIST" | xargs -0 -n 1 -P "$JOBS" sh -c 'pdftotext -q "$0" /dev/null'; }
QUIRE=$BUILD/src/cli/quire
DB=$(mktemp -d)
run_add() { rm -f "$DB"/n.db*; "$QUIRE" --db "$DB/n.db" add -j "$JOBS" "$DIR"; }
run_quire() { tr '\n' '\0' < "$LIST" | xargs -0 "$EXE" -j "$JOBS"; }

min() { if [ "$1" = 0 ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }
sw=0 sc=0 pw=0 pc=0 qw=0 qc=0 aw=0 ac=0 peak=0
for run in 1 2 3; do
    read -r w c < <(measure seq_pdftotext); sw=$(min $sw $w); sc=$(min $sc $c)
    read -r w c < <(measure par_pdftotext); pw=$(min $pw $w); pc=$(min $pc $c)
    read -r w c < <(measure run_quire); qw=$(min $qw $w); qc=$(min $qc $c)
    cp "$OUT.cmd" "$OUT"
    if [ -x "$QUIRE" ]; then read -r w c < <(measure run_add); aw=$(min $aw $w); ac=$(min $ac $c); fi
    kb=$(sed -n 's/.*peak_rss_kb \([0-9]*\).*/\1/p' "$OUT")
    if [ "${kb:-0}" -gt "$peak" ]; then peak=$kb; fi
done
rm -f "$OUT.cmd"
echo "pdf_ingest: $N PDFs, $PAGES pages ($DIR), best of 3 runs; wall ms / CPU ms"
echo "  pdftotext, one file at a time  : $sw / $sc"
echo "  pdftotext, $JOBS processes       : $pw / $pc"
echo "  quire pdf_extract -j $JOBS      : $qw / $qc   ($(sed 's/ peak_rss_kb.*//' "$OUT"))"
if [ -x "$QUIRE" ]; then
    echo "  quire add -j $JOBS (+ chunk, index)  : $aw / $ac"
    if [ -x /usr/bin/time ]; then
        rm -f "$DB"/n.db*
        add_kb=$(/usr/bin/time -f '%M' "$QUIRE" --db "$DB/n.db" add -j "$JOBS" "$DIR" 2>&1 >/dev/null | tail -1)
        echo "  quire add peak memory        : $((add_kb / 1024)) MB"
    fi
fi
awk -v aw="$aw" -v qw="$qw" -v qc="$qc" -v sw="$sw" -v sc="$sc" -v pw="$pw" -v kb="$peak" -v j="$JOBS" 'BEGIN {
    printf "  wall ratio quire / pdftotext             : %.2fx (target <= 1.3x)\n", qw / sw
    printf "  wall ratio quire / pdftotext on %d cores  : %.2fx\n", j, qw / pw
    printf "  CPU ratio quire / pdftotext              : %.2fx\n", qc / sc
    if (aw > 0) printf "  wall ratio quire add / pdftotext         : %.2fx\n", aw / sw
    printf "  quire peak memory                        : %.1f MB (target < 300 MB)\n", kb / 1024
}'
