/* Helpers for tests that inspect an extracted quire_doc. */
#ifndef QUIRE_DOC_TESTUTIL_H
#define QUIRE_DOC_TESTUTIL_H

#include "quire/doc.h"
#include <string.h>

/* The first segment whose text contains needle, or NULL. */
static inline const quire_segment *seg_with(const quire_doc *d, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i < d->nsegs; i++) {
        const quire_segment *s = &d->segs[i];
        for (size_t k = s->start; k + n <= s->end; k++)
            if (!memcmp(d->text + k, needle, n)) return s;
    }
    return NULL;
}

#endif
