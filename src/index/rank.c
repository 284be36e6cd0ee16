/* quire_bm25(): an FTS5 auxiliary ranking function, BM25F with tunable k1,
 * b and a weight for multi-word phrases.
 *
 *   quire_bm25(fts_table, k1, b, phrase_weight, phrase_weights, phrase_df, w_col0, w_col1, ...)
 *
 * For each phrase p of the MATCH expression and the current row:
 *   tf~  = sum over columns c of  w_c * tf(p, c) / (1 - b + b * len_c / avglen_c)
 *   score += pw(p) * idf(p) * tf~ * (k1 + 1) / (tf~ + k1)
 *   idf(p) = ln(1 + (N - n_p + 0.5) / (n_p + 0.5))    (never negative)
 * where n_p is the number of rows matching p (the p-th number of the
 * phrase_df text when given and >= 0, so that the caller who already knows
 * it spares a scan of the phrase's whole doclist; else counted with
 * xQueryPhrase), N the rows of the table,
 * pw(p) = the p-th number of phrase_weights (a text "1,1,0.4,..." giving
 * a weight per phrase of the MATCH expression in order, e.g. for expansion
 * terms; NULL or a negative entry means "default"), by default
 * phrase_weight for phrases of more than one token, else 1.
 * Returns -score, so that ORDER BY ascending puts the best first, as with
 * FTS5's bm25(). Missing arguments default to k1 = 1.2, b = 0.75,
 * phrase_weight = 1 and column weights 1.
 *
 * Compared with FTS5's bm25() (one length normalisation over the whole
 * row), each column is normalised by its own average length (BM25F), so a
 * long body does not drown a matching title, and phrases (the query
 * builder's word pairs) can count for less than single words.
 */
#include "index/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16

typedef struct rank_query {
    int nphrase, ncol;
    double *idf;      /* nphrase */
    double *pweight;  /* nphrase: weight of each phrase */
    double *tf;       /* nphrase * ncol scratch */
    double avglen[MAX_COLS];
} rank_query;

static void rank_query_free(void *p)
{
    rank_query *q = p;
    if (!q) return;
    free(q->idf);
    free(q->pweight);
    free(q->tf);
    free(q);
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ud)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ud)++;
    return SQLITE_OK;
}

/* Per-query statistics, computed on the first row and kept as auxdata. */
static double arg_double(sqlite3_value **v, int n, int i, double def)
{
    if (i >= n) return def;
    int t = sqlite3_value_type(v[i]);
    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) return def;
    double x = sqlite3_value_double(v[i]);
    return isfinite(x) ? x : def;
}

/* Weights of the phrases: from the phrase_weights text when given. */
static void phrase_weights(rank_query *q, const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_value **val,
                           int nval)
{
    double pw = arg_double(val, nval, 2, 1.0);
    const char *s = nval > 3 && sqlite3_value_type(val[3]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(val[3]) : NULL;
    for (int p = 0; p < q->nphrase; p++) {
        double w = -1;
        if (s && *s) {
            char *end;
            w = strtod(s, &end);
            if (end == s || !isfinite(w)) {
                w = -1;
                s = NULL;
            } else {
                s = *end == ',' ? end + 1 : end;
            }
        }
        if (w < 0) w = api->xPhraseSize(fts, p) > 1 ? pw : 1.0;
        q->pweight[p] = w;
    }
}

static int query_stats(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_value **val, int nval,
                       rank_query **out)
{
    rank_query *q = api->xGetAuxdata(fts, 0);
    if (q) {
        *out = q;
        return SQLITE_OK;
    }
    q = calloc(1, sizeof *q);
    if (!q) return SQLITE_NOMEM;
    q->nphrase = api->xPhraseCount(fts);
    q->ncol = api->xColumnCount(fts);
    if (q->ncol > MAX_COLS) q->ncol = MAX_COLS;
    size_t np = q->nphrase > 0 ? (size_t)q->nphrase : 1;
    q->idf = calloc(np, sizeof *q->idf);
    q->pweight = calloc(np, sizeof *q->pweight);
    q->tf = calloc(np * (size_t)(q->ncol > 0 ? q->ncol : 1), sizeof *q->tf);
    int rc = (!q->idf || !q->pweight || !q->tf) ? SQLITE_NOMEM : SQLITE_OK;
    sqlite3_int64 nrow = 0;
    if (rc == SQLITE_OK) rc = api->xRowCount(fts, &nrow);
    for (int c = 0; rc == SQLITE_OK && c < q->ncol; c++) {
        sqlite3_int64 ntok = 0;
        rc = api->xColumnTotalSize(fts, c, &ntok);
        q->avglen[c] = nrow > 0 && ntok > 0 ? (double)ntok / (double)nrow : 1.0;
    }
    const char *dfs = nval > 4 && sqlite3_value_type(val[4]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(val[4]) : NULL;
    for (int p = 0; rc == SQLITE_OK && p < q->nphrase; p++) {
        sqlite3_int64 nhit = -1;
        if (dfs && *dfs) {
            char *end;
            double d = strtod(dfs, &end);
            if (end == dfs) dfs = NULL;
            else {
                if (d >= 0 && d <= (double)nrow) nhit = (sqlite3_int64)d;
                dfs = *end == ',' ? end + 1 : end;
            }
        }
        if (nhit < 0) {
            nhit = 0;
            rc = api->xQueryPhrase(fts, p, &nhit, count_row);
        }
        double N = (double)nrow, n = (double)nhit;
        q->idf[p] = log(1.0 + (N - n + 0.5) / (n + 0.5));
    }
    if (rc == SQLITE_OK) phrase_weights(q, api, fts, val, nval);
    if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, q, rank_query_free);
    if (rc != SQLITE_OK) {
        rank_query_free(q);
        return rc;
    }
    *out = q;
    return SQLITE_OK;
}

static void quire_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                       sqlite3_value **val)
{
    rank_query *q = NULL;
    int rc = query_stats(api, fts, val, nval, &q);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double k1 = arg_double(val, nval, 0, 1.2);
    double b = arg_double(val, nval, 1, 0.75);
    if (k1 < 0) k1 = 0;
    if (b < 0) b = 0;
    if (b > 1) b = 1;
    double w[MAX_COLS], norm[MAX_COLS];
    for (int c = 0; c < q->ncol; c++) {
        w[c] = arg_double(val, nval, 5 + c, 1.0);
        int len = 0;
        rc = api->xColumnSize(fts, c, &len);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        norm[c] = 1.0 - b + b * (double)len / q->avglen[c];
        if (norm[c] <= 0) norm[c] = 1.0;
    }
    memset(q->tf, 0, (size_t)q->nphrase * (size_t)q->ncol * sizeof *q->tf);
    int ninst = 0;
    rc = api->xInstCount(fts, &ninst);
    for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
        int p, c, off;
        rc = api->xInst(fts, i, &p, &c, &off);
        if (rc == SQLITE_OK && p >= 0 && p < q->nphrase && c >= 0 && c < q->ncol) q->tf[p * q->ncol + c] += 1.0;
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double score = 0;
    for (int p = 0; p < q->nphrase; p++) {
        double t = 0;
        for (int c = 0; c < q->ncol; c++) t += w[c] * q->tf[p * q->ncol + c] / norm[c];
        if (t <= 0) continue;
        score += q->pweight[p] * q->idf[p] * t * (k1 + 1) / (t + k1);
    }
    sqlite3_result_double(ctx, -score);
}

quire_status fts_rank_register(sqlite3 *db)
{
    if (!db) return QUIRE_ERR_INVALID;
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return QUIRE_ERR_UNSUPPORTED;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2) return QUIRE_ERR_UNSUPPORTED;
    if (api->xCreateFunction(api, "quire_bm25", NULL, quire_bm25, NULL) != SQLITE_OK) return QUIRE_ERR_DB;
    return QUIRE_OK;
}
