/* Retrieval: BM25 candidates from FTS5, then re-scoring and caps. */
#include "quire/retrieve.h"
#include "retrieve/prf.h"

#include <stdlib.h>
#include <string.h>

void quire_retrieve_opts_default(quire_retrieve_opts *opts)
{
    opts->k = 8;
    opts->per_doc_cap = 3;
    opts->references_weight = 0.5;
    opts->weights = (quire_fts_weights){1.0, 2.0, 1.5};
    quire_query_opts_default(&opts->query);
    opts->fts5_bm25 = false;
    opts->bm25 = (quire_bm25_params){1.2, 0.75, 0.2, NULL, NULL};
    opts->prf = false;
    opts->prf_docs = 10;
    opts->prf_terms = 10;
    opts->prf_lambda = 0.5;
}

static int by_score_desc(const void *a, const void *b)
{
    const quire_hit *x = a, *y = b;
    if (x->score > y->score) return -1;
    if (x->score < y->score) return 1;
    return x->chunk_id < y->chunk_id ? -1 : x->chunk_id > y->chunk_id;
}

static quire_status index_df(void *ctx, const char *s, int64_t *df, int64_t *nrows)
{
    return quire_index_query_df(ctx, s, df, nrows);
}

/* RM3: re-run the question with the relevance model's words of the first
 * pass added, weighted so that the question keeps weight lambda:
 *   weight(question word) = 1 (+ its expansion weight if selected)
 *   weight(expansion w)   = (1 - lambda) / lambda * |q| * P(w|R)
 * (the RM3 mixture lambda P(w|Q) + (1 - lambda) P(w|R), scaled by |q|/lambda).
 * On success *cand is replaced by the second pass. */
static quire_status feedback(quire_index *idx, const char *question, const quire_retrieve_opts *opts, int pool,
                             quire_hit **cand, size_t *nc)
{
    char **words = NULL;
    double *prob = NULL;
    size_t nw = 0;
    quire_status rc = prf_terms(*cand, *nc, opts->prf_docs, opts->prf_terms, &words, &prob, &nw);
    if (rc || nw == 0) {
        free(prob);
        free(words);
        return rc;
    }
    /* |q|: the question's distinct content words, as the query builder sees them */
    char **qterms = NULL;
    size_t nq = 0;
    rc = quire_query_terms(question, strlen(question), 64, &qterms, &nq);
    quire_terms_free(qterms, nq);
    double lambda = opts->prf_lambda > 0.05 ? (opts->prf_lambda < 1 ? opts->prf_lambda : 1) : 0.05;
    for (size_t i = 0; i < nw; i++) prob[i] *= (1 - lambda) / lambda * (double)(nq ? nq : 1);
    quire_query_opts qo = opts->query;
    if (!qo.df) {
        qo.df = index_df;
        qo.df_ctx = idx;
    }
    qo.extra = (const char *const *)words;
    qo.extra_weight = prob;
    qo.nextra = nw;
    char *match = NULL, *weights = NULL, *dfs = NULL;
    if (!rc) rc = quire_query_build_weighted(question, strlen(question), &qo, &match, &weights, &dfs);
    if (!rc && match) {
        quire_bm25_params p = opts->bm25;
        p.phrase_weights = weights;
        p.phrase_df = dfs;
        quire_hit *second = NULL;
        size_t n2 = 0;
        rc = quire_index_search_bm25f(idx, match, &opts->weights, &p, pool, &second, &n2);
        if (!rc) {
            quire_hits_free(*cand, *nc);
            *cand = second;
            *nc = n2;
        }
    }
    free(match);
    free(weights);
    free(dfs);
    for (size_t i = 0; i < nw; i++) free(words[i]);
    free(words);
    free(prob);
    return rc;
}

quire_status quire_retrieve(quire_index *idx, const char *question, const quire_retrieve_opts *opts,
                            quire_hit **hits, size_t *n, quire_error *err)
{
    quire_retrieve_opts defaults;
    if (!opts) {
        quire_retrieve_opts_default(&defaults);
        opts = &defaults;
    }
    *hits = NULL;
    *n = 0;
    char *match = NULL, *weights = NULL, *dfs = NULL;
    quire_query_opts qo = opts->query;
    if (!opts->fts5_bm25 && !qo.df) {
        qo.df = index_df;
        qo.df_ctx = idx;
    }
    quire_status rc = quire_query_build_weighted(question, strlen(question), &qo, &match, &weights, &dfs);
    if (rc) return quire_error_set(err, rc, "cannot build query: %s",
                                   rc == QUIRE_ERR_DB ? quire_index_errmsg(idx) : quire_strerror(rc));
    if (!match) return QUIRE_OK;
    quire_bm25_params bp = opts->bm25;
    bp.phrase_weights = weights;
    bp.phrase_df = dfs;

    int want = opts->k > 0 ? opts->k : 8;
    int pool = want * 5 < 50 ? 50 : want * 5;
    quire_hit *cand = NULL;
    size_t nc = 0;
    if (opts->fts5_bm25) rc = quire_index_search_fts(idx, match, &opts->weights, pool, &cand, &nc);
    else rc = quire_index_search_bm25f(idx, match, &opts->weights, &bp, pool, &cand, &nc);
    /* A gated first pass (large notebook) is made exact: the score of its
     * pool-th passage bounds what the common words could add (MaxScore). */
    if (!rc && match[0] == '(' && qo.gate_theta <= 0) {
        /* theta: the score of the 2k-th passage (room for caps and weights) */
        size_t need = (size_t)want * 2 < (size_t)pool ? (size_t)want * 2 : (size_t)pool;
        qo.gate_theta = nc >= need && cand[need - 1].score > 0 ? cand[need - 1].score : 1e-9;
        qo.gate_k1 = opts->bm25.k1;
        char *m2 = NULL, *w2 = NULL, *d2 = NULL;
        rc = quire_query_build_weighted(question, strlen(question), &qo, &m2, &w2, &d2);
        if (!rc && m2 && strcmp(m2, match) != 0) {
            quire_bm25_params bp2 = opts->bm25;
            bp2.phrase_weights = w2;
            bp2.phrase_df = d2;
            quire_hit *c2 = NULL;
            size_t n2 = 0;
            rc = quire_index_search_bm25f(idx, m2, &opts->weights, &bp2, pool, &c2, &n2);
            if (!rc) {
                quire_hits_free(cand, nc);
                cand = c2;
                nc = n2;
            }
        }
        free(m2);
        free(w2);
        free(d2);
    }
    free(match);
    free(weights);
    free(dfs);
    if (rc) {
        quire_hits_free(cand, nc);
        return quire_error_set(err, rc, "%s", quire_index_errmsg(idx));
    }
    if (opts->prf && !opts->fts5_bm25 && nc > 0) {
        rc = feedback(idx, question, opts, pool, &cand, &nc);
        if (rc) return quire_error_set(err, rc, "%s", rc == QUIRE_ERR_NOMEM ? "out of memory" : quire_index_errmsg(idx));
    }

    for (size_t i = 0; i < nc; i++)
        if (cand[i].flags & QUIRE_SEG_REFERENCES) cand[i].score *= opts->references_weight;
    qsort(cand, nc, sizeof *cand, by_score_desc);

    /* Keep the best `want`, at most per_doc_cap per document. */
    size_t kept = 0;
    for (size_t i = 0; i < nc; i++) {
        bool keep = kept < (size_t)want;
        if (keep && opts->per_doc_cap > 0) {
            int same = 0;
            for (size_t j = 0; j < kept; j++)
                if (!strcmp(cand[j].doc_key, cand[i].doc_key)) same++;
            keep = same < opts->per_doc_cap;
        }
        if (keep) {
            if (kept != i) {
                quire_hit tmp = cand[kept];
                cand[kept] = cand[i];
                cand[i] = tmp;
            }
            kept++;
        }
    }
    for (size_t i = kept; i < nc; i++) quire_hit_clear(&cand[i]);
    *hits = cand;
    *n = kept;
    return QUIRE_OK;
}
