/* quire — answers: the answer model shared by every backend, the
 * extractive backend (no model), and JSON rendering.
 *
 * Answer JSON (`quire ask --json`, HTTP API), stable; extend, never rename:
 *   {"question": str, "answer": str, "refused": bool, "backend": str,
 *    "model": str|null, "language": "en"|"fr"|...,
 *    "sentences": [{"text": str, "citations": [n...], "support": num}],
 *    "sources": [{"n": int, "id": "<sha12>:<start>-<end>",
 *                 "doc": {"key", "path", "title"}, "page": int|null,
 *                 "page_label": str|null, "section": str|null,
 *                 "anchor": str|null, "span": [start, end], "quote": str}],
 *    "closest": [same shape as sources, no "n"]   (only when refused)}
 * Search JSON (`quire search --json`):
 *   {"query": str, "results": [{"rank": int, "score": num, "id": str,
 *    "doc": {"key", "path", "title"}, "page": int|null, "page_label",
 *    "section", "anchor", "span": [start, end], "text": str}]}
 */
#ifndef QUIRE_ANSWER_H
#define QUIRE_ANSWER_H

#include "quire/error.h"
#include "quire/index.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quire_answer_sentence {
    char *text;             /* owned; without [n] markers */
    int *citations;         /* owned; source numbers (1-based) */
    size_t ncitations;
    double support;         /* 0..1: how well the cited sources support it */
    const char *status;     /* static: "supported", "unsupported", "uncited", "none_needed";
                               NULL when not verified (extractive sentences are quotes) */
} quire_answer_sentence;

typedef struct quire_answer_source {
    int n;                  /* 1-based number used in [n] markers */
    quire_hit hit;          /* owned copy of the retrieved chunk */
    char *quote;            /* owned; the quoted span (short) */
    int64_t span_start, span_end; /* byte span of the quote in the document's extracted text */
} quire_answer_source;

typedef struct quire_answer {
    char *question;         /* owned */
    char *text;             /* owned; the answer with [n] markers */
    bool refused;           /* true when the documents do not answer */
    char *backend;          /* owned; "extractive", "openai", "gguf" */
    char *model;            /* owned or NULL */
    char *language;         /* owned; language of the question ("en", "fr") */
    quire_answer_sentence *sentences;
    size_t nsentences;
    quire_answer_source *sources;
    size_t nsources;
    quire_answer_source *closest; /* when refused: nearest passages, n = 0 */
    size_t nclosest;
    struct quire_answer_gen *gen; /* owned; generation details (model backends), else NULL */
} quire_answer;

/* What a model-backed answer adds (src/answer/generate.c, include/quire/generate.h).
 * JSON: "generation": {"finish_reason", "attempts", "tokens": {"prompt", "completion"},
 *   "context": {"window", "budget", "used", "answer_reserved", "sources_included",
 *               "sources_omitted": [source without "n"...]},
 *   "timings_ms": {"retrieve", "prompt", "first_token", "generate", "verify"},
 *   "verification": {"strict", "embedder", "supported", "unsupported", "uncited", "bad_citations",
 *                    "dropped"}, "refusal": "retrieval"|"model"|"verification"|null,
 *   "raw": model output before verification} */
typedef struct quire_answer_gen {
    char *finish_reason;          /* owned or NULL */
    char *raw;                    /* owned: the model's text before verification, or NULL */
    int attempts;                 /* HTTP requests made (retries + 1) */
    long prompt_tokens, completion_tokens; /* -1 when the backend did not say */
    size_t context_tokens, budget_tokens, used_tokens, answer_tokens;
    size_t sources_included;
    quire_answer_source *omitted; /* owned: passages that did not fit the budget (n = 0) */
    size_t nomitted;
    double retrieve_ms, prompt_ms, first_token_ms, generate_ms, verify_ms; /* -1 unknown */
    bool strict;
    bool embedder;                /* verification also used embedding similarity */
    size_t supported, unsupported, uncited, bad_citations, dropped;
    const char *refusal;          /* static: why it refused, or NULL */
} quire_answer_gen;

void quire_answer_free(quire_answer *a); /* NULL allowed */

typedef struct quire_extractive_opts {
    int max_sentences;      /* default 3 */
    double min_coverage;    /* share of the question's weighted terms the best sentence
                               must contain with its passage's title and section (with a
                               number when a quantity is asked), else refuse; 0.8 times
                               this across languages (default 0.5) */
} quire_extractive_opts;

void quire_extractive_opts_default(quire_extractive_opts *opts);

/* Answer question from hits (best first) by selecting, ordering and citing
 * the sentences that best cover the question's terms. Refuses when none
 * does. *out is new (free with quire_answer_free()). opts may be NULL. */
quire_status quire_answer_extractive(const char *question, const quire_hit *hits, size_t nhits,
                                     const quire_extractive_opts *opts, quire_answer **out,
                                     quire_error *err);

/* Language of a short text ("fr" or "en"), by function words and accents. Static string. */
const char *quire_guess_language(const char *text);

/* JSON renderings (schemas above). Caller frees the string with free(). NULL on OOM. */
char *quire_answer_to_json(const quire_answer *a, bool pretty);
char *quire_hits_to_json(const char *query, const quire_hit *hits, size_t n, bool pretty);

/* Copy a hit (deep). */
quire_status quire_hit_copy(const quire_hit *src, quire_hit *dst);

#ifdef __cplusplus
}
#endif
#endif
