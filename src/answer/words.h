/* Word bags: folded content words and normalised numbers, the one word
 * matcher of src/answer (citation checks, the relevance gate, extractive
 * sentence selection).
 *
 * Folding: NFKD (so ligatures "ﬁ" become "fi"), combining marks dropped
 * (accents), lower case. Tokens: runs of letters/digits; apostrophes and
 * hyphens split words ("l'algorithme" -> "algorithme"). Numbers: digit runs
 * with '.'/',' separators and space-grouped thousands, normalised to a
 * canonical decimal string ("1,000" and "1 000" -> "1000"; "3,5" and "3.50"
 * -> "3.5"). Stopwords (English and French) and 1-byte words are dropped.
 * Each word also carries its Snowball stems (English and French), so that
 * "chunked" meets "chunk" and "quantifiée" meets "quantifier".
 *
 * Matching (bag_has_word): two words match when they are equal, share a
 * Snowball stem in either language, or pass the prefix rule of
 * words_match() (which also bridges languages: "partitionner"/"partition").
 *
 * Module-internal (src/answer).
 */
#ifndef QUIRE_ANSWER_WORDS_H
#define QUIRE_ANSWER_WORDS_H

#include "quire/error.h"
#include "quire/index.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct word_bag {
    char **words;          /* sorted, unique; point into store */
    unsigned char *weight; /* per word: 2 for names/acronyms (sentences only), else 1 */
    size_t n_words;
    char **stem_en;        /* per word: its English and French Snowball stems (into stems) */
    char **stem_fr;
    char *stems;           /* owned */
    char **numbers;        /* sorted, unique; point into store */
    size_t n_numbers;
    char *store;           /* owned: all strings */
    int lang_en, lang_fr;  /* stopword hits, for language guesses */
    bool question;         /* the text ends with '?' */
} word_bag;

/* Build the bag of text[0..len) (UTF-8; invalid bytes are tolerated).
 * For passages (is_passage), number words ("five", "cinq") also add their
 * digits to the numbers. Caller frees with bag_free(). */
quire_status bag_build(const char *text, size_t len, bool is_passage, word_bag *out);
void bag_free(word_bag *b);

/* True when w matches a word of b: equal, a plural/inflection of it, or a
 * shared prefix of >= 5 bytes covering >= 70% of the shorter word. */
bool bag_has_word(const word_bag *b, const char *w);
bool bag_has_number(const word_bag *b, const char *num);

/* True when word k of bag q (with its stems) matches a word of b. */
bool bag_has_word_of(const word_bag *b, const word_bag *q, size_t k);

/* True when the text of bag b has a number (digits or a number word; number
 * words count only in passage bags). */
static inline bool bag_has_any_number(const word_bag *b) { return b->n_numbers > 0; }

/* Guessed language of text[0..len) ("en" or "fr"): function words and
 * French accented letters. */
const char *words_language(const char *text, size_t len);

/* The language most of the first three hits are written in. */
const char *words_hits_language(const quire_hit *hits, size_t nhits);

/* True when the text asks for a quantity ("how many", "how much",
 * "combien", "what percentage", "quel nombre", "what year", "en quelle
 * année"...): its answer must hold a number. text is UTF-8. */
bool words_asks_quantity(const char *text, size_t len);

/* Two words match (the rule above). */
bool words_match(const char *a, const char *b);

#endif
