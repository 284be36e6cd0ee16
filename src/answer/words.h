/* Word bags for citation checks: folded content words and normalised numbers.
 *
 * Folding: NFKD (so ligatures "ﬁ" become "fi"), combining marks dropped
 * (accents), lower case. Tokens: runs of letters/digits; apostrophes and
 * hyphens split words ("l'algorithme" -> "algorithme"). Numbers: digit runs
 * with '.'/',' separators and space-grouped thousands, normalised to a
 * canonical decimal string ("1,000" and "1 000" -> "1000"; "3,5" and "3.50"
 * -> "3.5"). Stopwords (English and French) and 1-byte words are dropped.
 *
 * Module-internal (src/answer).
 */
#ifndef QUIRE_ANSWER_WORDS_H
#define QUIRE_ANSWER_WORDS_H

#include "quire/error.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct word_bag {
    char **words;          /* sorted, unique; point into store */
    unsigned char *weight; /* per word: 2 for names/acronyms (sentences only), else 1 */
    size_t n_words;
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

/* Two words match (the rule above). */
bool words_match(const char *a, const char *b);

#endif
