#!/bin/sh
# quire model info / tokenize on the shared models (exit 77 when absent).
# usage: test_model_cli.sh QUIRE_EXE
set -u
Q="$1"
M="${QUIRE_SHARED:-}/testdata/llm"
[ -n "${QUIRE_SHARED:-}" ] && [ -f "$M/models/stories260K.gguf" ] || { echo "SKIP: no shared models" >&2; exit 77; }
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then echo "FAIL $1: expected '$2', got '$3'" >&2; fail=1; else echo "ok   $1" >&2; fi
}
contains() { # name needle haystack
    case "$3" in *"$2"*) echo "ok   $1" >&2 ;; *) echo "FAIL $1: '$2' not in output" >&2; fail=1 ;; esac
}
out=$("$Q" model info "$M/models/stories260K.gguf")
contains "info params" "(292800)" "$out"
contains "info quant" "F32:48" "$out"
contains "info ctx" "context       2048" "$out"
contains "info tokenizer" "spm, 512 tokens" "$out"
out=$("$Q" model info "$M/models/rand-llama-q4_k_m.gguf" --json)
contains "json quant Q6_K" '"Q6_K":	3' "$out"
contains "json arch" '"architecture":	"llama"' "$out"
out=$("$Q" model info "$M/vocab/ggml-vocab-phi-3.gguf")
contains "chat template" "chat template phi3" "$out"
check "tokenize" "1 403 407 261 378" "$("$Q" model tokenize "$M/models/stories260K.gguf" "Once upon a time")"
check "tokenize --no-bos" "403 407 261 378" "$("$Q" model tokenize "$M/models/stories260K.gguf" --no-bos Once upon a time)"
check "tokenize stdin" "1 403 407 261 378" "$(printf 'Once upon a time' | "$Q" model tokenize "$M/models/stories260K.gguf" -)"
out=$("$Q" model tokenize --json "$M/models/stories260K.gguf" "Once")
contains "tokenize --json" '{"id":1,"piece":"<s>","piece_hex":"3c733e"}' "$out"
"$Q" model info /nonexistent.gguf 2>/dev/null; check "missing file exit" 1 $?
"$Q" model info "$M/README.md" >/dev/null 2>&1; check "not gguf exit" 1 $?
"$Q" model frobnicate x >/dev/null 2>&1; check "bad subcommand exit" 2 $?
exit $fail
