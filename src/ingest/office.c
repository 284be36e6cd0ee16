/* DOCX, ODT and EPUB: zip containers (libarchive, read from memory) of XML
 * parts (libxml2, no network, no DTD loading, no entity substitution).
 *
 * Container rules (every zip is hostile)
 * --------------------------------------
 *   - at most ZIP_MAX_ENTRIES entries;
 *   - any entry name that is absolute ("/x", "\x", "C:x"), holds a ".."
 *     component or a backslash refuses the whole file (QUIRE_ERR_FORMAT):
 *     no honest office file has one;
 *   - only the parts we read are decompressed; each may hold at most
 *     opts->max_text_bytes (default 64 MiB) and all of them together at most
 *     opts->max_file_bytes (default 256 MiB), checked against the size the
 *     entry claims before reading and against the bytes actually produced
 *     while reading (a zip bomb stops at the cap): QUIRE_ERR_TOO_BIG;
 *   - encrypted entries: QUIRE_ERR_ENCRYPTED.
 *
 * Parts read
 * ----------
 *   DOCX  word/document.xml: w:body paragraphs (w:p) and tables (w:tbl rows
 *         -> one block of cells joined by " | "); headings from the paragraph
 *         style (word/styles.xml: name "heading N" or w:outlineLvl, following
 *         w:basedOn) or a direct w:outlineLvl, else a style id "HeadingN";
 *         the "Title" style gives the title; numbered/bulleted paragraphs
 *         (w:numPr) are list items. docProps/core.xml: title, creator, date,
 *         language. Deleted text, field codes and mc:Fallback are skipped.
 *   ODT   content.xml: text:h (text:outline-level) headings, text:p
 *         paragraphs, text:list items, table:table rows; tables of contents,
 *         notes, annotations and tracked changes are skipped. meta.xml:
 *         title, creator, date, language.
 *   EPUB  META-INF/container.xml -> rootfile (OPF) -> metadata (dc:title,
 *         dc:creator..., dc:date, dc:language), manifest and spine; each
 *         spine item (XHTML) goes through the HTML extractor in spine order
 *         and is one "page" of the doc whose label is the item's path, so a
 *         chunk never spans two chapters and a citation names its chapter.
 */
#include "quire/ingest.h"

#include "ingest/html_internal.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZIP_MAX_ENTRIES 20000
#define ZIP_MAX_NAME 1024
#define EPUB_MAX_SPINE 10000
#define OFFICE_MAX_DEPTH 256

/* ---------------------------------------------------------------- zip */

typedef struct zip_part {
    char *name;  /* owned, as stored in the zip */
    char *data;  /* owned, NUL-terminated */
    size_t len;
} zip_part;

typedef struct zip_parts {
    zip_part *v;
    size_t n, alloc;
} zip_parts;

static void zip_parts_free(zip_parts *z)
{
    for (size_t i = 0; i < z->n; i++) {
        free(z->v[i].name);
        free(z->v[i].data);
    }
    free(z->v);
    memset(z, 0, sizeof *z);
}

static const zip_part *zip_find(const zip_parts *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++)
        if (!strcmp(z->v[i].name, name)) return &z->v[i];
    return NULL;
}

/* A name that could escape the extraction root or is otherwise dishonest. */
static bool unsafe_name(const char *name)
{
    if (!*name || name[0] == '/' || name[0] == '\\') return true;
    if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':') return true;
    if (strchr(name, '\\')) return true;
    for (const char *p = name; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') return true;
        p += n;
        if (*p == '/') p++;
    }
    return strlen(name) > ZIP_MAX_NAME;
}

typedef bool (*zip_want_fn)(const char *name);

typedef struct zip_limits {
    size_t entry_bytes, total_bytes;
} zip_limits;

static zip_limits limits_from(const quire_extract_opts *opts)
{
    zip_limits l = {(size_t)64 << 20, (size_t)256 << 20};
    if (opts && opts->max_text_bytes) l.entry_bytes = opts->max_text_bytes;
    if (opts && opts->max_file_bytes) l.total_bytes = opts->max_file_bytes;
    return l;
}

/* Read the parts `want` selects from the zip in buf[0..len) into *out
 * (caller frees with zip_parts_free, also on error). */
static quire_status zip_load(const void *data, size_t len, zip_limits lim, zip_want_fn want,
                             zip_parts *out, quire_error *err)
{
    memset(out, 0, sizeof *out);
    if (len < 22 || memcmp(data, "PK", 2))
        return quire_error_set(err, QUIRE_ERR_FORMAT, "not a zip container");
    struct archive *a = archive_read_new();
    if (!a) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    archive_read_support_format_zip_seekable(a);
    quire_status rc = QUIRE_OK;
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "not a readable zip: %s",
                             archive_error_string(a) ? archive_error_string(a) : "unknown error");
        archive_read_free(a);
        return rc;
    }
    size_t total = 0, entries = 0;
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "corrupt zip: %s",
                                 archive_error_string(a) ? archive_error_string(a) : "bad header");
            break;
        }
        if (++entries > ZIP_MAX_ENTRIES) {
            rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "zip has more than %d entries",
                                 ZIP_MAX_ENTRIES);
            break;
        }
        const char *name = archive_entry_pathname(e);
        if (!name || unsafe_name(name)) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT, "zip entry with an unsafe path '%.200s'",
                                 name ? name : "(none)");
            break;
        }
        if (archive_entry_filetype(e) != AE_IFREG || !want(name)) continue;
        if (archive_entry_is_encrypted(e)) {
            rc = quire_error_set(err, QUIRE_ERR_ENCRYPTED, "zip entry '%.200s' is encrypted", name);
            break;
        }
        if (archive_entry_size_is_set(e)) {
            la_int64_t claimed = archive_entry_size(e);
            if (claimed < 0 || (uint64_t)claimed > lim.entry_bytes ||
                (uint64_t)claimed > lim.total_bytes - total) {
                rc = quire_error_set(err, QUIRE_ERR_TOO_BIG,
                                     "zip entry '%.200s' claims %lld bytes (limit %zu per part, "
                                     "%zu in all)",
                                     name, (long long)claimed, lim.entry_bytes, lim.total_bytes);
                break;
            }
        }
        size_t cap = lim.entry_bytes < lim.total_bytes - total ? lim.entry_bytes
                                                               : lim.total_bytes - total;
        buf b = QUIRE_BUF_INIT(cap);
        char chunk[65536];
        for (;;) {
            la_ssize_t got = archive_read_data(a, chunk, sizeof chunk);
            if (got == 0) break;
            if (got < 0) {
                rc = quire_error_set(err, QUIRE_ERR_FORMAT, "corrupt zip entry '%.200s': %s", name,
                                     archive_error_string(a) ? archive_error_string(a) : "read error");
                break;
            }
            if (buf_append(&b, chunk, (size_t)got)) {
                rc = b.len + (size_t)got > cap
                         ? quire_error_set(err, QUIRE_ERR_TOO_BIG,
                                           "zip entry '%.200s' expands past %zu bytes", name, cap)
                         : quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
                break;
            }
        }
        if (rc) {
            buf_free(&b);
            break;
        }
        total += b.len;
        if (out->n == out->alloc) {
            size_t na = out->alloc ? out->alloc * 2 : 16;
            zip_part *v = realloc(out->v, na * sizeof *v);
            if (!v) {
                buf_free(&b);
                rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
                break;
            }
            out->v = v;
            out->alloc = na;
        }
        zip_part *p = &out->v[out->n];
        p->name = strdup(name);
        p->len = b.len;
        p->data = buf_steal(&b);
        if (!p->name || !p->data) {
            free(p->name);
            free(p->data);
            rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
            break;
        }
        out->n++;
    }
    archive_read_free(a);
    return rc;
}

/* ---------------------------------------------------------------- XML helpers */

static xmlDoc *xml_parse(const zip_part *p)
{
    if (p->len > (size_t)INT_MAX) return NULL;
    /* No XML_PARSE_NOENT (entities stay references), no DTD loading, no network. */
    ingest_xml_quiet q;
    ingest_xml_mute(&q);
    xmlDoc *d = xmlReadMemory(p->data, (int)p->len, p->name, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    ingest_xml_unmute(&q);
    return d;
}

static bool is(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->name && !strcmp((const char *)n->name, local);
}

/* Attribute by local name (any namespace), borrowed; NULL if absent. */
static const char *xattr(const xmlNode *n, const char *local)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->name && !strcmp((const char *)a->name, local)) {
            const xmlNode *c = a->children;
            if (c && c->type == XML_TEXT_NODE && !c->next && c->content) return (const char *)c->content;
            return "";
        }
    }
    return NULL;
}

static xmlNode *child(const xmlNode *n, const char *local)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, local)) return c;
    return NULL;
}

/* First descendant element named local (depth-first), or NULL. */
static xmlNode *find(xmlNode *n, const char *local, int depth)
{
    for (; n && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (is(n, local)) return n;
        xmlNode *f = find(n->children, local, depth + 1);
        if (f) return f;
    }
    return NULL;
}

/* Text content of n with whitespace collapsed, appended to b. */
static quire_status text_of(const xmlNode *n, buf *b)
{
    xmlChar *t = xmlNodeGetContent((xmlNode *)n);
    if (!t) return QUIRE_OK;
    quire_status rc = buf_append_collapsed(b, (const char *)t);
    xmlFree(t);
    return rc;
}

/* Set doc metadata `field` from the text of element n (first value wins
 * unless append, which joins with "; "). */
static quire_status meta_from(quire_doc *doc, const char *field, const xmlNode *n, bool append)
{
    buf b = QUIRE_BUF_INIT(0);
    quire_status rc = text_of(n, &b);
    char **slot = !strcmp(field, "title") ? &doc->title
                : !strcmp(field, "authors") ? &doc->authors
                : !strcmp(field, "date") ? &doc->date : &doc->language;
    if (!rc && b.len) {
        if (!*slot) {
            rc = quire_doc_set_meta(doc, field, b.data);
        } else if (append) {
            buf j = QUIRE_BUF_INIT(0);
            rc = buf_printf(&j, "%s; %s", *slot, b.data);
            if (!rc) rc = quire_doc_set_meta(doc, field, j.data);
            buf_free(&j);
        }
    }
    buf_free(&b);
    return rc;
}

/* Dublin Core metadata found anywhere under root (core.xml, meta.xml, OPF). */
static quire_status read_dc(quire_doc *doc, xmlNode *n, int depth)
{
    quire_status rc = QUIRE_OK;
    for (; n && !rc && depth < 16; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (is(n, "title")) rc = meta_from(doc, "title", n, false);
        else if (is(n, "creator") || is(n, "initial-creator")) rc = meta_from(doc, "authors", n, true);
        else if (is(n, "date") || is(n, "created") || is(n, "creation-date"))
            rc = meta_from(doc, "date", n, false);
        else if (is(n, "language")) {
            buf b = QUIRE_BUF_INIT(64);
            if (!text_of(n, &b) && b.len >= 2) {
                char lang[3] = {(char)(b.data[0] | 0x20), (char)(b.data[1] | 0x20), 0};
                if (lang[0] >= 'a' && lang[0] <= 'z' && lang[1] >= 'a' && lang[1] <= 'z' &&
                    !doc->language)
                    rc = quire_doc_set_meta(doc, "language", lang);
            }
            buf_free(&b);
        } else {
            rc = read_dc(doc, n->children, depth + 1);
        }
    }
    return rc;
}

static quire_status meta_part(quire_doc *doc, const zip_parts *z, const char *name)
{
    const zip_part *p = zip_find(z, name);
    if (!p) return QUIRE_OK;
    xmlDoc *x = xml_parse(p);
    if (!x) return QUIRE_OK; /* unreadable metadata is not worth refusing the file */
    quire_status rc = read_dc(doc, xmlDocGetRootElement(x), 0);
    xmlFreeDoc(x);
    return rc;
}

/* Paragraph text builder shared by DOCX and ODT. */
typedef struct para {
    buf text;
    bool space;
} para;

static quire_status para_text(para *p, const char *s)
{
    quire_status rc = QUIRE_OK;
    for (; *s && !rc; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
            p->space = p->text.len > 0;
            continue;
        }
        if (p->space && p->text.len && p->text.data[p->text.len - 1] != '\n' &&
            p->text.data[p->text.len - 1] != ' ')
            rc = buf_append_char(&p->text, ' ');
        p->space = false;
        if (!rc) rc = buf_append_char(&p->text, *s);
    }
    return rc;
}

static quire_status para_break(para *p)
{
    p->space = false;
    return p->text.len ? buf_append_char(&p->text, '\n') : QUIRE_OK;
}

static quire_status emit(quire_doc *doc, para *p, unsigned flags, int level)
{
    quire_status rc = QUIRE_OK;
    if (p->text.len) {
        quire_block_info info = {flags, level, NULL};
        rc = quire_doc_add_block(doc, p->text.data, p->text.len, &info);
    }
    buf_reset(&p->text);
    p->space = false;
    return rc;
}

static quire_status new_doc(const char *format, const quire_extract_opts *opts, quire_doc **doc,
                            quire_error *err)
{
    *doc = quire_doc_new(format);
    if (!*doc) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    if (opts) (*doc)->max_bytes = opts->max_text_bytes;
    return QUIRE_OK;
}

/* ---------------------------------------------------------------- DOCX */

typedef struct docx_style {
    const char *id;      /* borrowed from the styles tree */
    const char *based_on;
    int level;           /* 1..6 heading, 0 none, -1 title */
} docx_style;

typedef struct docx {
    quire_doc *doc;
    docx_style *styles;
    size_t nstyles;
    para p;
    quire_status rc;
} docx;

static int heading_from_name(const char *name)
{
    if (!name) return 0;
    if (!strcasecmp(name, "title")) return -1;
    if (!strncasecmp(name, "heading", 7)) {
        const char *d = name + 7;
        while (*d == ' ') d++;
        if (*d >= '1' && *d <= '9' && !d[1]) return *d - '0' > 6 ? 6 : *d - '0';
    }
    return 0;
}

static int outline_level(const xmlNode *ppr)
{
    const xmlNode *o = child(ppr, "outlineLvl");
    const char *v = o ? xattr(o, "val") : NULL;
    if (!v || v[0] < '0' || v[0] > '8' || v[1]) return 0; /* 9 = body text */
    int l = v[0] - '0' + 1;
    return l > 6 ? 6 : l;
}

static const docx_style *style_find(const docx *d, const char *id)
{
    for (size_t i = 0; id && i < d->nstyles; i++)
        if (!strcmp(d->styles[i].id, id)) return &d->styles[i];
    return NULL;
}

static quire_status docx_load_styles(docx *d, xmlDoc *x)
{
    xmlNode *root = xmlDocGetRootElement(x);
    size_t n = 0;
    for (xmlNode *s = root ? root->children : NULL; s; s = s->next) n += is(s, "style");
    if (!n) return QUIRE_OK;
    d->styles = calloc(n, sizeof *d->styles);
    if (!d->styles) return QUIRE_ERR_NOMEM;
    for (xmlNode *s = root->children; s; s = s->next) {
        if (!is(s, "style")) continue;
        const char *id = xattr(s, "styleId");
        const char *type = xattr(s, "type");
        if (!id || (type && strcmp(type, "paragraph"))) continue;
        docx_style *st = &d->styles[d->nstyles++];
        st->id = id;
        xmlNode *nm = child(s, "name");
        xmlNode *based = child(s, "basedOn");
        st->based_on = based ? xattr(based, "val") : NULL;
        st->level = heading_from_name(nm ? xattr(nm, "val") : NULL);
        if (!st->level) st->level = outline_level(child(s, "pPr"));
    }
    /* Inherit along w:basedOn (bounded: cycles are possible in hostile files). */
    for (size_t i = 0; i < d->nstyles; i++) {
        const docx_style *b = &d->styles[i];
        for (int hop = 0; hop < 8 && !d->styles[i].level && b; hop++) {
            b = style_find(d, b->based_on);
            if (b && b->level) d->styles[i].level = b->level;
        }
    }
    return QUIRE_OK;
}

/* Heading level of a paragraph from its w:pPr: direct outline level, then
 * the style, then a style id that spells it ("Heading2"). */
static int docx_level(const docx *d, const xmlNode *ppr, bool *list)
{
    *list = ppr && child(ppr, "numPr");
    if (!ppr) return 0;
    int l = outline_level(ppr);
    if (l) return l;
    xmlNode *ps = child(ppr, "pStyle");
    const char *id = ps ? xattr(ps, "val") : NULL;
    if (!id) return 0;
    const docx_style *st = style_find(d, id);
    if (st && st->level) return st->level;
    return heading_from_name(id);
}

/* Text of a paragraph's runs (recursing through hyperlinks, insertions,
 * smart tags, content controls). */
static void docx_runs(docx *d, xmlNode *n, int depth)
{
    for (; n && !d->rc && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)n->name;
        if (!strcmp(nm, "t")) {
            xmlChar *t = xmlNodeGetContent(n);
            if (t) {
                /* w:t keeps its spaces as written (xml:space="preserve"). */
                size_t len = strlen((const char *)t);
                char last = d->p.text.len ? d->p.text.data[d->p.text.len - 1] : '\n';
                if (d->p.space && last != ' ' && last != '\n')
                    d->rc = buf_append_char(&d->p.text, ' ');
                d->p.space = false;
                if (!d->rc) d->rc = buf_append(&d->p.text, t, len);
                xmlFree(t);
            }
        } else if (!strcmp(nm, "tab") || !strcmp(nm, "ptab")) {
            d->p.space = true;
        } else if (!strcmp(nm, "br") || !strcmp(nm, "cr")) {
            const char *type = xattr(n, "type");
            if (type && strcmp(type, "textWrapping")) d->p.space = true;
            else d->rc = para_break(&d->p);
        } else if (!strcmp(nm, "noBreakHyphen")) {
            d->rc = buf_append_char(&d->p.text, '-');
        } else if (!strcmp(nm, "pPr") || !strcmp(nm, "rPr") || !strcmp(nm, "delText") ||
                   !strcmp(nm, "instrText") || !strcmp(nm, "del") || !strcmp(nm, "Fallback") ||
                   !strcmp(nm, "drawing") || !strcmp(nm, "pict") || !strcmp(nm, "object") ||
                   !strcmp(nm, "footnoteReference") || !strcmp(nm, "endnoteReference") ||
                   !strcmp(nm, "commentReference")) {
            continue;
        } else {
            docx_runs(d, n->children, depth + 1);
        }
    }
}

static void docx_paragraph(docx *d, xmlNode *p, bool in_cell)
{
    bool list;
    int level = docx_level(d, child(p, "pPr"), &list);
    if (in_cell) { /* a cell is one run of text: its paragraphs join with spaces */
        d->p.space = true;
        docx_runs(d, p->children, 0);
        d->p.space = true;
        return;
    }
    if (list && level <= 0) d->rc = buf_append_str(&d->p.text, "- ");
    if (!d->rc) docx_runs(d, p->children, 0);
    if (d->rc) return;
    if (level == -1) {
        if (!d->doc->title && d->p.text.len) d->rc = quire_doc_set_meta(d->doc, "title", d->p.text.data);
        if (!d->rc) d->rc = emit(d->doc, &d->p, QUIRE_SEG_TITLE, 0);
    } else if (level > 0) {
        d->rc = emit(d->doc, &d->p, QUIRE_SEG_HEADING, level);
    } else if (list && d->p.text.len <= 2) {
        buf_reset(&d->p.text);
    } else {
        d->rc = emit(d->doc, &d->p, list ? QUIRE_SEG_LIST : 0, 0);
    }
}

static void docx_cell_content(docx *d, xmlNode *n, int depth);

static void docx_table(docx *d, xmlNode *tbl, int depth)
{
    for (xmlNode *tr = tbl->children; tr && !d->rc; tr = tr->next) {
        if (!is(tr, "tr")) continue;
        int cells = 0;
        for (xmlNode *tc = tr->children; tc && !d->rc; tc = tc->next) {
            if (!is(tc, "tc")) continue;
            if (cells++) {
                d->rc = buf_append_str(&d->p.text, " | ");
                d->p.space = false;
            }
            docx_cell_content(d, tc->children, depth + 1);
        }
        if (!d->rc && depth == 0) d->rc = emit(d->doc, &d->p, QUIRE_SEG_TABLE, 0);
        else d->p.space = true;
    }
}

static void docx_cell_content(docx *d, xmlNode *n, int depth)
{
    for (; n && !d->rc && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (is(n, "p")) docx_paragraph(d, n, true);
        else if (is(n, "tbl")) docx_table(d, n, depth + 1);
        else if (is(n, "sdt") || is(n, "sdtContent") || is(n, "customXml"))
            docx_cell_content(d, n->children, depth + 1);
    }
}

static void docx_body(docx *d, xmlNode *n, int depth)
{
    for (; n && !d->rc && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (is(n, "p")) docx_paragraph(d, n, false);
        else if (is(n, "tbl")) docx_table(d, n, 0);
        else if (is(n, "sdt") || is(n, "sdtContent") || is(n, "customXml") || is(n, "ins") ||
                 is(n, "smartTag"))
            docx_body(d, n->children, depth + 1);
    }
}

static bool docx_want(const char *name)
{
    return !strcmp(name, "word/document.xml") || !strcmp(name, "word/styles.xml") ||
           !strcmp(name, "docProps/core.xml");
}

quire_status quire_extract_docx(const void *data, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err)
{
    *out = NULL;
    zip_parts z;
    quire_status rc = zip_load(data, len, limits_from(opts), docx_want, &z, err);
    if (rc) {
        zip_parts_free(&z);
        return rc;
    }
    const zip_part *main = zip_find(&z, "word/document.xml");
    if (!main) {
        zip_parts_free(&z);
        return quire_error_set(err, QUIRE_ERR_FORMAT, "DOCX without word/document.xml");
    }
    docx d;
    memset(&d, 0, sizeof d);
    buf_init(&d.p.text, 0);
    xmlDoc *styles = NULL, *x = NULL;
    if ((rc = new_doc("docx", opts, &d.doc, err))) goto done;
    const zip_part *sp = zip_find(&z, "word/styles.xml");
    if (sp && (styles = xml_parse(sp)) && (rc = docx_load_styles(&d, styles))) {
        quire_error_set(err, rc, "DOCX styles: %s", quire_strerror(rc));
        goto done;
    }
    if (!(x = xml_parse(main))) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "DOCX word/document.xml is not well-formed XML");
        goto done;
    }
    xmlNode *body = find(xmlDocGetRootElement(x), "body", 0);
    d.rc = meta_part(d.doc, &z, "docProps/core.xml"); /* before the body: its title wins */
    if (body && !d.rc) docx_body(&d, body->children, 0);
    if (!d.rc) d.rc = emit(d.doc, &d.p, 0, 0);
    if ((rc = d.rc)) quire_error_set(err, rc, "DOCX extraction failed: %s", quire_strerror(rc));
done:
    xmlFreeDoc(x);
    xmlFreeDoc(styles);
    free(d.styles);
    buf_free(&d.p.text);
    zip_parts_free(&z);
    if (rc) {
        quire_doc_free(d.doc);
        return rc;
    }
    *out = d.doc;
    return QUIRE_OK;
}

/* ---------------------------------------------------------------- ODT */

typedef struct odt {
    quire_doc *doc;
    para p;
    int list;   /* list nesting depth */
    int cell;   /* > 0 inside a table cell */
    quire_status rc;
} odt;

static bool odt_skipped(const xmlNode *n)
{
    static const char *skip[] = {"table-of-content", "alphabetical-index", "illustration-index",
                                 "table-index", "object-index", "user-index", "bibliography",
                                 "note", "annotation", "tracked-changes", "sequence-decls",
                                 "forms", "variable-decls", "user-field-decls", "note-citation",
                                 "annotation-end", "covered-table-cell", "table-columns",
                                 "table-column", "table-column-group"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (is(n, skip[i])) return true;
    return false;
}

static void odt_inline(odt *o, xmlNode *n, int depth)
{
    for (; n && !o->rc && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content) {
            o->rc = para_text(&o->p, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || odt_skipped(n)) continue;
        if (is(n, "s") || is(n, "tab")) o->p.space = true;
        else if (is(n, "line-break")) o->rc = o->cell ? (o->p.space = true, QUIRE_OK) : para_break(&o->p);
        else if (is(n, "a")) {
            const char *href = xattr(n, "href");
            if (href && *href && *href != '#') o->rc = quire_doc_add_link(o->doc, href, strlen(href));
            if (!o->rc) odt_inline(o, n->children, depth + 1);
        } else odt_inline(o, n->children, depth + 1);
    }
}

static void odt_blocks(odt *o, xmlNode *n, int depth);

static void odt_table(odt *o, xmlNode *n, int depth)
{
    for (; n && !o->rc && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (is(n, "table-row")) {
            int cells = 0;
            for (xmlNode *c = n->children; c && !o->rc; c = c->next) {
                if (!is(c, "table-cell")) continue;
                if (cells++) {
                    o->rc = buf_append_str(&o->p.text, " | ");
                    o->p.space = false;
                }
                o->cell++;
                odt_blocks(o, c->children, depth + 1);
                o->cell--;
            }
            if (!o->rc && !o->cell) {
                /* trailing repeated empty cells leave " | | " tails */
                while (o->p.text.len && (o->p.text.data[o->p.text.len - 1] == ' ' ||
                                         o->p.text.data[o->p.text.len - 1] == '|'))
                    o->p.text.len--;
                if (o->p.text.data) o->p.text.data[o->p.text.len] = '\0';
                o->rc = emit(o->doc, &o->p, QUIRE_SEG_TABLE, 0);
            } else {
                o->p.space = true;
            }
        } else if (n->type == XML_ELEMENT_NODE && !odt_skipped(n)) {
            odt_table(o, n->children, depth + 1); /* header-rows, row-groups */
        }
    }
}

static void odt_blocks(odt *o, xmlNode *n, int depth)
{
    for (; n && !o->rc && depth < OFFICE_MAX_DEPTH; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || odt_skipped(n)) continue;
        if (is(n, "p") || is(n, "h")) {
            if (o->cell) {
                o->p.space = true;
                odt_inline(o, n->children, depth + 1);
                o->p.space = true;
                continue;
            }
            int level = 0;
            if (is(n, "h")) {
                const char *lv = xattr(n, "outline-level");
                level = 1;
                if (lv && lv[0] >= '1' && lv[0] <= '9') level = lv[0] - '0' > 6 ? 6 : lv[0] - '0';
            }
            if (o->list && !level) o->rc = buf_append_str(&o->p.text, "- ");
            if (!o->rc) odt_inline(o, n->children, depth + 1);
            if (o->rc) return;
            if (o->list && !level && o->p.text.len <= 2) buf_reset(&o->p.text);
            else o->rc = emit(o->doc, &o->p, level ? QUIRE_SEG_HEADING : o->list ? QUIRE_SEG_LIST : 0, level);
        } else if (is(n, "list")) {
            o->list++;
            odt_blocks(o, n->children, depth + 1);
            o->list--;
        } else if (is(n, "table")) {
            if (!o->cell) o->rc = emit(o->doc, &o->p, 0, 0);
            odt_table(o, n->children, depth + 1);
        } else {
            odt_blocks(o, n->children, depth + 1); /* section, list-item, frame, text-box... */
        }
    }
}

static bool odt_want(const char *name)
{
    return !strcmp(name, "content.xml") || !strcmp(name, "meta.xml");
}

quire_status quire_extract_odt(const void *data, size_t len, const quire_extract_opts *opts,
                               quire_doc **out, quire_error *err)
{
    *out = NULL;
    zip_parts z;
    quire_status rc = zip_load(data, len, limits_from(opts), odt_want, &z, err);
    if (rc) {
        zip_parts_free(&z);
        return rc;
    }
    const zip_part *content = zip_find(&z, "content.xml");
    if (!content) {
        zip_parts_free(&z);
        return quire_error_set(err, QUIRE_ERR_FORMAT, "ODT without content.xml");
    }
    odt o;
    memset(&o, 0, sizeof o);
    buf_init(&o.p.text, 0);
    xmlDoc *x = NULL;
    if ((rc = new_doc("odt", opts, &o.doc, err))) goto done;
    if (!(x = xml_parse(content))) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "ODT content.xml is not well-formed XML");
        goto done;
    }
    xmlNode *body = find(xmlDocGetRootElement(x), "body", 0);
    xmlNode *text = body ? child(body, "text") : NULL;
    if (text) odt_blocks(&o, text->children, 0);
    if (!o.rc) o.rc = emit(o.doc, &o.p, 0, 0);
    if (!o.rc) o.rc = meta_part(o.doc, &z, "meta.xml");
    if ((rc = o.rc)) quire_error_set(err, rc, "ODT extraction failed: %s", quire_strerror(rc));
done:
    xmlFreeDoc(x);
    buf_free(&o.p.text);
    zip_parts_free(&z);
    if (rc) {
        quire_doc_free(o.doc);
        return rc;
    }
    *out = o.doc;
    return QUIRE_OK;
}

/* ---------------------------------------------------------------- EPUB */

static bool epub_want(const char *name)
{
    static const char *skip[] = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".css",
                                 ".ttf", ".otf", ".woff", ".woff2", ".mp3", ".mp4", ".m4a",
                                 ".ogg", ".js", ".ncx", ".pls", ".smil", ".bmp", ".tif", ".tiff"};
    size_t n = strlen(name);
    if (n && name[n - 1] == '/') return false;
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        size_t k = strlen(skip[i]);
        if (n > k && !strcasecmp(name + n - k, skip[i])) return false;
    }
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
    return -1;
}

/* Resolve an OPF-relative href ("../Text/ch1.xhtml#x", percent-encoded)
 * against dir into out (zip path). False if it escapes the root or is too long. */
static bool resolve_href(const char *dir, const char *href, char *out, size_t size)
{
    char tmp[ZIP_MAX_NAME * 2];
    size_t n = 0;
    int w = snprintf(tmp, sizeof tmp, "%s", dir);
    if (w < 0 || (size_t)w >= sizeof tmp) return false;
    n = (size_t)w;
    for (const char *p = href; *p && *p != '#' && *p != '?'; p++) {
        char c = *p;
        if (c == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        }
        if (!c || n + 1 >= sizeof tmp) return false;
        tmp[n++] = c;
    }
    tmp[n] = '\0';
    /* Normalise "a/./b", "a/x/../b" without ever climbing above the root. */
    size_t o = 0;
    const char *p = tmp;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == 0 || (k == 1 && p[0] == '.')) {
        } else if (k == 2 && p[0] == '.' && p[1] == '.') {
            if (!o) return false;
            while (o && out[o - 1] != '/') o--;
            if (o) o--;
        } else {
            if (o + k + 2 > size) return false;
            if (o) out[o++] = '/';
            memcpy(out + o, p, k);
            o += k;
        }
        p += k;
        if (*p == '/') p++;
    }
    out[o] = '\0';
    return o > 0;
}

static quire_status epub_chapter(quire_doc *doc, const zip_part *part, quire_error *err)
{
    xmlDoc *tree = NULL;
    quire_status rc = ingest_html_parse(part->data, part->len, &tree, err);
    if (rc == QUIRE_ERR_FORMAT) return quire_doc_warn(doc, "%s: unreadable chapter skipped", part->name);
    if (rc) return rc;
    rc = quire_doc_begin_page(doc, part->name);
    if (!rc) rc = ingest_html_walk(doc, tree, 0);
    quire_doc_end_section(doc, 1);
    xmlFreeDoc(tree);
    return rc;
}

static const char *opf_path(const zip_parts *z, xmlDoc **container)
{
    const zip_part *c = zip_find(z, "META-INF/container.xml");
    if (c && (*container = xml_parse(c))) {
        xmlNode *rf = find(xmlDocGetRootElement(*container), "rootfile", 0);
        const char *path = rf ? xattr(rf, "full-path") : NULL;
        if (path && zip_find(z, path)) return path;
    }
    for (size_t i = 0; i < z->n; i++) { /* no usable container: any .opf */
        size_t n = strlen(z->v[i].name);
        if (n > 4 && !strcasecmp(z->v[i].name + n - 4, ".opf")) return z->v[i].name;
    }
    return NULL;
}

quire_status quire_extract_epub(const void *data, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err)
{
    *out = NULL;
    zip_parts z;
    quire_status rc = zip_load(data, len, limits_from(opts), epub_want, &z, err);
    if (rc) {
        zip_parts_free(&z);
        return rc;
    }
    quire_doc *doc = NULL;
    xmlDoc *container = NULL, *opf = NULL;
    const char *path = opf_path(&z, &container);
    const zip_part *opf_part = path ? zip_find(&z, path) : NULL;
    if (!opf_part) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "EPUB without a package (OPF) file");
        goto done;
    }
    if (!(opf = xml_parse(opf_part))) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "EPUB package %s is not well-formed XML", path);
        goto done;
    }
    if ((rc = new_doc("epub", opts, &doc, err))) goto done;
    char dir[ZIP_MAX_NAME + 2] = "";
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) + 1 < sizeof dir) {
        memcpy(dir, path, (size_t)(slash - path) + 1);
        dir[slash - path + 1] = '\0';
    }
    xmlNode *root = xmlDocGetRootElement(opf);
    xmlNode *metadata = find(root, "metadata", 0);
    if (metadata && (rc = read_dc(doc, metadata->children, 0))) {
        quire_error_set(err, rc, "EPUB metadata: %s", quire_strerror(rc));
        goto done;
    }
    xmlNode *manifest = find(root, "manifest", 0);
    xmlNode *spine = find(root, "spine", 0);
    size_t chapters = 0;
    for (xmlNode *ir = spine ? spine->children : NULL; ir && !rc; ir = ir->next) {
        if (!is(ir, "itemref")) continue;
        const char *idref = xattr(ir, "idref");
        if (!idref || !manifest) continue;
        if (++chapters > EPUB_MAX_SPINE) {
            rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "EPUB spine has more than %d items",
                                 EPUB_MAX_SPINE);
            break;
        }
        const char *href = NULL;
        for (xmlNode *it = manifest->children; it; it = it->next) {
            const char *id = is(it, "item") ? xattr(it, "id") : NULL;
            if (id && !strcmp(id, idref)) {
                href = xattr(it, "href");
                break;
            }
        }
        char full[ZIP_MAX_NAME + 1];
        const zip_part *ch = href && resolve_href(dir, href, full, sizeof full) ? zip_find(&z, full)
                                                                                 : NULL;
        if (!ch) {
            rc = quire_doc_warn(doc, "spine item '%.200s' not found", idref);
            continue;
        }
        rc = epub_chapter(doc, ch, err);
        if (rc) quire_error_set(err, rc, "EPUB chapter %s: %s", ch->name, quire_strerror(rc));
    }
done:
    xmlFreeDoc(opf);
    xmlFreeDoc(container);
    zip_parts_free(&z);
    if (rc) {
        quire_doc_free(doc);
        return rc;
    }
    *out = doc;
    return QUIRE_OK;
}
