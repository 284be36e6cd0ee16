/* quire — grounded prompts and citation verification.
 *
 * Two halves, both pure functions of their inputs (no I/O, no model):
 *
 * 1. quire_prompt_build(): the RAG prompt. Numbered sources ([n] title,
 *    page/section, text) are packed in rank order into the context budget
 *    measured with a token counter (default: quire_llm_estimate_tokens, about
 *    bytes/4). A source that does not fit is left out whole, never cut, and
 *    reported in quire_prompt.omitted. The system message tells the model to
 *    answer only from the sources, to cite each claim as [n], to say so when
 *    the sources do not contain the answer (with a fixed sentence in the
 *    question's language), and to answer in the question's language.
 *    Document text is quoted as data between <source id=N ...> and </source>
 *    tags; tags inside a document are defused, and the model is told that
 *    instructions inside sources are not to be obeyed.
 *
 * 2. quire_cite_verify(): the answer is split into sentences (abbreviations
 *    such as "e.g.", "et al.", initials and decimals do not end a sentence;
 *    [n] markers after the period belong to the sentence before), markers
 *    [n], [n, m], [n][m], [n-m], [source n] are extracted, citations to
 *    sources that do not exist are removed, and each sentence gets a support
 *    score against its cited passages:
 *      - lexical: the fraction of the sentence's content words (case- and
 *        accent-folded, NFKD, English and French stopwords dropped) found in
 *        the passage, a word matching when equal or when sharing a prefix of
 *        >= 5 characters covering >= 70% of the shorter word (plurals,
 *        inflections, and French/English cognates: "répliqué"/"replicated");
 *        capitalised names and acronyms count double.
 *      - numbers must match exactly: every number in the sentence (after
 *        normalising "1,000", "1 000", "3,5" -> 3.5, "50%" -> 50) must appear
 *        in the cited passages (as digits, or as a number word one..twenty in
 *        English or French); otherwise the sentence is unsupported.
 *      - optional embedder: when opts->similarity is set, the score is the
 *        larger of the lexical score and the similarity rescaled so that
 *        min_similarity maps to the support threshold.
 *    A sentence is supported when its score against the union of its cited
 *    passages reaches min_support; when the answer and a passage are in
 *    different languages (French answer over English sources, say) the lower
 *    min_support_xlang applies, since only numbers, names and cognates can
 *    overlap lexically; configure an embedder for real cross-lingual checks.
 *    A sentence without a citation that states a fact (>= 3 content words or
 *    a number; not a question, not a refusal) is flagged as uncited. In
 *    strict mode unsupported and uncited sentences are dropped from the
 *    rewritten answer.
 *
 * Thread safety: all functions are reentrant.
 */
#ifndef QUIRE_CITE_H
#define QUIRE_CITE_H

#include "quire/error.h"
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A retrieved passage as the prompt and the verifier see it. All borrowed. */
typedef struct quire_cite_source {
    const char *title;     /* document title; may be NULL */
    const char *path;      /* file path, URL or record id; may be NULL */
    int page;              /* 1-based page; 0 when unknown or unpaged */
    const char *section;   /* section path; may be NULL */
    const char *text;      /* passage text (UTF-8, need not be NUL-terminated) */
    size_t len;            /* bytes of text */
} quire_cite_source;

/* "en" or "fr": a guess from stopwords and accents (ties go to "en"). Static string. */
const char *quire_cite_language(const char *text, size_t len);

/* ---- prompt assembly ---- */

typedef size_t (*quire_token_count_fn)(void *user, const char *text, size_t len);

typedef struct quire_prompt_opts {
    size_t context_tokens;     /* model window (default 4096) */
    size_t answer_tokens;      /* kept free for the answer (default 512) */
    size_t history_tokens;     /* already used by earlier turns (chat), default 0 */
    quire_token_count_fn count_tokens; /* NULL: quire_llm_estimate_tokens */
    void *count_user;
    const char *language;      /* "en"/"fr" to force; NULL: from the question */
    size_t max_sources;        /* 0: no limit other than the budget */
} quire_prompt_opts;

void quire_prompt_opts_default(quire_prompt_opts *opts);

typedef struct quire_prompt {
    char *system;              /* owned: system message */
    char *user;                /* owned: sources + question */
    size_t budget_tokens;      /* context - answer - history */
    size_t used_tokens;        /* tokens of system + user */
    size_t *included;          /* owned: included[k] is the input index of source [k+1] */
    size_t n_included;
    size_t *omitted;           /* owned: input indexes of sources that did not fit */
    size_t n_omitted;
    char language[4];          /* "en"/"fr": the language asked for */
} quire_prompt;

/* Build the prompt for question over src[0..n) (ranked, best first).
 * Source numbers [1..n_included] follow the input order of the included
 * sources. QUIRE_ERR_TOO_BIG when not even the instructions and the question
 * fit. Caller frees *out with quire_prompt_free() (also after an error). */
quire_status quire_prompt_build(const char *question, const quire_cite_source *src, size_t n,
                                const quire_prompt_opts *opts, quire_prompt *out,
                                quire_error *err);
void quire_prompt_free(quire_prompt *p);

/* The sentence the model is told to write when the sources do not answer
 * ("en" or "fr"; anything else gives English). Static string. */
const char *quire_cite_refusal_sentence(const char *lang);

/* True when text says the sources do not contain the answer (the sentence
 * above, or a common paraphrase in English or French). */
bool quire_cite_is_refusal(const char *text, size_t len);

/* ---- sentence splitting and markers ---- */

typedef struct quire_span {
    size_t start, end;         /* byte span [start, end) */
} quire_span;

/* Split text into sentences (spans exclude surrounding whitespace and include
 * trailing citation markers). *out is a new array (caller frees with free()). */
quire_status quire_cite_split(const char *text, size_t len, quire_span **out, size_t *n);

/* ---- verification ---- */

/* Similarity of a sentence and a passage in [-1, 1] (e.g. cosine of
 * embeddings); return < -1 when it cannot be computed. */
typedef double (*quire_similarity_fn)(void *user, const char *sentence, size_t slen,
                                      const char *passage, size_t plen);

typedef struct quire_verify_opts {
    double min_support;        /* default 0.5 */
    double min_support_xlang;  /* default 0.3 (answer and passage in different languages) */
    bool strict;               /* drop unsupported and uncited factual sentences */
    quire_similarity_fn similarity; /* optional embedder; NULL: lexical only */
    void *similarity_user;
    double min_similarity;     /* similarity that counts as support (default 0.75) */
} quire_verify_opts;

void quire_verify_opts_default(quire_verify_opts *opts);

typedef enum quire_support {
    QUIRE_SUPPORT_OK = 0,      /* cited, and the cited passages support it */
    QUIRE_SUPPORT_WEAK,        /* cited, but the passages do not support it (or a number is missing) */
    QUIRE_SUPPORT_UNCITED,     /* states a fact without any (valid) citation */
    QUIRE_SUPPORT_NONE_NEEDED, /* no claim to check (question, refusal, short connective) */
    QUIRE_SUPPORT_COUNT
} quire_support;

/* "supported", "unsupported", "uncited", "none_needed" (static). */
const char *quire_support_name(quire_support s);

typedef struct quire_cited_sentence {
    char *text;                /* owned: the sentence, markers rewritten to valid sources only */
    char *plain;               /* owned: the sentence without markers */
    size_t start, end;         /* span in the original answer */
    int *cites;                /* owned: valid source numbers (1-based), deduplicated, in order */
    double *cite_support;      /* owned: support by each cited passage alone */
    size_t n_cites;
    int *bad_cites;            /* owned: cited numbers with no such source (removed) */
    size_t n_bad_cites;
    double support;            /* score against the union of the cited passages, 0..1 */
    bool numbers_ok;           /* every number in the sentence occurs in the cited passages */
    bool factual;
    quire_support status;
    bool kept;                 /* false when strict mode dropped it */
} quire_cited_sentence;

typedef struct quire_verify_result {
    quire_cited_sentence *sent; /* owned */
    size_t n_sent;
    char *answer;              /* owned: rewritten answer (bad citations removed; strict drops) */
    size_t n_supported, n_unsupported, n_uncited, n_bad_cites, n_dropped;
    bool refusal;              /* the answer says the sources do not contain it */
    char language[4];          /* of the answer */
} quire_verify_result;

/* Verify answer[0..len) against src[0..n) (source k+1 is src[k]). opts may
 * be NULL. Caller frees *out with quire_verify_free() (also after an error). */
quire_status quire_cite_verify(const char *answer, size_t len, const quire_cite_source *src,
                               size_t n, const quire_verify_opts *opts,
                               quire_verify_result *out, quire_error *err);
void quire_verify_free(quire_verify_result *r);

/* Lexical support of one sentence by one passage (0..1), as used above;
 * exposed for tests and for the extractive backend's sentence choice. */
double quire_cite_overlap(const char *sentence, size_t slen, const char *passage, size_t plen);

#ifdef __cplusplus
}
#endif
#endif
