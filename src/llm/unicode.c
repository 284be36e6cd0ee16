/* Unicode helpers for the tokenizers (see unicode.h). */
#include "llm/unicode.h"

#include <utf8proc.h>

unsigned ucat(uint32_t cp)
{
    if (cp > 0x10FFFF)
        return UCAT_NONE;
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return UCAT_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return UCAT_MARK;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return UCAT_NUMBER;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        return UCAT_PUNCT;
    case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC: case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
        return UCAT_SYMBOL;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        return UCAT_SEPARATOR;
    default:
        return UCAT_CONTROL;
    }
}

bool uni_is_space(uint32_t cp)
{
    /* Unicode White_Space */
    if (cp < 0x80)
        return (cp >= 9 && cp <= 13) || cp == 32;
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

uint32_t uni_tolower(uint32_t cp)
{
    if (cp > 0x10FFFF)
        return cp;
    /* U+0130 lower-cases to "i\u0307": the first code point is 'i' */
    if (cp == 0x130)
        return 'i';
    return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

uint32_t uni_nfd_first(uint32_t cp)
{
    if (cp > 0x10FFFF || cp < 0xC0)
        return cp;
    utf8proc_int32_t buf[8];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, 8,
                                                 UTF8PROC_DECOMPOSE, &last);
    return n > 0 ? (uint32_t)buf[0] : cp;
}

size_t uni_decode_lenient(const char *s, size_t len, uint32_t *out, size_t *offs)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = 0;
    while (i < len) {
        unsigned c = u[i];
        uint32_t cp;
        size_t k;
        if (c < 0x80) {
            cp = c;
            k = 1;
        } else if (!(c & 0x40)) {
            cp = 0xFFFD;
            k = 0;
        } else if (!(c & 0x20)) {
            k = 2;
            cp = c & 0x1F;
        } else if (!(c & 0x10)) {
            k = 3;
            cp = c & 0x0F;
        } else if (!(c & 0x08)) {
            k = 4;
            cp = c & 0x07;
        } else {
            cp = 0xFFFD;
            k = 0;
        }
        if (k > 1) {
            if (i + k > len) {
                cp = 0xFFFD;
                k = 0;
            } else {
                for (size_t j = 1; j < k; j++) {
                    if ((u[i + j] & 0xC0) != 0x80) {
                        cp = 0xFFFD;
                        k = 0;
                        break;
                    }
                    cp = (cp << 6) | (u[i + j] & 0x3F);
                }
            }
        }
        if (offs)
            offs[n] = i;
        out[n++] = k ? cp : 0xFFFD;
        i += k ? k : 1;
    }
    return n;
}

size_t uni_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return uni_encode(0xFFFD, out);
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves,
 * the other 68 bytes map, in order, to U+0100.. */
static bool byte_is_printable(unsigned b)
{
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
}

uint32_t uni_byte_to_cp(uint8_t b)
{
    if (byte_is_printable(b))
        return b;
    unsigned n = 0;
    for (unsigned x = 0; x < b; x++)
        n += !byte_is_printable(x);
    return 256 + n;
}

int uni_cp_to_byte(uint32_t cp)
{
    if (cp < 256)
        return byte_is_printable(cp) ? (int)cp : -1;
    if (cp >= 256 + 68)
        return -1;
    unsigned n = cp - 256;
    for (unsigned x = 0; x < 256; x++)
        if (!byte_is_printable(x) && n-- == 0)
            return (int)x;
    return -1;
}
