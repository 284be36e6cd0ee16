/* Answer sources (see sources.h). */
#include "answer/sources.h"

#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 300
#define CLOSEST_MAX 3

char *answer_quote(const char *s, size_t len, size_t max)
{
    buf b = QUIRE_BUF_INIT(0);
    size_t cut = len;
    if (len > max) {
        cut = max;
        while (cut > max / 2 && s[cut] != ' ') cut--;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    }
    if (buf_append(&b, s, cut) != QUIRE_OK || (cut < len && buf_append_str(&b, "\xe2\x80\xa6") != QUIRE_OK)) {
        buf_free(&b);
        return NULL;
    }
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\r' || b.data[i] == '\t') b.data[i] = ' ';
    return buf_steal(&b);
}

quire_status answer_source_from_hit(const quire_hit *h, int n, size_t qs, size_t qe,
                                    quire_answer_source *out)
{
    memset(out, 0, sizeof *out);
    quire_status rc = quire_hit_copy(h, &out->hit);
    if (rc) return rc;
    out->n = n;
    const char *t = h->text ? h->text : "";
    size_t tl = strlen(t);
    if (qe > tl || qs > qe) qs = 0, qe = tl;
    out->quote = answer_quote(t + qs, qe - qs, QUOTE_MAX);
    out->span_start = h->char_start + (int64_t)qs;
    out->span_end = h->char_start + (int64_t)qe;
    return out->quote ? QUIRE_OK : QUIRE_ERR_NOMEM;
}

quire_status answer_fill_closest(quire_answer *a, const quire_hit *hits, size_t nhits)
{
    size_t n = nhits < CLOSEST_MAX ? nhits : CLOSEST_MAX;
    if (!n) return QUIRE_OK;
    a->closest = calloc(n, sizeof *a->closest);
    if (!a->closest) return QUIRE_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        quire_status rc = answer_source_from_hit(&hits[i], 0, 0, strlen(hits[i].text ? hits[i].text : ""),
                                                 &a->closest[i]);
        a->nclosest++; /* counted even on failure so quire_answer_free releases it */
        if (rc) return rc;
    }
    return QUIRE_OK;
}
