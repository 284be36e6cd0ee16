/* The fast ranking paths against their plain references, on a generated
 * notebook of a few hundred chunks:
 *  - quire_bm25() with the handle's in-memory token counts (what
 *    quire_index_search_bm25f() runs) against quire_bm25() reading each
 *    row's counts from chunks_fts_docsize (a second connection registered
 *    without the table): same rows, same scores, also after the notebook
 *    changes under the handle;
 *  - quire_retrieve() with the rare-word gate forced on (candidates from
 *    the rare words, MaxScore bound on the common ones) against the
 *    un-gated query: same top-k passages and scores. */
#include "index/rank.h"
#include "index/tokenizer.h"
#include "quire/index.h"
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <unistd.h>

static const char *const vocab[] = {
    "protein", "cell", "cells", "patients", "cancer", "gene", "expression", "tumor", "mouse", "mice",
    "immune", "response", "risk", "disease", "blood", "levels", "increased", "reduced", "treatment",
    "therapy", "clinical", "trial", "infection", "virus", "bacteria", "brain", "neurons", "memory",
    "learning", "insulin", "glucose", "diabetes", "obesity", "weight", "diet", "exercise", "heart",
    "cardiac", "vascular", "stroke", "kidney", "liver", "lung", "bone", "muscle", "stem", "receptor",
    "signaling", "pathway", "mutation", "dna", "rna", "transcription", "chromatin", "enzyme",
    "metabolism", "mitochondria", "oxygen", "stress", "inflammation", "antibody", "vaccine", "dose",
    "mortality", "children", "women", "pregnancy", "birth", "age", "elderly", "survival", "screening",
    "imaging", "biomarker", "plasma", "serum", "tissue", "fibrosis", "apoptosis", "autophagy",
    "telomere", "microbiome", "malaria", "tuberculosis", "hiv", "influenza", "sepsis", "hypoxia",
    "vitamin", "calcium", "zinc", "iron", "folate", "statin", "aspirin", "placebo", "cohort",
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* a Zipf-like word: low indexes far more often */
static const char *word(uint32_t *s)
{
    uint32_t a = rnd(s) % NVOCAB, b = rnd(s) % NVOCAB;
    return vocab[a < b ? a : b];
}

static void write_records(FILE *f, int first, int count, uint32_t *seed)
{
    for (int r = first; r < first + count; r++) {
        fprintf(f, "{\"_id\": \"d%d\", \"title\": \"%s %s\", \"text\": \"", r, word(seed), word(seed));
        int len = 5 + (int)(rnd(seed) % 120);
        for (int i = 0; i < len; i++) fprintf(f, "%s%s", i ? " " : "", word(seed));
        fprintf(f, ".\"}\n");
    }
}

static quire_status df_fn(void *ctx, const char *s, int64_t *df, int64_t *nrows)
{
    return quire_index_query_df(ctx, s, df, nrows);
}

/* Fast kernel (through the handle) against the reference connection. */
static void compare_kernels(quire_index *idx, sqlite3 *ref, const char *question)
{
    quire_query_opts qo;
    quire_query_opts_default(&qo);
    qo.df = df_fn;
    qo.df_ctx = idx;
    char *match = NULL, *w = NULL, *d = NULL;
    CHECK_EQ_INT(quire_query_build_weighted(question, strlen(question), &qo, &match, &w, &d), QUIRE_OK);
    if (!match) {
        free(w);
        free(d);
        return;
    }
    quire_bm25_params p = {1.2, 0.75, 0.2, w, d};
    quire_fts_weights fw = {1.0, 2.0, 1.5};
    quire_hit *h = NULL;
    size_t n = 0;
    CHECK_EQ_INT(quire_index_search_bm25f(idx, match, &fw, &p, 40, &h, &n), QUIRE_OK);
    sqlite3_stmt *st = NULL;
    CHECK_EQ_INT(sqlite3_prepare_v2(ref,
                                    "SELECT rowid, quire_bm25(chunks_fts, 1.2, 0.75, 0.2, ?2, ?3, 1.0, 2.0, 1.5) AS s"
                                    " FROM chunks_fts WHERE chunks_fts MATCH ?1 ORDER BY s, rowid LIMIT 40",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w, -1, SQLITE_STATIC);
    /* the reference counts the word pairs itself (xQueryPhrase), where the
     * fast path was given the index's cached phrase counts */
    char dref[4096];
    size_t o = 0;
    const char *pw = w, *pd = d;
    while (pw && pd && *pd && o + 24 < sizeof dref) {
        char *ew, *ed;
        double wv = strtod(pw, &ew);
        long long dv = strtoll(pd, &ed, 10);
        if (ew == pw || ed == pd) break;
        o += (size_t)snprintf(dref + o, sizeof dref - o, "%s%lld", o ? "," : "", wv < 0 ? -1LL : dv);
        pw = *ew == ',' ? ew + 1 : ew;
        pd = *ed == ',' ? ed + 1 : ed;
    }
    dref[o] = '\0';
    sqlite3_bind_text(st, 3, dref, -1, SQLITE_STATIC);
    size_t i = 0;
    bool same = true;
    while (sqlite3_step(st) == SQLITE_ROW) {
        double s = -sqlite3_column_double(st, 1);
        if (i >= n) {
            same = false;
            break;
        }
        /* equal scores may come in either order: compare scores, and ids
         * where the score is unique in the reference */
        if (fabs(h[i].score - s) > 1e-9 * (1 + fabs(s))) same = false;
        i++;
    }
    if (i != n) same = false;
    if (!same) fprintf(stderr, "  kernels differ on \"%s\" (%zu vs %zu rows)\n", question, n, i);
    CHECK(same);
    CHECK(n > 0);
    sqlite3_finalize(st);
    quire_hits_free(h, n);
    free(match);
    free(w);
    free(d);
}

static void compare_gate(quire_index *idx, const char *question)
{
    quire_retrieve_opts fast, plain;
    quire_retrieve_opts_default(&fast);
    fast.k = 10;
    fast.per_doc_cap = 0;
    fast.query.bigrams = false; /* the gate pairs only selecting words */
    plain = fast;
    fast.query.gate_min_rows = 1;
    fast.query.gate_budget = 20;
    plain.query.gate_min_rows = INT64_MAX;
    quire_hit *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    quire_error err;
    CHECK_EQ_INT(quire_retrieve(idx, question, &fast, &a, &na, &err), QUIRE_OK);
    CHECK_EQ_INT(quire_retrieve(idx, question, &plain, &b, &nb, &err), QUIRE_OK);
    CHECK_EQ_INT(na, nb);
    bool same = na == nb;
    for (size_t i = 0; same && i < na; i++)
        same = a[i].chunk_id == b[i].chunk_id && fabs(a[i].score - b[i].score) <= 1e-9 * (1 + fabs(b[i].score));
    if (!same) fprintf(stderr, "  gated and plain top-10 differ on \"%s\"\n", question);
    CHECK(same);
    quire_hits_free(a, na);
    quire_hits_free(b, nb);
}

int main(void)
{
    char dir[] = "/tmp/quire-test-rank-XXXXXX";
    if (!mkdtemp(dir)) SKIP("cannot create a temporary folder");
    char jsonl[512], jsonl2[512], db[512];
    snprintf(jsonl, sizeof jsonl, "%s/a.jsonl", dir);
    snprintf(jsonl2, sizeof jsonl2, "%s/b.jsonl", dir);
    snprintf(db, sizeof db, "%s/n.db", dir);
    uint32_t seed = 12345;
    FILE *f = fopen(jsonl, "w");
    if (!f) SKIP("cannot write in the temporary folder");
    write_records(f, 0, 400, &seed);
    fclose(f);

    quire_index *idx = NULL;
    quire_error err;
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_CREATE, &idx, &err), QUIRE_OK);
    if (!idx) return test_summary();
    quire_add_opts ao;
    quire_add_opts_default(&ao);
    quire_add_summary sum;
    const char *paths[1] = {jsonl};
    CHECK_EQ_INT(quire_add_paths(idx, paths, 1, &ao, &sum, &err), QUIRE_OK);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_ADDED], 400);

    sqlite3 *ref = NULL;
    CHECK_EQ_INT(sqlite3_open_v2(db, &ref, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_EQ_INT(fts_tokenizer_register(ref), QUIRE_OK);
    CHECK_EQ_INT(fts_rank_register(ref, NULL), QUIRE_OK); /* reference: counts from docsize */

    /* generated questions: 2 to 7 words, common and rare mixed */
    uint32_t qs = 777;
    char q[40][256];
    for (int i = 0; i < 40; i++) {
        size_t o = 0;
        int nw = 2 + (int)(rnd(&qs) % 6);
        q[i][0] = '\0';
        for (int j = 0; j < nw && o < 200; j++) {
            const char *x = j % 2 ? word(&qs) : vocab[rnd(&qs) % NVOCAB];
            o += (size_t)snprintf(q[i] + o, sizeof q[i] - o, "%s%s", j ? " " : "", x);
        }
    }
    for (int i = 0; i < 40; i++) compare_kernels(idx, ref, q[i]);
    for (int i = 0; i < 40; i++) compare_gate(idx, q[i]);
    /* the notebook changes under the handle: the last chunk replaced, its
     * rowid reused (SQLite gives max + 1) with another length, must be
     * ranked with its new length, not the cached one */
    int64_t docs = 0, before = 0, after = 0;
    CHECK_EQ_INT(quire_index_counts(idx, &docs, &before), QUIRE_OK);
    const char *paths2[1] = {jsonl2};
    f = fopen(jsonl2, "w");
    if (f) {
        fprintf(f, "{\"_id\": \"d399\", \"title\": \"stem cells\", \"text\": \"");
        for (int i = 0; i < 300; i++) fprintf(f, "%s%s", i ? " " : "", vocab[i % NVOCAB]);
        fprintf(f, ".\"}\n");
        fclose(f);
    }
    CHECK_EQ_INT(quire_add_paths(idx, paths2, 1, &ao, &sum, &err), QUIRE_OK);
    CHECK_EQ_INT(quire_index_counts(idx, &docs, &after), QUIRE_OK);
    CHECK_EQ_INT(after, before);
    for (int i = 0; i < 40; i++) compare_kernels(idx, ref, q[i]);
    compare_kernels(idx, ref, "stem cells placebo cohort");

    /* more changes: new chunks beyond the cached rowids, replaced ones */
    f = fopen(jsonl2, "w");
    if (f) {
        write_records(f, 300, 200, &seed); /* d300..d399 replaced, d400..d499 new */
        fclose(f);
    }
    CHECK_EQ_INT(quire_add_paths(idx, paths2, 1, &ao, &sum, &err), QUIRE_OK);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_ADDED] + sum.counts[QUIRE_ADD_UPDATED], 200);
    for (int i = 0; i < 40; i++) compare_kernels(idx, ref, q[i]);

    sqlite3_close(ref);
    quire_index_close(idx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
