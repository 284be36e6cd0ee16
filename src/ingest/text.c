/* Plain text extraction (Markdown lives in md.c).
 *
 * Text: encoding from a BOM (UTF-8, UTF-16LE/BE), else UTF-16 without a BOM
 * when every other byte is NUL, else UTF-8 when valid, else
 * Latin-1/Windows-1252. Paragraphs are separated by blank lines;
 * hard-wrapped lines inside a paragraph are joined with a space.
 */
#include "quire/ingest.h"

#include "ingest/text_internal.h"

#include "util/buf.h"
#include "util/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


quire_status ingest_decode_text(const void *data, size_t len, buf *out)
{
    const unsigned char *s = data;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return utf8_append_repaired(out, (const char *)s + 3, len - 3);
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return utf8_append_utf16(out, (const char *)s + 2, len - 2, s[0] == 0xFF);
    int u16 = utf16_guess_no_bom(s, len);
    if (u16) return utf8_append_utf16(out, (const char *)s, len, u16 == 'l');
    if (utf8_valid((const char *)s, len)) return utf8_append_repaired(out, (const char *)s, len);
    return utf8_append_latin1(out, (const char *)s, len);
}

static bool blank_line(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

/* Paragraph accumulator: joins wrapped lines with single spaces. */
typedef struct para {
    buf text;
    unsigned flags;
} para;

static quire_status para_flush(quire_doc *doc, para *p)
{
    quire_status rc = QUIRE_OK;
    if (p->text.len) {
        quire_block_info info = {p->flags, 0, NULL};
        rc = quire_doc_add_block(doc, p->text.data, p->text.len, &info);
    }
    buf_reset(&p->text);
    p->flags = 0;
    return rc;
}

static quire_status para_add_line(para *p, const char *s, size_t len)
{
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    if (!len) return QUIRE_OK;
    if (p->text.len) {
        quire_status rc = buf_append_char(&p->text, ' ');
        if (rc) return rc;
    }
    return buf_append(&p->text, s, len);
}

static quire_status new_doc(const char *format, const quire_extract_opts *opts, quire_doc **out)
{
    *out = quire_doc_new(format);
    if (!*out) return QUIRE_ERR_NOMEM;
    if (opts) (*out)->max_bytes = opts->max_text_bytes;
    return QUIRE_OK;
}

quire_status quire_extract_text(const void *data, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err)
{
    buf text = QUIRE_BUF_INIT(0);
    quire_doc *doc = NULL;
    para p = {QUIRE_BUF_INIT(0), 0};
    quire_status rc = ingest_decode_text(data, len, &text);
    if (!rc) rc = new_doc("txt", opts, &doc);
    const char *s = text.data ? text.data : "";
    size_t i = 0;
    while (!rc && i < text.len) {
        const char *nl = memchr(s + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - s) : text.len;
        if (blank_line(s + i, end - i)) rc = para_flush(doc, &p);
        else rc = para_add_line(&p, s + i, end - i);
        i = end + 1;
    }
    if (!rc) rc = para_flush(doc, &p);
    buf_free(&p.text);
    buf_free(&text);
    if (rc) {
        quire_doc_free(doc);
        return quire_error_set(err, rc, "text extraction failed: %s", quire_strerror(rc));
    }
    *out = doc;
    return QUIRE_OK;
}
