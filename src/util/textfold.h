/* Word splitting and folding shared by the FTS5 tokenizer (src/index) and
 * language detection (src/retrieve). These rules define what the index
 * stores: changing them requires a tokenizer version bump (see
 * src/index/tokenizer.c).
 *
 * A word is a maximal run of code points whose Unicode general category is
 * a letter (L*), a number (N*) or a mark (M*). Everything else, including
 * bytes that are not valid UTF-8, separates words. Words longer than
 * TEXT_WORD_MAX_CP code points are folded from their first TEXT_WORD_MAX_CP
 * code points only (the rest of the run is still one word). */
#ifndef QUIRE_UTIL_TEXTFOLD_H
#define QUIRE_UTIL_TEXTFOLD_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_WORD_MAX_CP 64     /* code points of a word that are folded */
#define TEXT_FOLD_MAX 512       /* bytes of a folded form, NUL excluded */

typedef struct text_word {
    char lower[TEXT_FOLD_MAX + 1];  /* case-folded, NFKC, accents kept ("chevaux", "modèles") */
    size_t lower_len;
    char bare[TEXT_FOLD_MAX + 1];   /* case-folded, NFKD, marks removed ("modeles") */
    size_t bare_len;
    bool ascii;                     /* the input word was pure ASCII */
    bool digits;                    /* the word holds at least one number code point */
} text_word;

/* Find the next word at or after *pos in s[0..len). On success sets
 * [*start, *end) to its byte span, moves *pos past it and returns true;
 * returns false when no word is left. s need not be NUL-terminated. */
bool text_next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *end);

/* Fold the word s[0..len) (a span from text_next_word) into *w.
 * Output is always NUL-terminated valid UTF-8; may be empty (a run of marks). */
void text_fold_word(const char *s, size_t len, text_word *w);

/* Strip diacritics/case from an already lower-case UTF-8 string (e.g. a stem):
 * NFKD + casefold + remove marks, into out (cap bytes incl. NUL). Returns the
 * length written (truncated on a code point boundary when out is too small). */
size_t text_strip(const char *s, size_t len, char *out, size_t cap);

#endif
