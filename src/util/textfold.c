/* Word splitting and folding (see textfold.h for the rules). */
#include "util/textfold.h"
#include "util/utf8.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

static bool is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

static bool is_mark(utf8proc_int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* One step of the scanner: length of the code point at s[i] (1 for an
 * invalid byte, with *word = false). */
static size_t step(const char *s, size_t len, size_t i, bool *word)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *word = is_word_cp(c);
        return 1;
    }
    uint32_t cp;
    size_t n = utf8_decode(s + i, len - i, &cp);
    if (!n) {
        *word = false;
        return 1;
    }
    *word = is_word_cp(cp);
    return n;
}

bool text_next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    bool word = false;
    while (i < len) {
        size_t n = step(s, len, i, &word);
        if (word) break;
        i += n;
    }
    if (i >= len) {
        *pos = len;
        return false;
    }
    *start = i;
    while (i < len) {
        size_t n = step(s, len, i, &word);
        if (!word) break;
        i += n;
    }
    *end = i;
    *pos = i;
    return true;
}

/* Append the UTF-8 of cps[0..n) to out (cap bytes incl. NUL); stop before
 * overflowing. Returns the length. */
static size_t encode_all(const utf8proc_int32_t *cps, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char tmp[4];
        size_t k = utf8_encode((uint32_t)cps[i], tmp);
        if (o + k + 1 > cap) break;
        memcpy(out + o, tmp, k);
        o += k;
    }
    out[o] = '\0';
    return o;
}

#define DECOMP_MAX 320  /* code points after decomposition (TEXT_WORD_MAX_CP * ~5) */

/* Decompose (NFKD + casefold) s[0..len) into cps; returns the count. Stops at
 * TEXT_WORD_MAX_CP input code points or when cps is full. */
static size_t decompose(const char *s, size_t len, utf8proc_int32_t *cps, bool *digits)
{
    size_t n = 0, i = 0, seen = 0;
    int boundclass = UTF8PROC_BOUNDCLASS_START;
    while (i < len && seen < TEXT_WORD_MAX_CP) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!k) break; /* spans from text_next_word are valid UTF-8 */
        i += k;
        seen++;
        utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
        if (cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO)
            *digits = true;
        utf8proc_ssize_t r = utf8proc_decompose_char((utf8proc_int32_t)cp, cps + n,
                                                     (utf8proc_ssize_t)(DECOMP_MAX - n),
                                                     UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD,
                                                     &boundclass);
        if (r < 0 || (size_t)r > DECOMP_MAX - n) break;
        n += (size_t)r;
    }
    return n;
}

static size_t strip_marks(utf8proc_int32_t *cps, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_mark(cps[i])) cps[o++] = cps[i];
    return o;
}

void text_fold_word(const char *s, size_t len, text_word *w)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80) { ascii = false; break; }
    w->ascii = ascii;
    w->digits = false;
    if (ascii) {
        size_t n = len < TEXT_WORD_MAX_CP ? len : TEXT_WORD_MAX_CP;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            if (c >= '0' && c <= '9') w->digits = true;
            w->lower[i] = w->bare[i] = c;
        }
        w->lower[n] = w->bare[n] = '\0';
        w->lower_len = w->bare_len = n;
        return;
    }
    utf8proc_int32_t cps[DECOMP_MAX];
    size_t n = decompose(s, len, cps, &w->digits);
    utf8proc_int32_t comp[DECOMP_MAX];
    memcpy(comp, cps, n * sizeof *cps);
    utf8proc_ssize_t m = utf8proc_normalize_utf32(comp, (utf8proc_ssize_t)n, UTF8PROC_COMPOSE);
    w->lower_len = encode_all(comp, m < 0 ? 0 : (size_t)m, w->lower, sizeof w->lower);
    n = strip_marks(cps, n);
    w->bare_len = encode_all(cps, n, w->bare, sizeof w->bare);
}

size_t text_strip(const char *s, size_t len, char *out, size_t cap)
{
    if (cap == 0) return 0;
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80) { ascii = false; break; }
    if (ascii) {
        size_t n = len < cap - 1 ? len : cap - 1;
        memcpy(out, s, n);
        out[n] = '\0';
        return n;
    }
    utf8proc_int32_t cps[DECOMP_MAX];
    bool digits = false;
    size_t n = decompose(s, len, cps, &digits);
    n = strip_marks(cps, n);
    return encode_all(cps, n, out, cap);
}
