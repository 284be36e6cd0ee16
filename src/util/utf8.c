#include "util/utf8.h"

#include <string.h>

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) return 0;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) { n = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF) return utf8_encode(0xFFFD, out);
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII runs dominate real text: skip them 8 bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        while (i < len && u[i] < 0x80) i++;
        if (i >= len) break;
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n) return false;
        i += n;
    }
    return true;
}

/* Windows-1252 differs from Latin-1 in 0x80-0x9F; undefined slots map to U+FFFD. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static uint32_t latin1_cp(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0) return cp1252_high[c - 0x80];
    return c;
}

quire_status utf8_append_latin1(buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char tmp[4];
        size_t n = utf8_encode(latin1_cp((unsigned char)s[i]), tmp);
        quire_status rc = buf_append(b, tmp, n);
        if (rc) return rc;
    }
    return QUIRE_OK;
}

quire_status utf8_append_repaired(buf *b, const char *s, size_t len)
{
    size_t i = 0, run = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n && cp != 0) {
            i += n;
            continue;
        }
        quire_status rc = buf_append(b, s + run, i - run);
        if (rc) return rc;
        if (cp == 0 && n) rc = buf_append_char(b, ' '); /* embedded NUL */
        else rc = utf8_append_latin1(b, s + i, 1);
        if (rc) return rc;
        i += n ? n : 1;
        run = i;
    }
    return buf_append(b, s + run, len - run);
}

quire_status utf8_append_utf16(buf *b, const char *s, size_t len, bool le)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint32_t c = le ? (uint32_t)(u[i] | u[i + 1] << 8) : (uint32_t)(u[i] << 8 | u[i + 1]);
        if (c >= 0xD800 && c <= 0xDBFF) {
            uint32_t lo = 0;
            if (i + 3 < len)
                lo = le ? (uint32_t)(u[i + 2] | u[i + 3] << 8) : (uint32_t)(u[i + 2] << 8 | u[i + 3]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            } else {
                c = 0xFFFD;
            }
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            c = 0xFFFD;
        }
        if (c == 0) c = ' ';
        char tmp[4];
        quire_status rc = buf_append(b, tmp, utf8_encode(c, tmp));
        if (rc) return rc;
    }
    return QUIRE_OK;
}

size_t utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max) return len;
    size_t i = max;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i;
}

int utf16_guess_no_bom(const unsigned char *s, size_t len)
{
    size_t n = len < 1024 ? len : 1024, even = 0, odd = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even += s[i] == 0;
        odd += s[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (pairs < 4) return 0;
    if (odd * 10 > pairs * 4 && even * 20 < pairs) return 'l';
    if (even * 10 > pairs * 4 && odd * 20 < pairs) return 'b';
    return 0;
}
