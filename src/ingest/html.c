/* HTML extraction on libxml2's HTML parser (from memory, never the network).
 * Basic version: main content (<main>/<article>/role=main when present),
 * script/style/nav/header/footer/aside/form dropped, headings as sections with
 * their ids as anchors, block elements as blocks, whitespace collapsed. */
#include "quire/ingest.h"

#include "util/buf.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

typedef struct walker {
    quire_doc *doc;
    buf text;           /* current block, whitespace collapsed */
    quire_status rc;
} walker;

static bool name_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

static bool skipped(const xmlNode *n)
{
    static const char *drop[] = {"script", "style", "nav", "header", "footer", "aside", "form",
                                 "noscript", "template", "svg", "button", "select", "iframe"};
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        if (name_is(n, drop[i])) return true;
    xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
    bool nav = role && (!strcasecmp((char *)role, "navigation") || !strcasecmp((char *)role, "banner") ||
                        !strcasecmp((char *)role, "contentinfo"));
    xmlFree(role);
    return nav;
}

static bool is_block(const xmlNode *n)
{
    static const char *blocks[] = {"p", "div", "li", "pre", "blockquote", "tr", "dt", "dd", "table",
                                   "section", "article", "main", "ul", "ol", "dl", "figure",
                                   "figcaption", "br", "hr", "body", "caption", "h1", "h2", "h3",
                                   "h4", "h5", "h6"};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (name_is(n, blocks[i])) return true;
    return false;
}

static int heading_level(const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || !n->name) return 0;
    const char *s = (const char *)n->name;
    if ((s[0] == 'h' || s[0] == 'H') && s[1] >= '1' && s[1] <= '6' && !s[2]) return s[1] - '0';
    return 0;
}

static void flush(walker *w, unsigned flags, int level, const char *anchor)
{
    if (w->rc) return;
    if (w->text.len) {
        quire_block_info info = {flags, level, anchor};
        w->rc = quire_doc_add_block(w->doc, w->text.data, w->text.len, &info);
    }
    buf_reset(&w->text);
}

static void add_text(walker *w, const char *s, bool pre)
{
    for (; *s && !w->rc; s++) {
        unsigned char c = (unsigned char)*s;
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        if (space && !pre) {
            if (w->text.len && w->text.data[w->text.len - 1] != ' ') w->rc = buf_append_char(&w->text, ' ');
        } else {
            w->rc = buf_append_char(&w->text, (char)c);
        }
    }
}

/* The id to cite for a heading: its own id, or that of an <a> inside it, or
 * of its parent section. Caller frees with xmlFree(). */
static xmlChar *heading_id(const xmlNode *n)
{
    xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
    if (id) return id;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (name_is(c, "a")) {
            if ((id = xmlGetProp(c, (const xmlChar *)"id"))) return id;
            if ((id = xmlGetProp(c, (const xmlChar *)"name"))) return id;
        }
    }
    if (n->parent && n->parent->type == XML_ELEMENT_NODE)
        return xmlGetProp(n->parent, (const xmlChar *)"id");
    return NULL;
}

static void walk(walker *w, xmlNode *n, bool pre)
{
    for (; n && !w->rc; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) add_text(w, (const char *)n->content, pre);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || skipped(n)) continue;
        int level = heading_level(n);
        if (level) {
            flush(w, 0, 0, NULL);
            walk(w, n->children, false);
            xmlChar *id = heading_id(n);
            flush(w, QUIRE_SEG_HEADING, level, (const char *)id);
            xmlFree(id);
            continue;
        }
        bool block = is_block(n);
        if (block) flush(w, 0, 0, NULL);
        if (name_is(n, "td") || name_is(n, "th")) {
            if (w->text.len) w->rc = buf_append_str(&w->text, " | ");
        }
        bool is_pre = pre || name_is(n, "pre");
        walk(w, n->children, is_pre);
        if (block) {
            unsigned flags = name_is(n, "pre") ? QUIRE_SEG_CODE
                           : name_is(n, "tr")  ? QUIRE_SEG_TABLE
                           : name_is(n, "li")  ? QUIRE_SEG_LIST : 0;
            flush(w, flags, 0, NULL);
        }
    }
}

static xmlNode *find_main(xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (name_is(n, "main") || name_is(n, "article")) return n;
        xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
        bool main = role && !strcasecmp((char *)role, "main");
        xmlFree(role);
        if (main) return n;
        xmlNode *m = find_main(n->children);
        if (m) return m;
    }
    return NULL;
}

static xmlNode *find_named(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (name_is(n, name)) return n;
        xmlNode *m = find_named(n->children, name);
        if (m) return m;
    }
    return NULL;
}

quire_status quire_extract_html(const void *data, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "HTML file too large");
    htmlDocPtr hd = htmlReadMemory(data, (int)len, NULL, NULL,
                                   HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                       HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
    if (!hd) return quire_error_set(err, QUIRE_ERR_FORMAT, "cannot parse HTML");
    walker w = {quire_doc_new("html"), QUIRE_BUF_INIT(0), QUIRE_OK};
    if (!w.doc) {
        xmlFreeDoc(hd);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    }
    if (opts) w.doc->max_bytes = opts->max_text_bytes;
    xmlNode *root = xmlDocGetRootElement(hd);
    xmlNode *title = find_named(root, "title");
    if (title) {
        xmlChar *t = xmlNodeGetContent(title);
        if (t) {
            add_text(&w, (const char *)t, false);
            if (!w.rc && w.text.len) w.rc = quire_doc_set_meta(w.doc, "title", w.text.data);
            buf_reset(&w.text);
            xmlFree(t);
        }
    }
    xmlNode *main = find_main(root);
    if (main) {
        walk(&w, main->children, false);
    } else {
        xmlNode *body = find_named(root, "body");
        walk(&w, body ? body->children : root, false);
    }
    flush(&w, 0, 0, NULL);
    buf_free(&w.text);
    xmlFreeDoc(hd);
    if (w.rc) {
        quire_doc_free(w.doc);
        return quire_error_set(err, w.rc, "HTML extraction failed: %s", quire_strerror(w.rc));
    }
    if (!w.doc->title && w.doc->nsegs) {
        for (size_t i = 0; i < w.doc->nsegs; i++)
            if (w.doc->segs[i].flags & QUIRE_SEG_HEADING) {
                const quire_segment *s = &w.doc->segs[i];
                char *t = strndup(w.doc->text + s->start, s->end - s->start);
                if (t) quire_doc_set_meta(w.doc, "title", t);
                free(t);
                break;
            }
    }
    *out = w.doc;
    return QUIRE_OK;
}
