/* Byte-level BPE pre-tokenizers (module-internal).
 *
 * A pre-tokenizer splits text into words before BPE merges. llama.cpp keys it
 * on the GGUF string tokenizer.ggml.pre and describes each as a list of
 * regular expressions applied in turn: each expression splits every current
 * fragment into its matches and the gaps between them. This file carries
 * those lists, a small backtracking matcher for the ECMAScript subset they
 * use (classes with \p{..} categories, ?, *, +, {n,m}, (?:..), (?=..),
 * (?!..), $), and the two hand-written splitters llama.cpp uses for the
 * GPT-2 and Llama-3 expressions.
 */
#ifndef QUIRE_LLM_PRETOK_H
#define QUIRE_LLM_PRETOK_H

#include "quire/error.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pretok pretok;

/* Per-name vocabulary settings that llama.cpp ties to the pre-tokenizer. */
typedef struct pretok_info {
    bool clean_spaces;   /* detokenizer's " ," " 's" clean-up */
    bool ignore_merges;  /* a whole word that is a token is taken as is */
    int add_bos;         /* -1 keep default, else forced value */
    int add_sep;         /* -1 keep default, else forced value */
    bool no_bos_token;   /* the BOS id is cleared */
} pretok_info;

/* Compile the pre-tokenizer called name ("" or NULL = "default").
 * QUIRE_ERR_UNSUPPORTED for names quire does not know. Caller frees with
 * pretok_free(). */
quire_status pretok_new(const char *name, size_t name_len, pretok **out, pretok_info *info,
                        quire_error *err);
void pretok_free(pretok *p);

/* Split cps[0..n) into words. *lens receives the word lengths in code
 * points (malloc'd, caller frees), *n_words their count. Returns
 * QUIRE_ERR_TOO_BIG when the expressions backtrack beyond a budget linear in
 * n (pathological text), QUIRE_ERR_NOMEM on allocation failure. */
quire_status pretok_split(const pretok *p, const uint32_t *cps, size_t n, size_t **lens,
                          size_t *n_words);

#endif
