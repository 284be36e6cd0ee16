/* Small UTF-8 helpers shared by the extractors, the chunker and the retriever.
 * Full Unicode work (categories, NFKC, case folding) goes through GLib or
 * utf8proc; these are only the byte-level pieces. */
#ifndef QUIRE_UTIL_UTF8_H
#define QUIRE_UTIL_UTF8_H

#include "quire/error.h"
#include "util/buf.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s[0..len). Returns the number of bytes used (1..4)
 * and stores the code point in *cp, or returns 0 for an invalid/truncated
 * sequence (overlongs, surrogates and > U+10FFFF are invalid). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp into out (at least 4 bytes). Returns bytes written (1..4). */
size_t utf8_encode(uint32_t cp, char *out);

bool utf8_valid(const char *s, size_t len);

/* Append s to b, replacing each invalid byte by its Windows-1252/Latin-1
 * reading (so a stray Latin-1 accent survives as the letter it meant). */
quire_status utf8_append_repaired(buf *b, const char *s, size_t len);

/* Append Latin-1 (ISO-8859-1, with Windows-1252 in 0x80-0x9F) bytes as UTF-8. */
quire_status utf8_append_latin1(buf *b, const char *s, size_t len);

/* Append UTF-16 (little-endian when le, else big-endian; no BOM expected)
 * as UTF-8. Unpaired surrogates become U+FFFD, NUL becomes a space, a
 * trailing odd byte is dropped. */
quire_status utf8_append_utf16(buf *b, const char *s, size_t len, bool le);

/* UTF-16 without a BOM: Latin-script text (or ASCII markup) leaves a NUL in
 * every other byte. Looks at the first 1 KiB; returns 'l' (little-endian),
 * 'b' (big-endian) or 0 (not UTF-16 as far as can be told). */
int utf16_guess_no_bom(const unsigned char *s, size_t len);

/* Length in bytes of the longest prefix of s[0..len) that ends on a code
 * point boundary and is at most max bytes. */
size_t utf8_prefix(const char *s, size_t len, size_t max);

#endif
