/* RM3 feedback term selection (see prf.h). */
#include "retrieve/prf.h"
#include "quire/lang.h"
#include "util/textfold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PRF_MAX_WORDS 8192   /* distinct words considered */

typedef struct term {
    char *w;
    uint32_t h;
    double weight;   /* sum_d P(w|d) P(d|q) */
    double tf;       /* in the current document */
} term;

typedef struct vocab {
    term *t;
    size_t n, cap;
    uint32_t *slot;  /* open addressing: index + 1, 0 = empty */
    size_t nslot;
} vocab;

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Index of word s in v, added if new; SIZE_MAX when full or out of memory. */
static size_t vocab_get(vocab *v, const char *s, size_t n)
{
    uint32_t h = hash(s, n);
    size_t i = h & (v->nslot - 1);
    while (v->slot[i]) {
        term *t = &v->t[v->slot[i] - 1];
        if (t->h == h && strlen(t->w) == n && memcmp(t->w, s, n) == 0) return v->slot[i] - 1;
        i = (i + 1) & (v->nslot - 1);
    }
    if (v->n >= PRF_MAX_WORDS) return SIZE_MAX;
    char *w = malloc(n + 1);
    if (!w) return SIZE_MAX;
    memcpy(w, s, n);
    w[n] = '\0';
    v->t[v->n] = (term){w, h, 0, 0};
    v->slot[i] = (uint32_t)(++v->n);
    return v->n - 1;
}

static int by_weight(const void *a, const void *b)
{
    const term *x = a, *y = b;
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    return strcmp(x->w, y->w);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

quire_status prf_terms(const quire_hit *hits, size_t n, int fb_docs, int fb_terms, char ***words,
                       double **prob, size_t *nout)
{
    *words = NULL;
    *prob = NULL;
    *nout = 0;
    if (fb_docs <= 0 || fb_terms <= 0 || n == 0) return QUIRE_OK;
    size_t nd = n < (size_t)fb_docs ? n : (size_t)fb_docs;
    double zsum = 0;
    for (size_t d = 0; d < nd; d++) zsum += hits[d].score > 0 ? hits[d].score : 0;
    if (zsum <= 0) return QUIRE_OK;

    vocab v = {calloc(PRF_MAX_WORDS, sizeof(term)), 0, PRF_MAX_WORDS, calloc(2 * PRF_MAX_WORDS, sizeof(uint32_t)),
               2 * PRF_MAX_WORDS};
    text_word *tw = malloc(sizeof *tw);
    size_t *seen = malloc(PRF_MAX_WORDS * sizeof *seen);
    quire_status rc = (!v.t || !v.slot || !tw || !seen) ? QUIRE_ERR_NOMEM : QUIRE_OK;
    for (size_t d = 0; d < nd && !rc; d++) {
        const char *text = hits[d].text ? hits[d].text : "";
        size_t len = strlen(text), pos = 0, s, e, dlen = 0, nseen = 0;
        while (text_next_word(text, len, &pos, &s, &e)) {
            text_fold_word(text + s, e - s, tw);
            if (tw->bare_len < 3 || all_digits(tw->bare, tw->bare_len) ||
                quire_lang_stopword_mask(tw->bare, tw->bare_len))
                continue;
            size_t i = vocab_get(&v, tw->bare, tw->bare_len);
            if (i == SIZE_MAX) continue;
            if (v.t[i].tf == 0) seen[nseen++] = i;
            v.t[i].tf += 1;
            dlen++;
        }
        double pd = (hits[d].score > 0 ? hits[d].score : 0) / zsum;
        for (size_t k = 0; k < nseen; k++) {
            term *t = &v.t[seen[k]];
            t->weight += pd * t->tf / (double)dlen;
            t->tf = 0;
        }
    }
    if (!rc && v.n) {
        qsort(v.t, v.n, sizeof *v.t, by_weight);
        size_t m = v.n < (size_t)fb_terms ? v.n : (size_t)fb_terms;
        char **w = calloc(m, sizeof *w);
        double *p = calloc(m, sizeof *p);
        if (!w || !p) {
            free(w);
            free(p);
            rc = QUIRE_ERR_NOMEM;
        } else {
            double sum = 0;
            for (size_t i = 0; i < m; i++) sum += v.t[i].weight;
            for (size_t i = 0; i < m; i++) {
                w[i] = v.t[i].w;
                v.t[i].w = NULL;
                p[i] = sum > 0 ? v.t[i].weight / sum : 0;
            }
            *words = w;
            *prob = p;
            *nout = m;
        }
    }
    if (v.t)
        for (size_t i = 0; i < v.n; i++) free(v.t[i].w);
    free(v.t);
    free(v.slot);
    free(tw);
    free(seen);
    return rc;
}
