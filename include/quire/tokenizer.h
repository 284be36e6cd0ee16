/* quire — tokenizers of GGUF models, exact to llama.cpp.
 *
 * A tokenizer is built from a GGUF file's tokenizer.ggml.* metadata:
 *   model "llama" : SentencePiece (BPE by piece scores, byte fallback <0xXX>)
 *   model "gpt2"  : byte-level BPE with merges; the pre-tokenizer named by
 *                   tokenizer.ggml.pre splits words first
 *   model "bert"  : WordPiece (lower-case, strip accents, punctuation split)
 *   model "t5"    : Unigram (precompiled charsmap normalization, Viterbi)
 * Special/control tokens found in the text are matched before the model runs
 * (longest first), as llama_tokenize does.
 *
 * Ownership: the tokenizer copies what it needs; the quire_gguf may be closed
 * after quire_tokenizer_load(). A loaded tokenizer is immutable: encode and
 * decode may run concurrently from several threads.
 */
#ifndef QUIRE_TOKENIZER_H
#define QUIRE_TOKENIZER_H

#include "quire/error.h"
#include "quire/gguf.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t quire_token;
#define QUIRE_TOKEN_NULL (-1)

typedef struct quire_tokenizer quire_tokenizer;

typedef enum quire_tokenizer_kind {
    QUIRE_TOKENIZER_SPM = 1,  /* SentencePiece ("llama") */
    QUIRE_TOKENIZER_BPE = 2,  /* byte-level BPE ("gpt2") */
    QUIRE_TOKENIZER_WPM = 3,  /* WordPiece ("bert") */
    QUIRE_TOKENIZER_UGM = 4,  /* Unigram SentencePiece ("t5": T5, XLM-R) */
} quire_tokenizer_kind;

/* Token attributes (llama.cpp's llama_token_attr bits). */
enum {
    QUIRE_TOKEN_ATTR_UNKNOWN = 1 << 0,
    QUIRE_TOKEN_ATTR_UNUSED = 1 << 1,
    QUIRE_TOKEN_ATTR_NORMAL = 1 << 2,
    QUIRE_TOKEN_ATTR_CONTROL = 1 << 3,
    QUIRE_TOKEN_ATTR_USER_DEFINED = 1 << 4,
    QUIRE_TOKEN_ATTR_BYTE = 1 << 5,
    QUIRE_TOKEN_ATTR_LSTRIP = 1 << 7,
    QUIRE_TOKEN_ATTR_RSTRIP = 1 << 8,
};

/* Flags of quire_tokenizer_encode. */
enum {
    QUIRE_TOKENIZE_ADD_SPECIAL = 1 << 0,   /* BOS/EOS (or [CLS]/[SEP]) as the model asks */
    QUIRE_TOKENIZE_PARSE_SPECIAL = 1 << 1, /* control tokens in the text become tokens */
};

/* Flags of quire_tokenizer_decode. */
enum {
    QUIRE_DETOKENIZE_REMOVE_SPECIAL = 1 << 0,  /* drop the leading BOS / trailing EOS */
    QUIRE_DETOKENIZE_UNPARSE_SPECIAL = 1 << 1, /* render control tokens as their text */
};

/* Special token roles for quire_tokenizer_special(). */
typedef enum quire_special {
    QUIRE_SPECIAL_BOS, QUIRE_SPECIAL_EOS, QUIRE_SPECIAL_EOT, QUIRE_SPECIAL_EOM,
    QUIRE_SPECIAL_UNK, QUIRE_SPECIAL_SEP, QUIRE_SPECIAL_PAD, QUIRE_SPECIAL_MASK,
    QUIRE_SPECIAL_NL, QUIRE_SPECIAL_FIM_PRE, QUIRE_SPECIAL_FIM_SUF, QUIRE_SPECIAL_FIM_MID,
    QUIRE_SPECIAL_FIM_PAD, QUIRE_SPECIAL_FIM_REP, QUIRE_SPECIAL_FIM_SEP,
    QUIRE_SPECIAL_COUNT
} quire_special;

/* Largest text quire_tokenizer_encode accepts (bytes). */
#define QUIRE_TOKENIZER_MAX_TEXT ((size_t)64 << 20)

/* Build the tokenizer of g. QUIRE_ERR_UNSUPPORTED for tokenizer models or
 * pre-tokenizers quire does not implement, QUIRE_ERR_FORMAT for missing or
 * mistyped keys, QUIRE_ERR_DUPLICATE for a token listed twice.
 * Caller frees *out with quire_tokenizer_free(). */
quire_status quire_tokenizer_load(const quire_gguf *g, quire_tokenizer **out, quire_error *err);

/* NULL accepted. */
void quire_tokenizer_free(quire_tokenizer *t);

/* Tokenize text[0..len) (any bytes; invalid UTF-8 is handled as llama.cpp
 * does). *ids is malloc'd (caller frees; may be NULL when *n_ids is 0). */
quire_status quire_tokenizer_encode(const quire_tokenizer *t, const char *text, size_t len,
                                    unsigned flags, quire_token **ids, size_t *n_ids,
                                    quire_error *err);

/* Bytes of one token (llama_token_to_piece): writes up to cap bytes to buf
 * and returns the full length (call again with a larger buffer when it is
 * > cap). special: render control/unknown tokens as their text; lstrip:
 * drop up to this many leading spaces. Unknown ids give 0. */
size_t quire_tokenizer_piece(const quire_tokenizer *t, quire_token id, bool special, int lstrip,
                             char *buf, size_t cap);

/* Text of ids (llama_detokenize). *out is malloc'd and NUL-terminated
 * (caller frees); *len excludes the NUL. */
quire_status quire_tokenizer_decode(const quire_tokenizer *t, const quire_token *ids, size_t n,
                                    unsigned flags, char **out, size_t *len, quire_error *err);

quire_tokenizer_kind quire_tokenizer_get_kind(const quire_tokenizer *t);
/* "spm", "bpe", "wpm" or "ugm". */
const char *quire_tokenizer_kind_name(quire_tokenizer_kind kind);
/* tokenizer.ggml.pre as given ("" when absent). */
const char *quire_tokenizer_pre(const quire_tokenizer *t);
size_t quire_tokenizer_n_tokens(const quire_tokenizer *t);
/* Id of a special role, or QUIRE_TOKEN_NULL. */
quire_token quire_tokenizer_special(const quire_tokenizer *t, quire_special role);
bool quire_tokenizer_add_bos(const quire_tokenizer *t);
bool quire_tokenizer_add_eos(const quire_tokenizer *t);
/* End-of-generation token (EOS, EOT, <|im_end|>, ...). */
bool quire_tokenizer_is_eog(const quire_tokenizer *t, quire_token id);
/* Raw vocabulary text of id (not NUL-terminated) or NULL. */
const char *quire_tokenizer_token_text(const quire_tokenizer *t, quire_token id, size_t *len);
unsigned quire_tokenizer_token_attr(const quire_tokenizer *t, quire_token id);
/* Id of an exact vocabulary text, or QUIRE_TOKEN_NULL. */
quire_token quire_tokenizer_find(const quire_tokenizer *t, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
