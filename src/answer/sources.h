/* Answer sources shared by the extractive and model backends: quotes,
 * numbered sources from hits, and the closest passages of a refusal. */
#ifndef QUIRE_ANSWER_SOURCES_H
#define QUIRE_ANSWER_SOURCES_H

#include "quire/answer.h"

/* A one-line copy of s[0..len) (newlines and tabs become spaces), cut on a
 * word boundary at max bytes with "…" appended. Caller frees; NULL on OOM. */
char *answer_quote(const char *s, size_t len, size_t max);

/* Fill *out as source number n (0 for "closest" entries) from a copy of h,
 * quoting h->text[qs, qe) (the whole text when the span is invalid); the span
 * in the document is the whole [qs, qe) even when the quote is cut.
 * On failure *out holds what was filled and must still be released with the
 * answer (quire_answer_free). */
quire_status answer_source_from_hit(const quire_hit *h, int n, size_t qs, size_t qe,
                                    quire_answer_source *out);

/* a->closest = the first three hits (nearest passages shown with a refusal). */
quire_status answer_fill_closest(quire_answer *a, const quire_hit *hits, size_t nhits);

#endif
