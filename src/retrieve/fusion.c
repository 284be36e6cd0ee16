/* Rank fusion, MMR selection and term sets (see include/quire/fusion.h). */
#include "quire/fusion.h"
#include "quire/lang.h"
#include "util/textfold.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    int64_t id;
    size_t list;     /* which list */
    size_t rank;     /* 1-based position in that list */
    double value;    /* contribution to the fused score */
} entry;

static int cmp_entry_id(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    if (x->list != y->list) return x->list < y->list ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int cmp_fused(const void *a, const void *b)
{
    const quire_ranked *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

enum { FUSE_RRF, FUSE_NORM };

static quire_status fuse(const quire_ranklist *lists, size_t nlists, int mode, double k,
                         quire_ranked **out, size_t *nout)
{
    if (!out || !nout || (nlists && !lists)) return QUIRE_ERR_INVALID;
    *out = NULL;
    *nout = 0;
    size_t total = 0;
    for (size_t i = 0; i < nlists; i++) {
        if (lists[i].n && !lists[i].items) return QUIRE_ERR_INVALID;
        if (lists[i].n > QUIRE_FUSION_MAX_ITEMS - total) return QUIRE_ERR_TOO_BIG;
        total += lists[i].n;
    }
    entry *e = malloc((total ? total : 1) * sizeof *e);
    if (!e) return QUIRE_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < nlists; i++) {
        double w = lists[i].weight != 0 ? lists[i].weight : 1.0;
        double lo = INFINITY, hi = -INFINITY;
        if (mode == FUSE_NORM) {
            for (size_t r = 0; r < lists[i].n; r++) {
                double s = lists[i].items[r].score;
                if (!isfinite(s)) continue;
                if (s < lo) lo = s;
                if (s > hi) hi = s;
            }
        }
        for (size_t r = 0; r < lists[i].n; r++) {
            entry *x = &e[m++];
            x->id = lists[i].items[r].id;
            x->list = i;
            x->rank = r + 1;
            if (mode == FUSE_RRF) {
                x->value = w / (k + (double)(r + 1));
            } else {
                double s = lists[i].items[r].score;
                double v = !isfinite(s) ? 0 : hi > lo ? (s - lo) / (hi - lo) : 1.0;
                x->value = w * v;
            }
        }
    }
    qsort(e, m, sizeof *e, cmp_entry_id);
    quire_ranked *res = malloc((m ? m : 1) * sizeof *res);
    if (!res) {
        free(e);
        return QUIRE_ERR_NOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        double sum = 0;
        while (j < m && e[j].id == e[i].id) {
            /* only the first (best) position of an id within one list */
            if (j == i || e[j].list != e[j - 1].list) sum += e[j].value;
            j++;
        }
        res[n].id = e[i].id;
        res[n].score = sum;
        n++;
        i = j;
    }
    free(e);
    qsort(res, n, sizeof *res, cmp_fused);
    *out = res;
    *nout = n;
    return QUIRE_OK;
}

quire_status quire_fusion_rrf(const quire_ranklist *lists, size_t nlists, double k,
                              quire_ranked **out, size_t *nout)
{
    return fuse(lists, nlists, FUSE_RRF, k > 0 ? k : 60.0, out, nout);
}

quire_status quire_fusion_norm(const quire_ranklist *lists, size_t nlists,
                               quire_ranked **out, size_t *nout)
{
    return fuse(lists, nlists, FUSE_NORM, 0, out, nout);
}

quire_status quire_mmr_select(const double *relevance, const int64_t *doc, size_t n,
                              quire_sim_fn sim, void *ctx, const quire_mmr_opts *o,
                              size_t *out_idx, size_t *nout)
{
    if (!nout || !o || (n && (!relevance || !sim)) || (o->k && !out_idx)) return QUIRE_ERR_INVALID;
    if (o->per_doc_cap && n && !doc) return QUIRE_ERR_INVALID;
    *nout = 0;
    if (n == 0 || o->k == 0) return QUIRE_OK;
    double lambda = o->lambda < 0 ? 0 : o->lambda > 1 ? 1 : o->lambda;
    /* per candidate: normalised relevance, max similarity to the selection, state */
    double *rel = malloc(n * sizeof *rel);
    double *maxsim = calloc(n, sizeof *maxsim);
    unsigned char *gone = calloc(n, 1);
    if (!rel || !maxsim || !gone) {
        free(rel);
        free(maxsim);
        free(gone);
        return QUIRE_ERR_NOMEM;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (relevance[i] < lo) lo = relevance[i];
        if (relevance[i] > hi) hi = relevance[i];
    }
    for (size_t i = 0; i < n; i++)
        rel[i] = hi > lo ? (relevance[i] - lo) / (hi - lo) : 1.0;

    size_t sel = 0;
    while (sel < o->k) {
        size_t best = n;
        double best_v = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            if (gone[i]) continue;
            double v = lambda * rel[i] - (1 - lambda) * maxsim[i];
            if (v > best_v || (v == best_v && best < n && rel[i] > rel[best])) {
                best_v = v;
                best = i;
            }
        }
        if (best == n) break;
        out_idx[sel++] = best;
        gone[best] = 1;
        size_t same_doc = 0;
        if (o->per_doc_cap)
            for (size_t s = 0; s < sel; s++) same_doc += doc[out_idx[s]] == doc[best];
        for (size_t i = 0; i < n; i++) {
            if (gone[i]) continue;
            if (o->per_doc_cap && same_doc >= o->per_doc_cap && doc[i] == doc[best]) {
                gone[i] = 1;
                continue;
            }
            double s = sim(i, best, ctx);
            if (s >= o->dup_threshold) {
                gone[i] = 1;
                continue;
            }
            if (s > maxsim[i]) maxsim[i] = s;
        }
    }
    *nout = sel;
    free(rel);
    free(maxsim);
    free(gone);
    return QUIRE_OK;
}

#define TERMSET_MAX 4096

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

quire_status quire_termset_build(const char *text, size_t len, quire_termset *out)
{
    if (!out || (len && !text)) return QUIRE_ERR_INVALID;
    out->h = NULL;
    out->n = 0;
    size_t cap = 64, n = 0;
    uint32_t *h = malloc(cap * sizeof *h);
    text_word *w = malloc(sizeof *w);
    if (!h || !w) {
        free(h);
        free(w);
        return QUIRE_ERR_NOMEM;
    }
    size_t pos = 0, start, end;
    while (n < TERMSET_MAX * 4 && text_next_word(text, len, &pos, &start, &end)) {
        text_fold_word(text + start, end - start, w);
        if (w->bare_len == 0 || quire_lang_stopword_mask(w->bare, w->bare_len)) continue;
        if (n == cap) {
            uint32_t *g = realloc(h, 2 * cap * sizeof *h);
            if (!g) {
                free(h);
                free(w);
                return QUIRE_ERR_NOMEM;
            }
            h = g;
            cap *= 2;
        }
        h[n++] = fnv1a(w->bare, w->bare_len);
    }
    free(w);
    qsort(h, n, sizeof *h, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || h[u - 1] != h[i]) h[u++] = h[i];
    if (u > TERMSET_MAX) u = TERMSET_MAX;
    out->h = h;
    out->n = u;
    return QUIRE_OK;
}

void quire_termset_free(quire_termset *s)
{
    if (!s) return;
    free(s->h);
    s->h = NULL;
    s->n = 0;
}

double quire_termset_jaccard(const quire_termset *a, const quire_termset *b)
{
    size_t i = 0, j = 0, inter = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j]) { inter++; i++; j++; }
        else if (a->h[i] < b->h[j]) i++;
        else j++;
    }
    size_t uni = a->n + b->n - inter;
    return uni ? (double)inter / (double)uni : 0.0;
}
