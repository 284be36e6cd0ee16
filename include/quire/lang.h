/* quire — language identification and stopwords for the languages quire
 * stems: en, fr, de, es, it, pt, nl.
 *
 * Detection scores a text by the function words it contains (a short list
 * per language, see tools/gen_stopwords.py) plus letters typical of one
 * language (é/è/ç for French, ñ for Spanish, ß/ä/ö for German, ã/õ for
 * Portuguese, "ij" for Dutch). It needs a sentence or two; one or two words
 * are usually undetermined. Only the first QUIRE_LANG_SCAN_MAX bytes are read.
 * All functions are pure and thread-safe.
 */
#ifndef QUIRE_LANG_H
#define QUIRE_LANG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum quire_lang {
    QUIRE_LANG_NONE = 0,   /* undetermined */
    QUIRE_LANG_EN,
    QUIRE_LANG_FR,
    QUIRE_LANG_DE,
    QUIRE_LANG_ES,
    QUIRE_LANG_IT,
    QUIRE_LANG_PT,
    QUIRE_LANG_NL,
    QUIRE_LANG_COUNT       /* sentinel: keep last */
} quire_lang;

#define QUIRE_LANG_SCAN_MAX 8192

/* Ranking of the candidate languages of a text. */
typedef struct quire_lang_guess {
    quire_lang best;        /* QUIRE_LANG_NONE when no evidence at all */
    quire_lang second;      /* runner-up (QUIRE_LANG_NONE if it has no evidence) */
    double best_score;      /* evidence: roughly the number of function words */
    double second_score;
    bool confident;         /* enough evidence and a clear margin over the runner-up */
} quire_lang_guess;

/* Rank the languages of text[0..len) (need not be NUL-terminated, may be
 * invalid UTF-8). */
void quire_lang_guess_text(const char *text, size_t len, quire_lang_guess *out);

/* Two-letter code ("en", "fr", ...) of the most likely language of
 * text[0..len), or NULL when undetermined (not confident). Static string. */
const char *quire_lang_detect(const char *text, size_t len);

/* "en" for QUIRE_LANG_EN ...; NULL for NONE or out of range. Static string. */
const char *quire_lang_code(quire_lang lang);

/* Snowball algorithm name ("english", "french", ...) or NULL. Static string. */
const char *quire_lang_stemmer_name(quire_lang lang);

/* Language for a two-letter code (case-insensitive, "fr", "fr-CA" and
 * "fr_FR" accepted) or a Snowball name; QUIRE_LANG_NONE if unknown. */
quire_lang quire_lang_from_code(const char *code);

/* Is the folded word w[0..len) (lower case, no diacritics, as produced by
 * the tokenizer) a stopword of lang? lang NONE: a stopword of any language. */
bool quire_lang_is_stopword(quire_lang lang, const char *w, size_t len);

/* Bit mask (1 << lang) of the languages in which w[0..len) is a stopword. */
unsigned quire_lang_stopword_mask(const char *w, size_t len);

#ifdef __cplusplus
}
#endif
#endif
