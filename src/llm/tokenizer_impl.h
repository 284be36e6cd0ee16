/* Tokenizer internals shared by tokenizer.c (loading, special tokens,
 * detokenizing) and tokenizer_models.c (the SPM, BPE and WPM algorithms). */
#ifndef QUIRE_LLM_TOKENIZER_IMPL_H
#define QUIRE_LLM_TOKENIZER_IMPL_H

#include "llm/pretok.h"
#include "quire/tokenizer.h"

typedef struct tok_entry {
    size_t off;     /* text in arena */
    uint32_t len;
    uint32_t attr;  /* QUIRE_TOKEN_ATTR_* */
    float score;
} tok_entry;

/* Growable token list with a cap. */
typedef struct tok_vec {
    quire_token *v;
    size_t n, cap;
    bool oom;          /* stop: an error happened */
    quire_status st;   /* its code when not NOMEM */
} tok_vec;

struct quire_tokenizer {
    quire_tokenizer_kind kind;
    char *pre_name;
    pretok *pre;

    size_t n_tokens;
    tok_entry *tok;
    char *arena;          /* all token texts */
    uint32_t *tok_hash;   /* text -> id + 1 */
    size_t tok_hash_mask;
    size_t max_token_len;

    size_t n_merges;
    size_t *merge_off;    /* "left right" strings in merge_arena */
    uint32_t *merge_len;
    char *merge_arena;
    uint32_t *merge_hash; /* string -> rank + 1 (first occurrence) */
    size_t merge_hash_mask;

    quire_token special[QUIRE_SPECIAL_COUNT];
    bool add_bos, add_eos, add_sep;
    bool add_space_prefix, clean_spaces, ignore_merges;
    bool lowercase, strip_accents;

    /* unigram ("t5") */
    unsigned char *ugm_flags;   /* per id: 1 = a piece Viterbi may use, 2 = user-defined (at load) */
    size_t ugm_max_user_len;
    double ugm_unk_score;       /* lowest normal score - 10 */
    bool ugm_remove_extra_ws;
    unsigned char *ugm_charsmap; /* copy of tokenizer.ggml.precompiled_charsmap (or NULL) */
    size_t ugm_charsmap_len, ugm_xcda_n;

    quire_token *special_cache; /* control/user-defined/unknown ids, longest text first */
    size_t n_special_cache;
    unsigned char *eog;         /* per id */
};

uint64_t tok_hash_bytes(const char *s, size_t n);
quire_token tok_lookup(const quire_tokenizer *t, const char *s, size_t n);
/* Rank of merging left and right, or -1. */
long tok_merge_rank(const quire_tokenizer *t, const char *l, size_t ln, const char *r, size_t rn);

void tok_push(tok_vec *o, quire_token id);

/* Model algorithms over one raw-text fragment; append to out. */
void tok_spm(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out);
void tok_bpe(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out);
void tok_wpm(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out);
void tok_ugm(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out);

#endif
