/* Unicode helpers for the tokenizers (module-internal).
 *
 * Categories come from utf8proc; the semantics follow what llama.cpp's
 * tokenizers use: a code point has exactly one general-category flag
 * (letter, number, punctuation, symbol, mark, separator, control; unassigned
 * code points count as control), whitespace is the Unicode White_Space
 * property, lower-casing takes the first code point of the full lower-case
 * mapping and "NFD" keeps only the first code point of the decomposition.
 */
#ifndef QUIRE_LLM_UNICODE_H
#define QUIRE_LLM_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    UCAT_NONE = 0,        /* outside the code space */
    UCAT_NUMBER = 1 << 0,
    UCAT_LETTER = 1 << 1,
    UCAT_SEPARATOR = 1 << 2,
    UCAT_MARK = 1 << 3,
    UCAT_PUNCT = 1 << 4,
    UCAT_SYMBOL = 1 << 5,
    UCAT_CONTROL = 1 << 6,
};

/* One UCAT_* flag for cp (UCAT_NONE for cp > 0x10FFFF). */
unsigned ucat(uint32_t cp);
bool uni_is_space(uint32_t cp);
uint32_t uni_tolower(uint32_t cp);
uint32_t uni_nfd_first(uint32_t cp);

/* Decode text as llama.cpp does: each invalid or truncated sequence start
 * yields U+FFFD and consumes one byte (overlongs and surrogates are
 * accepted). Writes up to len code points to out and (when offs is not NULL)
 * the byte offset of each; returns the count. */
size_t uni_decode_lenient(const char *s, size_t len, uint32_t *out, size_t *offs);

/* Append cp as UTF-8 (1..4 bytes; cp <= 0x10FFFF or U+FFFD written). */
size_t uni_encode(uint32_t cp, char *out);

/* GPT-2 byte-level BPE: the code point that stands for byte b, and back
 * (returns -1 for code points that stand for no byte). */
uint32_t uni_byte_to_cp(uint8_t b);
int uni_cp_to_byte(uint32_t cp);

#endif
