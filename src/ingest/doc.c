/* The quire_doc builder (see include/quire/doc.h for the layout). */
#include "quire/doc.h"

#include "util/buf.h"
#include "util/utf8.h"
#include "util/array.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC_DEFAULT_MAX_BYTES ((size_t)1 << 30)

quire_doc *quire_doc_new(const char *format)
{
    quire_doc *doc = calloc(1, sizeof *doc);
    if (!doc) return NULL;
    if (format && !(doc->format = strdup(format))) {
        free(doc);
        return NULL;
    }
    doc->text = calloc(1, 1);
    if (!doc->text) {
        free(doc->format);
        free(doc);
        return NULL;
    }
    doc->text_alloc = 1;
    return doc;
}

void quire_doc_free(quire_doc *doc)
{
    if (!doc) return;
    for (size_t i = 0; i < doc->nsegs; i++) {
        free(doc->segs[i].section);
        free(doc->segs[i].anchor);
    }
    for (size_t i = 0; i < doc->npages; i++) free(doc->pages[i].label);
    for (int i = 0; i < 7; i++) {
        free(doc->heading[i]);
        free(doc->heading_anchor[i]);
    }
    free(doc->segs);
    free(doc->pages);
    free(doc->text);
    free(doc->title);
    free(doc->authors);
    free(doc->date);
    free(doc->language);
    free(doc->format);
    free(doc->description);
    for (size_t i = 0; i < doc->nlinks; i++) free(doc->links[i]);
    free(doc->links);
    free(doc->warnings);
    free(doc);
}

quire_status quire_doc_begin_page(quire_doc *doc, const char *label)
{
    quire_status rc = array_reserve((void **)&doc->pages, &doc->pages_alloc, doc->npages + 1,
                           sizeof *doc->pages);
    if (rc) return rc;
    quire_page *p = &doc->pages[doc->npages];
    memset(p, 0, sizeof *p);
    if (label && *label && !(p->label = strdup(label))) return QUIRE_ERR_NOMEM;
    p->start = p->end = doc->text_len;
    p->has_text = true;
    doc->npages++;
    doc->cur_page = (int)doc->npages;
    return QUIRE_OK;
}

void quire_doc_page_no_text(quire_doc *doc)
{
    if (doc->npages) doc->pages[doc->npages - 1].has_text = false;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static quire_status text_append(quire_doc *doc, const char *s, size_t len)
{
    size_t cap = doc->max_bytes ? doc->max_bytes : DOC_DEFAULT_MAX_BYTES;
    if (len > cap || doc->text_len > cap - len) return QUIRE_ERR_TOO_BIG;
    quire_status rc = array_reserve((void **)&doc->text, &doc->text_alloc, doc->text_len + len + 1, 1);
    if (rc) return rc;
    memcpy(doc->text + doc->text_len, s, len);
    doc->text_len += len;
    doc->text[doc->text_len] = '\0';
    return QUIRE_OK;
}

/* The section path for the current heading stack: "H1 > H2 > H3". */
static char *section_path(const quire_doc *doc)
{
    buf b = QUIRE_BUF_INIT(0);
    for (int l = 1; l <= 6; l++) {
        if (!doc->heading[l]) continue;
        if (b.len && buf_append_str(&b, " > ")) goto fail;
        if (buf_append_str(&b, doc->heading[l])) goto fail;
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
fail:
    buf_free(&b);
    return NULL;
}

static const char *current_anchor(const quire_doc *doc)
{
    for (int l = 6; l >= 1; l--)
        if (doc->heading[l] && doc->heading_anchor[l]) return doc->heading_anchor[l];
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

quire_status quire_doc_add_block(quire_doc *doc, const char *text, size_t len,
                                 const quire_block_info *info)
{
    while (len && is_space((unsigned char)text[0])) { text++; len--; }
    while (len && is_space((unsigned char)text[len - 1])) len--;
    if (!len) return QUIRE_OK;

    static const quire_block_info plain = {0, 0, NULL};
    if (!info) info = &plain;

    /* Repair invalid UTF-8 before it reaches the index. */
    buf clean = QUIRE_BUF_INIT(0);
    const char *body = text;
    if (!utf8_valid(text, len) || memchr(text, '\0', len)) {
        if (utf8_append_repaired(&clean, text, len)) {
            buf_free(&clean);
            return QUIRE_ERR_NOMEM;
        }
        body = clean.data;
        len = clean.len;
    }

    quire_status rc = QUIRE_OK;
    bool heading = (info->flags & QUIRE_SEG_HEADING) && info->level >= 1 && info->level <= 6;
    if (heading) {
        char *h = malloc(len + 1);
        if (!h) { rc = QUIRE_ERR_NOMEM; goto out; }
        /* A heading inside the section path is one line. */
        for (size_t i = 0; i < len; i++) h[i] = is_space((unsigned char)body[i]) ? ' ' : body[i];
        h[len] = '\0';
        for (int l = info->level; l <= 6; l++) {
            free(doc->heading[l]);
            free(doc->heading_anchor[l]);
            doc->heading[l] = NULL;
            doc->heading_anchor[l] = NULL;
        }
        doc->heading[info->level] = h;
        if (info->anchor && !(doc->heading_anchor[info->level] = strdup(info->anchor))) {
            rc = QUIRE_ERR_NOMEM;
            goto out;
        }
    }

    if ((rc = array_reserve((void **)&doc->segs, &doc->segs_alloc, doc->nsegs + 1, sizeof *doc->segs)))
        goto out;
    if (doc->nsegs && (rc = text_append(doc, "\n\n", 2))) goto out;
    size_t start = doc->text_len;
    if ((rc = text_append(doc, body, len))) goto out;

    quire_segment *s = &doc->segs[doc->nsegs];
    memset(s, 0, sizeof *s);
    s->start = start;
    s->end = doc->text_len;
    s->page = doc->cur_page;
    s->level = heading ? info->level : 0;
    s->flags = info->flags;
    s->section = section_path(doc);
    s->anchor = dup_or_null(info->anchor ? info->anchor : current_anchor(doc));
    doc->nsegs++;

    if (doc->npages) {
        quire_page *p = &doc->pages[doc->npages - 1];
        if (p->end == p->start) p->start = start;
        p->end = doc->text_len;
    }
out:
    buf_free(&clean);
    return rc;
}

void quire_doc_end_section(quire_doc *doc, int level)
{
    if (level < 1) level = 1;
    for (int l = level; l <= 6; l++) {
        free(doc->heading[l]);
        free(doc->heading_anchor[l]);
        doc->heading[l] = NULL;
        doc->heading_anchor[l] = NULL;
    }
}

int quire_doc_section_level(const quire_doc *doc)
{
    for (int l = 6; l >= 1; l--)
        if (doc->heading[l]) return l;
    return 0;
}

quire_status quire_doc_set_meta(quire_doc *doc, const char *field, const char *value)
{
    char **slot = NULL;
    if (!strcmp(field, "title")) slot = &doc->title;
    else if (!strcmp(field, "authors")) slot = &doc->authors;
    else if (!strcmp(field, "date")) slot = &doc->date;
    else if (!strcmp(field, "language")) slot = &doc->language;
    else if (!strcmp(field, "description")) slot = &doc->description;
    else return QUIRE_ERR_INVALID;
    char *v = NULL;
    if (value) {
        buf b = QUIRE_BUF_INIT(0);
        if (utf8_append_repaired(&b, value, strlen(value))) {
            buf_free(&b);
            return QUIRE_ERR_NOMEM;
        }
        v = buf_steal(&b);
        if (!v) return QUIRE_ERR_NOMEM;
    }
    free(*slot);
    *slot = v;
    return QUIRE_OK;
}

quire_status quire_doc_add_link(quire_doc *doc, const char *href, size_t len)
{
    while (len && is_space((unsigned char)href[0])) { href++; len--; }
    while (len && is_space((unsigned char)href[len - 1])) len--;
    if (!len || len > QUIRE_DOC_MAX_LINK_BYTES || doc->nlinks >= QUIRE_DOC_MAX_LINKS)
        return QUIRE_OK;
    quire_status rc = array_reserve((void **)&doc->links, &doc->links_alloc, doc->nlinks + 1,
                           sizeof *doc->links);
    if (rc) return rc;
    buf b = QUIRE_BUF_INIT(0);
    if (utf8_append_repaired(&b, href, len)) {
        buf_free(&b);
        return QUIRE_ERR_NOMEM;
    }
    char *s = buf_steal(&b);
    if (!s) return QUIRE_ERR_NOMEM;
    doc->links[doc->nlinks++] = s;
    return QUIRE_OK;
}

quire_status quire_doc_warn(quire_doc *doc, const char *fmt, ...)
{
    buf b = QUIRE_BUF_INIT(0);
    quire_status rc = QUIRE_OK;
    if (doc->warnings) rc = buf_printf(&b, "%s\n", doc->warnings);
    if (!rc) {
        va_list ap;
        va_start(ap, fmt);
        char tmp[1024];
        vsnprintf(tmp, sizeof tmp, fmt, ap);
        va_end(ap);
        rc = buf_append_str(&b, tmp);
    }
    if (rc) {
        buf_free(&b);
        return rc;
    }
    free(doc->warnings);
    doc->warnings = buf_steal(&b);
    return doc->warnings ? QUIRE_OK : QUIRE_ERR_NOMEM;
}

size_t quire_count_words(const char *text, size_t len)
{
    size_t words = 0;
    bool in_word = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        /* Bytes >= 0x80 belong to non-ASCII letters in practice (accents, CJK);
         * punctuation and spaces end a word. */
        bool w = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 c >= 0x80;
        if (w && !in_word) words++;
        in_word = w;
    }
    return words;
}
