/* quire — rank fusion and diversity selection.
 *
 * Fusion merges any number of ranked lists of (id, score) — BM25 today,
 * dense retrieval later — without knowing where they come from:
 *  - reciprocal rank fusion (Cormack et al. 2009):
 *        fused(d) = sum over lists i containing d of  w_i / (k + rank_i(d))
 *    rank 1-based, in list order (lists are given best first);
 *  - score fusion: each list's scores min-max normalised to [0,1]
 *    (all-equal scores become 1), then fused(d) = sum w_i * norm_i(d).
 * Scores must be "higher is better" (negate FTS5's bm25()). The output is
 * sorted by fused score descending, ties by id ascending, and holds each id
 * once. An id repeated inside one list counts at its first (best) position.
 *
 * MMR (Carbonell & Goldstein 1998) picks passages one at a time maximising
 *     lambda * rel(i) - (1 - lambda) * max_{j selected} sim(i, j)
 * with rel min-max normalised to [0,1]; candidates whose similarity to a
 * selected passage reaches dup_threshold are never picked (near-copies), and
 * at most per_doc_cap passages come from one document.
 *
 * All functions are reentrant; nothing is global.
 */
#ifndef QUIRE_FUSION_H
#define QUIRE_FUSION_H

#include "quire/error.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quire_ranked {
    int64_t id;       /* chunk (or document) id */
    double score;     /* higher is better */
} quire_ranked;

typedef struct quire_ranklist {
    const quire_ranked *items;  /* borrowed; best first */
    size_t n;
    double weight;              /* 0 is taken as 1 */
} quire_ranklist;

/* Most entries accepted over all lists of one fusion call. */
#define QUIRE_FUSION_MAX_ITEMS (1u << 22)

/* Reciprocal rank fusion with constant k (60 is customary; <= 0 means 60).
 * On success *out (caller frees with free()) holds *nout fused entries.
 * Errors: QUIRE_ERR_INVALID (NULL arguments), QUIRE_ERR_TOO_BIG, QUIRE_ERR_NOMEM. */
quire_status quire_fusion_rrf(const quire_ranklist *lists, size_t nlists, double k,
                              quire_ranked **out, size_t *nout);

/* Min-max score fusion; same contract as quire_fusion_rrf. */
quire_status quire_fusion_norm(const quire_ranklist *lists, size_t nlists,
                               quire_ranked **out, size_t *nout);

/* Similarity of candidates a and b (indexes into the candidate arrays), in
 * [0,1]. ctx is the caller's. */
typedef double (*quire_sim_fn)(size_t a, size_t b, void *ctx);

typedef struct quire_mmr_opts {
    double lambda;          /* relevance vs novelty, 0..1 (0.7 is a good start) */
    size_t k;               /* how many to select */
    size_t per_doc_cap;     /* max passages per document, 0 = no cap */
    double dup_threshold;   /* sim >= this to a selected one: skipped; > 1 disables */
} quire_mmr_opts;

/* Select up to o->k of n candidates (relevance[i], doc[i]; doc may be NULL
 * when there is no per-document cap) into out_idx (room for o->k indexes),
 * in selection order; *nout receives the count. Candidates may be in any
 * order. Costs O(k * n) calls to sim. */
quire_status quire_mmr_select(const double *relevance, const int64_t *doc, size_t n,
                              quire_sim_fn sim, void *ctx, const quire_mmr_opts *o,
                              size_t *out_idx, size_t *nout);

/* A set of hashed folded words of a text (stopwords of any language
 * dropped), for Jaccard similarity between passages. */
typedef struct quire_termset {
    uint32_t *h;   /* owned; sorted, unique */
    size_t n;
} quire_termset;

/* Build the set for text[0..len) (at most 4096 distinct words are kept).
 * Free with quire_termset_free(). */
quire_status quire_termset_build(const char *text, size_t len, quire_termset *out);
void quire_termset_free(quire_termset *s);
/* |a ∩ b| / |a ∪ b|; 0 when both are empty. */
double quire_termset_jaccard(const quire_termset *a, const quire_termset *b);

#ifdef __cplusplus
}
#endif
#endif
