/* Pseudo-relevance feedback (RM3 term selection), internal to retrieve. */
#ifndef QUIRE_RETRIEVE_PRF_H
#define QUIRE_RETRIEVE_PRF_H

#include "quire/index.h"

/* The fb_terms most likely words of the relevance model estimated from the
 * first fb_docs hits (best first; score > 0 is P(d|q) up to a constant):
 *     P(w|R) = sum_d P(w|d) P(d|q),   P(w|d) = tf(w,d) / |d|
 * over folded words that are not stopwords of any language, not pure
 * numbers and at least 3 bytes long. On success *words (free each and the
 * array) and *prob (free) hold *n entries, prob normalised to sum 1. */
quire_status prf_terms(const quire_hit *hits, size_t n, int fb_docs, int fb_terms, char ***words,
                       double **prob, size_t *nout);

#endif
