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
 *
 * Speed (FTS5 calls the function for every row matching the expression,
 * thousands per question on a large notebook): the column lengths come
 * from the rank_lens table in memory when the caller provides it (else
 * xColumnSize(), a B-tree search of the docsize table per row), and term
 * frequencies from each weighted phrase's position list (xPhraseFirst),
 * not xInstCount(), which merges the instances of all phrases. Both give
 * the same numbers; tests/retrieve/test_rank_fast.c checks it.
 */
#include "index/rank.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
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
    const rank_lens *L = api->xUserData(fts);
    const uint32_t *known = NULL;
    if (L && L->active && L->len && L->ncol == q->ncol) {
        sqlite3_int64 rowid = api->xRowid(fts);
        if (rowid >= 0 && rowid < L->nrowid && L->len[rowid * L->ncol] != RANK_LEN_UNKNOWN)
            known = &L->len[rowid * L->ncol];
    }
    for (int c = 0; c < q->ncol; c++) {
        w[c] = arg_double(val, nval, 5 + c, 1.0);
        int len = 0;
        if (known) len = (int)known[c];
        else rc = api->xColumnSize(fts, c, &len);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        norm[c] = 1.0 - b + b * (double)len / q->avglen[c];
        if (norm[c] <= 0) norm[c] = 1.0;
    }
    /* Term frequencies per phrase and column from each phrase's own
     * position list (xPhraseFirst/Next): cheaper than xInstCount(), which
     * merges the instances of all phrases into one sorted array, and
     * phrases of weight 0 (the gate's selecting words) are not read. */
    double score = 0;
    for (int p = 0; p < q->nphrase; p++) {
        if (!(q->pweight[p] > 0)) continue;
        double *tf = &q->tf[p * q->ncol];
        for (int c = 0; c < q->ncol; c++) tf[c] = 0;
        Fts5PhraseIter it;
        int c = -1, off = 0;
        bool any = false;
        rc = api->xPhraseFirst(fts, p, &it, &c, &off);
        while (rc == SQLITE_OK && c >= 0) {
            if (c < q->ncol) {
                tf[c] += 1.0;
                any = true;
            }
            api->xPhraseNext(fts, &it, &c, &off);
        }
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        if (!any) continue;
        double t = 0;
        for (int k = 0; k < q->ncol; k++)
            if (tf[k] > 0) t += w[k] * tf[k] / norm[k];
        if (t <= 0) continue;
        score += q->pweight[p] * q->idf[p] * t * (k1 + 1) / (t + k1);
    }
    sqlite3_result_double(ctx, -score);
}

void rank_lens_clear(rank_lens *lens)
{
    free(lens->len);
    memset(lens, 0, sizeof *lens);
}

/* An FTS5 varint (SQLite's format: big-endian 7-bit groups, the 9th byte
 * whole). Returns the bytes read, 0 when the blob ends first. */
static int get_varint(const unsigned char *p, int n, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < n && i < 9; i++) {
        if (i == 8) {
            *v = (x << 8) | p[i];
            return 9;
        }
        x = (x << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

quire_status rank_lens_load(sqlite3 *db, const char *table, int ncol, rank_lens *lens)
{
    rank_lens_clear(lens);
    if (ncol <= 0 || ncol > MAX_COLS) return QUIRE_ERR_INVALID;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT max(id) FROM \"%s\"", table);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return QUIRE_ERR_DB;
    sqlite3_int64 maxid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (maxid < 0) maxid = 0;
    if (maxid >= RANK_LENS_MAX_ROWID) maxid = RANK_LENS_MAX_ROWID - 1;
    size_t cells = (size_t)(maxid + 1) * (size_t)ncol;
    uint32_t *len = malloc(cells * sizeof *len);
    if (!len) return QUIRE_ERR_NOMEM;
    memset(len, 0xff, cells * sizeof *len); /* RANK_LEN_UNKNOWN */
    snprintf(sql, sizeof sql, "SELECT id, sz FROM \"%s\"", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        free(len);
        return QUIRE_ERR_DB;
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        if (id < 0 || id > maxid) continue;
        const unsigned char *b = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1), off = 0;
        uint32_t v[MAX_COLS];
        int c = 0;
        for (; c < ncol && b; c++) {
            uint64_t x;
            int k = get_varint(b + off, n - off, &x);
            if (!k || x >= RANK_LEN_UNKNOWN) break;
            v[c] = (uint32_t)x;
            off += k;
        }
        if (c == ncol) memcpy(&len[(size_t)id * (size_t)ncol], v, (size_t)ncol * sizeof *v);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        free(len);
        return QUIRE_ERR_DB;
    }
    lens->len = len;
    lens->nrowid = maxid + 1;
    lens->ncol = ncol;
    return QUIRE_OK;
}

quire_status fts_rank_register(sqlite3 *db, const rank_lens *lens)
{
    if (!db) return QUIRE_ERR_INVALID;
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return QUIRE_ERR_UNSUPPORTED;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2) return QUIRE_ERR_UNSUPPORTED;
    if (api->xCreateFunction(api, "quire_bm25", (void *)lens, quire_bm25, NULL) != SQLITE_OK) return QUIRE_ERR_DB;
    return QUIRE_OK;
}
