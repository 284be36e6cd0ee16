/* Retrieval metrics and BEIR/TREC file parsers (see include/quire/eval.h). */
#include "quire/eval.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- qrels ---- */

typedef struct triple {
    char *qid, *did;
    int rel;
    size_t order;  /* line order: the last of equal pairs wins */
} triple;

static int cmp_triple(const void *a, const void *b)
{
    const triple *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (c) return c;
    c = strcmp(x->did, y->did);
    if (c) return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static char *dup_span(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Split line[0..n) on tabs, or on runs of blanks when there is no tab. */
static size_t split_fields(const char *line, size_t n, const char **f, size_t *fl, size_t max)
{
    bool tabs = memchr(line, '\t', n) != NULL;
    size_t nf = 0, i = 0;
    while (i <= n && nf < max + 1) {
        if (!tabs) {
            while (i < n && (line[i] == ' ')) i++;
            if (i >= n) break;
        }
        size_t s = i;
        while (i < n && (tabs ? line[i] != '\t' : line[i] != ' ')) i++;
        if (nf < max) {
            f[nf] = line + s;
            fl[nf] = i - s;
        }
        nf++;
        i++;
    }
    return nf;
}

static bool parse_int(const char *s, size_t n, int *out)
{
    if (n == 0 || n > 11) return false;
    char tmp[16];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    long v = strtol(tmp, &end, 10);
    if (*end != '\0') {
        /* "1.0" style scores: accept an integral decimal */
        double d = strtod(tmp, &end);
        if (*end != '\0' || !isfinite(d) || d != floor(d) || fabs(d) > 1e6) return false;
        v = (long)d;
    }
    if (v < -1000000 || v > 1000000) return false;
    *out = (int)v;
    return true;
}

static void free_triples(triple *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].qid);
        free(t[i].did);
    }
    free(t);
}

void quire_qrels_free(quire_qrels *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->q[i].query_id);
        for (size_t j = 0; j < q->q[i].n; j++) free(q->q[i].j[j].doc_id);
        free(q->q[i].j);
    }
    free(q->q);
    free(q);
}

/* Group sorted triples into *out; takes ownership of the strings. */
static quire_status group_triples(triple *t, size_t n, quire_qrels **out)
{
    quire_qrels *qr = calloc(1, sizeof *qr);
    if (!qr) return QUIRE_ERR_NOMEM;
    size_t nq = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(t[i].qid, t[i - 1].qid) != 0) nq++;
    qr->q = calloc(nq ? nq : 1, sizeof *qr->q);
    if (!qr->q) {
        free(qr);
        return QUIRE_ERR_NOMEM;
    }
    quire_status rc = QUIRE_OK;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(t[j].qid, t[i].qid) == 0) j++;
        quire_qrel_query *qq = &qr->q[qr->n++];
        qq->query_id = t[i].qid;
        t[i].qid = NULL;
        qq->j = malloc((j - i) * sizeof *qq->j);
        if (!qq->j) {
            rc = QUIRE_ERR_NOMEM;
            break;
        }
        for (size_t a = i; a < j; a++) {
            bool last = a + 1 == j || strcmp(t[a].did, t[a + 1].did) != 0;
            if (!last) continue; /* a later line judges the same pair */
            qq->j[qq->n].doc_id = t[a].did;
            qq->j[qq->n].rel = t[a].rel;
            t[a].did = NULL;
            if (t[a].rel > 0) qq->n_relevant++;
            qq->n++;
        }
        i = j;
    }
    if (rc != QUIRE_OK) {
        quire_qrels_free(qr);
        return rc;
    }
    *out = qr;
    return QUIRE_OK;
}

quire_status quire_qrels_parse(const char *buf, size_t len, quire_qrels **out, quire_error *err)
{
    if (!out || (len && !buf)) return quire_error_set(err, QUIRE_ERR_INVALID, "qrels: no input");
    *out = NULL;
    size_t cap = 0, n = 0, lineno = 0;
    triple *t = NULL;
    quire_status rc = QUIRE_OK;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - buf) : len;
        size_t ll = e - i;
        const char *line = buf + i;
        i = e + 1;
        lineno++;
        if (ll > 0 && line[ll - 1] == '\r') ll--;
        if (ll > QUIRE_EVAL_LINE_MAX) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "qrels line %zu: longer than %d bytes", lineno, QUIRE_EVAL_LINE_MAX);
            break;
        }
        size_t blank = 0;
        while (blank < ll && (line[blank] == ' ' || line[blank] == '\t')) blank++;
        if (blank == ll) continue;
        const char *f[4];
        size_t fl[4];
        size_t nf = split_fields(line, ll, f, fl, 4);
        size_t qi = 0, di = 1, ri = 2;
        if (nf == 4) { di = 2; ri = 3; }
        else if (nf != 3) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "qrels line %zu: expected 3 fields (query-id corpus-id score), got %zu", lineno, nf);
            break;
        }
        int rel;
        if (!parse_int(f[ri], fl[ri], &rel)) {
            if (lineno == 1 || n == 0) continue; /* header */
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "qrels line %zu: score is not an integer", lineno);
            break;
        }
        if (fl[qi] == 0 || fl[di] == 0) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "qrels line %zu: empty id", lineno);
            break;
        }
        if (n == cap) {
            if (cap >= QUIRE_EVAL_MAX_RECORDS) {
                rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "qrels: more than %u judgments", QUIRE_EVAL_MAX_RECORDS);
                break;
            }
            size_t nc = cap ? cap * 2 : 256;
            triple *g = realloc(t, nc * sizeof *t);
            if (!g) {
                rc = quire_error_set(err, QUIRE_ERR_NOMEM, "qrels: out of memory");
                break;
            }
            t = g;
            cap = nc;
        }
        t[n].qid = dup_span(f[qi], fl[qi]);
        t[n].did = dup_span(f[di], fl[di]);
        t[n].rel = rel;
        t[n].order = n;
        n++;
        if (!t[n - 1].qid || !t[n - 1].did) {
            rc = quire_error_set(err, QUIRE_ERR_NOMEM, "qrels: out of memory");
            break;
        }
    }
    if (rc == QUIRE_OK) {
        if (n) qsort(t, n, sizeof *t, cmp_triple);
        rc = group_triples(t, n, out);
        if (rc != QUIRE_OK) quire_error_set(err, rc, "qrels: out of memory");
    }
    free_triples(t, n);
    return rc;
}

const quire_qrel_query *quire_qrels_find(const quire_qrels *qrels, const char *query_id)
{
    if (!qrels || !query_id) return NULL;
    size_t lo = 0, hi = qrels->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(qrels->q[mid].query_id, query_id);
        if (c == 0) return &qrels->q[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

int quire_qrels_rel(const quire_qrel_query *qq, const char *doc_id)
{
    if (!qq || !doc_id) return 0;
    size_t lo = 0, hi = qq->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(qq->j[mid].doc_id, doc_id);
        if (c == 0) return qq->j[mid].rel;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* ---- queries ---- */

void quire_queries_free(quire_queries *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->q[i].id);
        free(q->q[i].text);
    }
    free(q->q);
    free(q);
}

quire_status quire_queries_parse(const char *buf, size_t len, quire_queries **out, quire_error *err)
{
    if (!out || (len && !buf)) return quire_error_set(err, QUIRE_ERR_INVALID, "queries: no input");
    *out = NULL;
    quire_queries *qs = calloc(1, sizeof *qs);
    if (!qs) return quire_error_set(err, QUIRE_ERR_NOMEM, "queries: out of memory");
    size_t cap = 0, lineno = 0, i = 0;
    quire_status rc = QUIRE_OK;
    while (i < len && rc == QUIRE_OK) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - buf) : len;
        const char *line = buf + i;
        size_t ll = e - i;
        i = e + 1;
        lineno++;
        size_t blank = 0;
        while (blank < ll && (line[blank] == ' ' || line[blank] == '\t' || line[blank] == '\r')) blank++;
        if (blank == ll) continue;
        if (ll > QUIRE_EVAL_JSON_LINE_MAX) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "queries line %zu: longer than %u bytes", lineno, QUIRE_EVAL_JSON_LINE_MAX);
            break;
        }
        if (memchr(line, '\0', ll)) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "queries line %zu: NUL byte", lineno);
            break;
        }
        cJSON *o = cJSON_ParseWithLength(line, ll);
        if (!o || !cJSON_IsObject(o)) {
            cJSON_Delete(o);
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "queries line %zu: not a JSON object", lineno);
            break;
        }
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "_id");
        if (!id) id = cJSON_GetObjectItemCaseSensitive(o, "id");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
        char idbuf[32];
        const char *ids = NULL;
        if (cJSON_IsString(id)) ids = id->valuestring;
        else if (cJSON_IsNumber(id) && id->valuedouble == floor(id->valuedouble) && fabs(id->valuedouble) < 1e15) {
            snprintf(idbuf, sizeof idbuf, "%.0f", id->valuedouble);
            ids = idbuf;
        }
        if (!ids || !*ids || !cJSON_IsString(text)) {
            cJSON_Delete(o);
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "queries line %zu: needs \"_id\" and \"text\"", lineno);
            break;
        }
        if (qs->n == cap) {
            if (cap >= QUIRE_EVAL_MAX_RECORDS) {
                cJSON_Delete(o);
                rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "queries: more than %u", QUIRE_EVAL_MAX_RECORDS);
                break;
            }
            size_t nc = cap ? cap * 2 : 64;
            quire_query *g = realloc(qs->q, nc * sizeof *g);
            if (!g) {
                cJSON_Delete(o);
                rc = quire_error_set(err, QUIRE_ERR_NOMEM, "queries: out of memory");
                break;
            }
            qs->q = g;
            cap = nc;
        }
        quire_query *q = &qs->q[qs->n];
        q->id = dup_span(ids, strlen(ids));
        q->text = dup_span(text->valuestring, strlen(text->valuestring));
        cJSON_Delete(o);
        qs->n++;
        if (!q->id || !q->text) rc = quire_error_set(err, QUIRE_ERR_NOMEM, "queries: out of memory");
    }
    if (rc != QUIRE_OK) {
        quire_queries_free(qs);
        return rc;
    }
    *out = qs;
    return QUIRE_OK;
}

/* ---- metrics ---- */

/* Was ranked[i] already seen in ranked[0..i)? Rankings are short (<= 1000):
 * a quadratic scan over the top k is fine. */
static bool seen_before(const char *const *ranked, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (ranked[j] && strcmp(ranked[j], ranked[i]) == 0) return true;
    return false;
}

static int cmp_int_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

double quire_metric_ndcg(const quire_qrel_query *qq, const char *const *ranked, size_t n, size_t k)
{
    if (!qq || qq->n_relevant == 0 || k == 0) return 0;
    double dcg = 0;
    size_t pos = 0;
    for (size_t i = 0; i < n && pos < k; i++) {
        if (!ranked[i] || seen_before(ranked, i)) continue;
        pos++;
        int rel = quire_qrels_rel(qq, ranked[i]);
        if (rel > 0) dcg += rel / log2((double)pos + 1);
    }
    int *rels = malloc(qq->n * sizeof *rels);
    if (!rels) return 0;
    size_t m = 0;
    for (size_t i = 0; i < qq->n; i++)
        if (qq->j[i].rel > 0) rels[m++] = qq->j[i].rel;
    qsort(rels, m, sizeof *rels, cmp_int_desc);
    double idcg = 0;
    for (size_t i = 0; i < m && i < k; i++) idcg += rels[i] / log2((double)i + 2);
    free(rels);
    return idcg > 0 ? dcg / idcg : 0;
}

double quire_metric_recall(const quire_qrel_query *qq, const char *const *ranked, size_t n, size_t k)
{
    if (!qq || qq->n_relevant == 0) return 0;
    size_t hits = 0, pos = 0;
    for (size_t i = 0; i < n && pos < k; i++) {
        if (!ranked[i] || seen_before(ranked, i)) continue;
        pos++;
        if (quire_qrels_rel(qq, ranked[i]) > 0) hits++;
    }
    return (double)hits / (double)qq->n_relevant;
}

double quire_metric_mrr(const quire_qrel_query *qq, const char *const *ranked, size_t n, size_t k)
{
    if (!qq) return 0;
    size_t pos = 0;
    for (size_t i = 0; i < n && pos < k; i++) {
        if (!ranked[i] || seen_before(ranked, i)) continue;
        pos++;
        if (quire_qrels_rel(qq, ranked[i]) > 0) return 1.0 / (double)pos;
    }
    return 0;
}

void quire_eval_query(const quire_qrel_query *qq, const char *const *ranked, size_t n,
                      quire_eval_scores *out)
{
    out->ndcg10 = quire_metric_ndcg(qq, ranked, n, 10);
    out->recall10 = quire_metric_recall(qq, ranked, n, 10);
    out->recall100 = quire_metric_recall(qq, ranked, n, 100);
    out->mrr10 = quire_metric_mrr(qq, ranked, n, 10);
}
