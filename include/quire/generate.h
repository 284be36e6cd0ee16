/* quire — answers from a language model, grounded and verified.
 *
 *   retrieved hits -> relevance gate -> prompt (cite.h, token budget)
 *   -> model (llm.h, streamed) -> citation verification (cite.h)
 *   -> quire_answer (answer.h) with per-sentence support, the cited
 *      sources with their best-matching quoted span, and generation
 *      details (quire_answer_gen: timings, tokens, budget, omitted sources).
 *
 * Refusals: no hit, or the best passages cover too little of the question
 * (the model is then not called); the model says the sources do not answer;
 * or strict verification drops every sentence. A refusal lists the closest
 * passages.
 */
#ifndef QUIRE_GENERATE_H
#define QUIRE_GENERATE_H

#include "quire/answer.h"
#include "quire/cite.h"
#include "quire/error.h"
#include "quire/index.h"
#include "quire/llm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quire_generate_opts {
    size_t answer_tokens;      /* max tokens generated (default 512) */
    size_t context_tokens;     /* 0: the backend's window */
    double temperature;        /* default 0.1 */
    bool strict;               /* drop unsupported/uncited sentences */
    double min_relevance;      /* extractive: refuse below this question-term coverage (default 0.45) */
    double llm_min_relevance;  /* with a model, which also refuses by itself (default 0.3) */
    size_t max_sources;        /* 0: as many as fit */
    const quire_llm_message *history; /* earlier turns, oldest first (chat); borrowed */
    size_t nhistory;
    quire_llm_token_fn on_token;       /* streamed pieces; may be NULL */
    void *user;
    quire_similarity_fn similarity;    /* optional embedder for verification */
    void *similarity_user;
    double retrieve_ms;        /* measured by the caller; reported as is (-1 unknown) */
    double extractive_min_coverage; /* without a model, once past the gate (default 0.5) */
} quire_generate_opts;

void quire_generate_opts_default(quire_generate_opts *opts);

/* Share (0..1) of the question's content words found in the best of the
 * first three hits: the retrieval relevance the refusal gate uses. It is 0
 * when words of the question weighing a fifth of it or more occur in none of
 * the hits (the notebook does not hold what is asked), counting only names,
 * acronyms and numbers when the question is in another language than the
 * hits (other words there are untranslated, not missing). */
double quire_answer_relevance(const char *question, const quire_hit *hits, size_t nhits);

/* Answer question from hits (best first) with llm. *out is new (free with
 * quire_answer_free()). A model failure (server down, timeout...) is an
 * error; a refusal is not. opts may be NULL. */
quire_status quire_answer_generate(quire_llm *llm, const char *question, const quire_hit *hits,
                                   size_t nhits, const quire_generate_opts *opts,
                                   quire_answer **out, quire_error *err);

/* The answer `quire ask` gives: with llm, quire_answer_generate(); with
 * llm NULL, the extractive backend behind the same relevance gate (below
 * min_relevance it refuses and lists the closest passages; above it, a
 * sentence needs only extractive_min_coverage of the question's terms). */
quire_status quire_answer_auto(quire_llm *llm, const char *question, const quire_hit *hits,
                               size_t nhits, const quire_generate_opts *opts, quire_answer **out,
                               quire_error *err);

/* ---- chat: follow-up questions ---- */

/* Rewrite a follow-up question into a standalone retrieval query.
 * With llm: the model rewrites it from the conversation (history: earlier
 * turns, oldest first; the model's reply is taken only when it is one short
 * line). Without llm, or when the model fails: when the question looks like
 * a follow-up (a pronoun such as "it"/"il", or fewer than three content
 * words), the previous query's content words are appended to it.
 * prev_query is the previous standalone query (NULL on the first turn).
 * *out is new (caller frees). */
quire_status quire_chat_rewrite(quire_llm *llm, const quire_llm_message *history, size_t nhistory,
                                const char *prev_query, const char *question, char **out,
                                quire_error *err);

#ifdef __cplusplus
}
#endif
#endif
