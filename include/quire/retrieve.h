/* quire — retrieval: from a user's question to ranked passages.
 *
 *   quire_query_build()   any user text -> a safe FTS5 MATCH expression
 *                         (terms quoted and ORed; no syntax can be injected)
 *   quire_retrieve()      question -> best chunks (BM25 over FTS5, then
 *                         per-document caps and reference down-weighting)
 *   quire_query_terms()   the content words of a text, folded (lower case,
 *                         no accents), for answer-side term matching
 */
#ifndef QUIRE_RETRIEVE_H
#define QUIRE_RETRIEVE_H

#include "quire/error.h"
#include "quire/index.h"
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Build an FTS5 MATCH expression from arbitrary user text (any bytes; invalid
 * UTF-8 is tolerated). *out is malloc'ed (caller frees), or NULL when the
 * text has no searchable word (then nothing can match). Stopwords are
 * dropped unless the query has nothing else. */
quire_status quire_query_build(const char *text, size_t len, char **out);

typedef struct quire_query_opts {
    bool bigrams;        /* add adjacent word pairs as phrases (default true; their
                            weight is quire_bm25_params.phrase_weight) */
    double exact_weight; /* > 0: also match each word's exact form (case and
                            accents aside) with this phrase weight */
    bool plain;          /* bare folded words only, no language directive: for
                            FTS5 tables with other tokenizers (eval baseline) */
    size_t max_terms;    /* at most this many words (default 64) */
    const char *langs;   /* stemming languages "xx[,yy]" (borrowed), NULL = detect */
    const char *const *extra;    /* extra folded words ORed in (e.g. feedback terms), borrowed */
    const double *extra_weight;  /* their weights (> 0) for quire_bm25() */
    size_t nextra;
    /* Query planning on large notebooks (NULL: none). df(df_ctx, s, &df,
     * &nrows) gives the chunks holding the tokens of MATCH string s and
     * (when nrows is not NULL) the chunks of the notebook, e.g.
     * quire_index_query_df(). With it, the document counts are passed to
     * quire_bm25() and, when the notebook has gate_min_rows chunks or more
     * (default 20,000), only the rarest words up to gate_budget chunks
     * together (default max(2,000, chunks/50)) select candidates; the other
     * words score them: (rare words) AND (all words). */
    quire_status (*df)(void *df_ctx, const char *fts_string, int64_t *df, int64_t *nrows);
    void *df_ctx;
    int64_t gate_min_rows, gate_budget;
    /* With gate_theta > 0 the gate is exact instead (MaxScore): the most
     * common words whose score bounds idf * weight * (gate_k1 + 1) sum below
     * gate_theta only score. quire_retrieve() runs the budget gate, takes
     * the score of its last needed passage as theta and re-plans. A gated
     * expression starts with '('. */
    double gate_theta, gate_k1;
} quire_query_opts;

void quire_query_opts_default(quire_query_opts *o);
/* quire_query_build() with options (NULL = defaults). */
quire_status quire_query_build_ex(const char *text, size_t len, const quire_query_opts *o, char **out);
/* Same, and *weights (caller frees) receives the per-phrase weights of the
 * expression for quire_bm25_params.phrase_weights: 1 (plus any matching
 * extra weight) for question words, -1 (default) for word pairs, the extra
 * weight for extra words; *dfs (when not NULL; caller frees) the document
 * count of each phrase for quire_bm25_params.phrase_df (-1 when unknown). */
quire_status quire_query_build_weighted(const char *text, size_t len, const quire_query_opts *o, char **out,
                                        char **weights, char **dfs);

/* The distinct content words of text, lower-cased with accents removed, in
 * order of first appearance; stopwords dropped. *terms is a malloc'ed array
 * of malloc'ed strings (free with quire_terms_free()). At most max terms. */
quire_status quire_query_terms(const char *text, size_t len, size_t max, char ***terms, size_t *n);
void quire_terms_free(char **terms, size_t n);

/* Fold one word: lower case, accents removed (NFKD then drop marks). Caller frees. */
char *quire_fold_word(const char *word, size_t len);

/* True for a stopword (folded form) in English or French. */
int quire_is_stopword(const char *folded);

typedef struct quire_retrieve_opts {
    int k;                      /* passages to return (default 8) */
    int per_doc_cap;            /* at most this many passages per document (default 3; 0 = no cap) */
    double references_weight;   /* score multiplier for bibliography chunks (default 0.5) */
    quire_fts_weights weights;  /* BM25 column weights (default text 1, title 2, section 1.5) */
    quire_query_opts query;     /* how the question becomes a MATCH expression */
    bool fts5_bm25;             /* rank with FTS5's bm25() instead of quire_bm25() */
    quire_bm25_params bm25;     /* quire_bm25() parameters */
    bool prf;                   /* RM3 pseudo-relevance feedback (second pass) */
    int prf_docs;               /* feedback passages (default 10) */
    int prf_terms;              /* expansion words (default 10) */
    double prf_lambda;          /* weight of the original question, 0..1 (default 0.5) */
} quire_retrieve_opts;

void quire_retrieve_opts_default(quire_retrieve_opts *opts);

/* Retrieve the best passages for question. *hits is a new array of *n hits,
 * best first (free with quire_hits_free()); empty when nothing matches.
 * opts may be NULL for defaults. */
quire_status quire_retrieve(quire_index *idx, const char *question, const quire_retrieve_opts *opts,
                            quire_hit **hits, size_t *n, quire_error *err);

#ifdef __cplusplus
}
#endif
#endif
