/* Plain text and Markdown extraction.
 *
 * Text: encoding from a BOM (UTF-8, UTF-16LE/BE), else UTF-8 when valid,
 * else Latin-1/Windows-1252. Paragraphs are separated by blank lines;
 * hard-wrapped lines inside a paragraph are joined with a space.
 *
 * Markdown (CommonMark subset that matters for indexing): ATX headings
 * ("## Title {#anchor}") become sections; YAML front matter gives the title;
 * fenced code blocks are kept verbatim as code blocks; list items and
 * paragraphs are blocks; inline markup is left as written (it is readable and
 * harmless to the index).
 */
#include "quire/ingest.h"

#include "util/buf.h"
#include "util/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Decode buf to UTF-8 into out. */
static quire_status decode_text(const unsigned char *s, size_t len, buf *out)
{
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return utf8_append_repaired(out, (const char *)s + 3, len - 3);
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        bool le = s[0] == 0xFF;
        for (size_t i = 2; i + 1 < len; i += 2) {
            uint32_t u = le ? (uint32_t)(s[i] | s[i + 1] << 8) : (uint32_t)(s[i] << 8 | s[i + 1]);
            if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
                uint32_t lo = le ? (uint32_t)(s[i + 2] | s[i + 3] << 8)
                                 : (uint32_t)(s[i + 2] << 8 | s[i + 3]);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            if (u == 0) u = ' ';
            char tmp[4];
            quire_status rc = buf_append(out, tmp, utf8_encode(u, tmp));
            if (rc) return rc;
        }
        return QUIRE_OK;
    }
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
    quire_status rc = decode_text(data, len, &text);
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

/* "## Heading {#id}" -> level 2, text, anchor. Returns 0 if not a heading. */
static int atx_heading(const char *s, size_t len, const char **text, size_t *tlen,
                       char *anchor, size_t anchor_size)
{
    size_t i = 0;
    while (i < len && i < 3 && s[i] == ' ') i++;
    int level = 0;
    while (i < len && s[i] == '#' && level < 7) { level++; i++; }
    if (level < 1 || level > 6 || (i < len && s[i] != ' ' && s[i] != '\t')) return 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t e = len;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '#')) e--;
    anchor[0] = '\0';
    if (e > i && s[e - 1] == '}') {
        const char *open = NULL;
        for (size_t k = e - 1; k > i; k--)
            if (s[k] == '{') { open = s + k; break; }
        if (open && open[1] == '#') {
            size_t alen = (size_t)(s + e - 1 - (open + 2));
            if (alen < anchor_size) {
                memcpy(anchor, open + 2, alen);
                anchor[alen] = '\0';
            }
            e = (size_t)(open - s);
            while (e > i && s[e - 1] == ' ') e--;
        }
    }
    *text = s + i;
    *tlen = e - i;
    return level;
}

/* GitHub-style slug of a heading, used as its anchor when none is given. */
static void slugify(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80)
            out[o++] = (char)c;
        else if (c == ' ') out[o++] = '-';
    }
    out[o] = '\0';
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && !memcmp(s, prefix, n);
}

static bool list_item(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] == ' ') i++;
    if (i + 1 < len && (s[i] == '-' || s[i] == '*' || s[i] == '+') && s[i + 1] == ' ') return true;
    size_t d = i;
    while (d < len && s[d] >= '0' && s[d] <= '9') d++;
    return d > i && d + 1 < len && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ';
}

quire_status quire_extract_markdown(const void *data, size_t len, const quire_extract_opts *opts,
                                    quire_doc **out, quire_error *err)
{
    buf text = QUIRE_BUF_INIT(0);
    buf code = QUIRE_BUF_INIT(0);
    quire_doc *doc = NULL;
    para p = {QUIRE_BUF_INIT(0), 0};
    quire_status rc = decode_text(data, len, &text);
    if (!rc) rc = new_doc("md", opts, &doc);
    const char *s = text.data ? text.data : "";
    size_t i = 0;
    bool in_code = false, in_front = false, first_line = true;
    char fence[8] = "";
    while (!rc && i < text.len) {
        const char *nl = memchr(s + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - s) : text.len;
        const char *line = s + i;
        size_t llen = end - i;
        if (llen && line[llen - 1] == '\r') llen--;
        i = end + 1;

        if (first_line && llen == 3 && starts_with(line, llen, "---")) {
            in_front = true;
            first_line = false;
            continue;
        }
        first_line = false;
        if (in_front) {
            if ((llen == 3 && starts_with(line, llen, "---")) || (llen == 3 && starts_with(line, llen, "...")))
                in_front = false;
            else if (starts_with(line, llen, "title:")) {
                const char *v = line + 6;
                size_t vl = llen - 6;
                while (vl && (*v == ' ' || *v == '"' || *v == '\'')) { v++; vl--; }
                while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '"' || v[vl - 1] == '\'')) vl--;
                char *t = strndup(v, vl);
                if (!t) rc = QUIRE_ERR_NOMEM;
                else rc = quire_doc_set_meta(doc, "title", t);
                free(t);
            }
            continue;
        }
        if (in_code) {
            if (starts_with(line, llen, fence)) {
                quire_block_info info = {QUIRE_SEG_CODE, 0, NULL};
                rc = quire_doc_add_block(doc, code.data ? code.data : "", code.len, &info);
                buf_reset(&code);
                in_code = false;
            } else {
                rc = buf_append(&code, line, llen);
                if (!rc) rc = buf_append_char(&code, '\n');
            }
            continue;
        }
        if (starts_with(line, llen, "```") || starts_with(line, llen, "~~~")) {
            rc = para_flush(doc, &p);
            memcpy(fence, line, 3);
            fence[3] = '\0';
            in_code = true;
            continue;
        }
        const char *htext;
        size_t hlen;
        char anchor[256];
        int level = atx_heading(line, llen, &htext, &hlen, anchor, sizeof anchor);
        if (level) {
            rc = para_flush(doc, &p);
            if (!anchor[0]) slugify(htext, hlen, anchor, sizeof anchor);
            quire_block_info info = {QUIRE_SEG_HEADING, level, anchor[0] ? anchor : NULL};
            if (!rc) rc = quire_doc_add_block(doc, htext, hlen, &info);
            if (!rc && level == 1 && !doc->title) {
                char *t = strndup(htext, hlen);
                rc = t ? quire_doc_set_meta(doc, "title", t) : QUIRE_ERR_NOMEM;
                free(t);
            }
            continue;
        }
        if (blank_line(line, llen)) {
            rc = para_flush(doc, &p);
            continue;
        }
        if (list_item(line, llen)) {
            rc = para_flush(doc, &p);
            p.flags = QUIRE_SEG_LIST;
        }
        if (!rc) rc = para_add_line(&p, line, llen);
    }
    if (!rc && in_code && code.len) {
        quire_block_info info = {QUIRE_SEG_CODE, 0, NULL};
        rc = quire_doc_add_block(doc, code.data, code.len, &info);
    }
    if (!rc) rc = para_flush(doc, &p);
    buf_free(&p.text);
    buf_free(&code);
    buf_free(&text);
    if (rc) {
        quire_doc_free(doc);
        return quire_error_set(err, rc, "markdown extraction failed: %s", quire_strerror(rc));
    }
    *out = doc;
    return QUIRE_OK;
}
