/* HTML extraction on libxml2's HTML parser (from memory, never the network).
 *
 * What reaches the document
 * -------------------------
 *   content   the first <main> or role=main element; else the only <article>;
 *             else <body>. Inside it, site chrome is dropped: script, style,
 *             nav, aside, form (unless it holds headings/paragraphs), menus,
 *             buttons, svg/math, iframes; header/footer outside the content
 *             root; role=navigation/banner/contentinfo/search/complementary/
 *             menu/menubar/toolbar; aria-hidden=true; the `hidden` attribute;
 *             elements whose class names a chrome part (navheader, navfooter,
 *             navbar, breadcrumb, sidebar, menu, cookie, banner, toc, ...; see
 *             chrome_class()), or whose id is exactly such a name.
 *   blocks    p, div, li, dt, dd, blockquote, pre, table rows, captions...
 *             Whitespace collapses to single spaces except inside <pre>
 *             (newlines kept, QUIRE_SEG_CODE); <br> is a newline. List items
 *             start with "- " (or "N. " in <ol>); a table row is one block of
 *             cells joined by " | " (QUIRE_SEG_TABLE); block elements inside a
 *             cell are spaces.
 *   headings  h1..h6 become sections (a heading whose class says "label", as
 *             in code-block labels, is a caption instead).
 *   anchors   each block carries the id in force where its text starts: the
 *             innermost enclosing element with an id (<div class="sect2"
 *             id="X">), moved forward by point anchors (<a name="q1"></a>) and
 *             by headings. Generated ids (DocBook's id-1.2.3, idm123) never
 *             displace a real one from a point anchor (DocBook indexterms).
 *   metadata  <title>, <meta name=description|author|date>, <html lang>.
 *   links     <a href> inside the content, as written, deduplicated, except
 *             same-page "#x", javascript:, mailto:, data:, tel:.
 *
 * Charset (see ingest_html_parse): BOM, UTF-16 without BOM, then the
 * declaration; valid UTF-8 wins over a Latin-1 declaration (a common lie);
 * invalid bytes are read as Windows-1252 so a Latin-1 page keeps its accents.
 */
#include "ingest/html_internal.h"
#include "quire/ingest.h"

#include "util/buf.h"
#include "util/utf8.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTML_MAX_DEPTH 512         /* deeper subtrees are skipped (libxml2 caps at 256 anyway) */
#define HTML_LINK_SLOTS 8192       /* hash slots for link dedup (power of 2, > 2 * QUIRE_DOC_MAX_LINKS) */
#define HTML_CHARSET_SCAN 8192     /* bytes searched for a charset declaration */

/* ---------------------------------------------------------------- charset */

static bool ascii_ieq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    return alen == blen && !strncasecmp(a, b, blen);
}

static const char *find_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n > len) return NULL;
    for (size_t i = 0; i + n <= len; i++)
        if (((s[i] | 0x20) == needle[0]) && !strncasecmp(s + i, needle, n)) return s + i;
    return NULL;
}

/* The charset named by `key` ("charset" or "encoding") somewhere in
 * s[0..len): key, optional spaces, '=', optional quote, then the name. */
static bool charset_after(const char *s, size_t len, const char *key, char *name, size_t size)
{
    const char *end = s + len;
    const char *p = s;
    while ((p = find_ci(p, (size_t)(end - p), key))) {
        p += strlen(key);
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (p >= end || *p != '=') continue;
        p++;
        while (p < end && (*p == ' ' || *p == '"' || *p == '\'')) p++;
        size_t n = 0;
        while (p + n < end && n + 1 < size &&
               ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
                (p[n] >= '0' && p[n] <= '9') || p[n] == '-' || p[n] == '_' || p[n] == '.' ||
                p[n] == ':'))
            n++;
        if (!n) continue;
        memcpy(name, p, n);
        name[n] = '\0';
        return true;
    }
    return false;
}

static bool declared_charset(const char *s, size_t len, char *name, size_t size)
{
    if (len > HTML_CHARSET_SCAN) len = HTML_CHARSET_SCAN;
    if (len > 5 && !memcmp(s, "<?xml", 5)) {
        const char *e = memchr(s, '>', len);
        if (e && charset_after(s, (size_t)(e - s), "encoding", name, size)) return true;
    }
    return charset_after(s, len, "charset", name, size);
}

static bool is_latin1_name(const char *n)
{
    static const char *names[] = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1",
                                  "l1", "windows-1252", "cp1252", "x-cp1252", "us-ascii",
                                  "ascii", "iso-ir-100", "cp819", "ibm819", "csisolatin1"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(n, names[i])) return true;
    return false;
}

/* A declaration we could read as ASCII cannot be true of a charset that is
 * not ASCII-compatible: such a claim is ignored. */
static bool ascii_incompatible(const char *n)
{
    static const char *prefixes[] = {"utf-16", "utf16", "utf-32", "utf32", "ucs", "unicode",
                                     "utf-7", "utf7", "ebcdic", "cp037", "ibm037", "ibm0", "cp500"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncasecmp(n, prefixes[i], strlen(prefixes[i]))) return true;
    return false;
}


static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void ingest_xml_mute(ingest_xml_quiet *saved)
{
    saved->func = xmlGenericError;
    saved->ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, silent);
}

void ingest_xml_unmute(const ingest_xml_quiet *saved)
{
    xmlSetGenericErrorFunc(saved->ctx, saved->func);
}

static htmlDocPtr parse_bytes(const char *p, size_t n, const char *encoding)
{
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
               HTML_PARSE_COMPACT;
    if (!encoding) opts |= HTML_PARSE_IGNORE_ENC; /* bytes already UTF-8: ignore <meta> */
    if (n == 0) {
        p = " ";
        n = 1;
    }
    ingest_xml_quiet q;
    ingest_xml_mute(&q);
    htmlDocPtr d = htmlReadMemory(p, (int)n, NULL, encoding, opts);
    ingest_xml_unmute(&q);
    return d;
}

quire_status ingest_html_parse(const void *data, size_t len, xmlDoc **out, quire_error *err)
{
    *out = NULL;
    if (len > (size_t)INT_MAX - 16)
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "HTML file too large (%zu bytes)", len);
    const unsigned char *s = data;
    const char *p = data;
    size_t n = len;
    buf conv = QUIRE_BUF_INIT(0);
    quire_status rc = QUIRE_OK;
    const char *foreign = NULL; /* a charset libxml2 (iconv) must convert */
    char cs[48];
    int u16;

    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        p += 3;
        n -= 3;
        if (!utf8_valid(p, n)) rc = utf8_append_repaired(&conv, p, n);
    } else if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        rc = utf8_append_utf16(&conv, p + 2, n - 2, s[0] == 0xFF);
    } else if ((u16 = utf16_guess_no_bom(s, len))) {
        rc = utf8_append_utf16(&conv, p, n, u16 == 'l');
    } else if (!utf8_valid(p, n)) {
        bool declared = declared_charset(p, n, cs, sizeof cs);
        if (declared && is_latin1_name(cs)) rc = utf8_append_latin1(&conv, p, n);
        else if (declared && strcasecmp(cs, "utf-8") && strcasecmp(cs, "utf8") &&
                 !ascii_incompatible(cs))
            foreign = cs;
        else rc = utf8_append_repaired(&conv, p, n);
    }
    if (rc) {
        buf_free(&conv);
        return quire_error_set(err, rc, "HTML charset conversion failed: %s", quire_strerror(rc));
    }
    if (conv.data) {
        p = conv.data;
        n = conv.len;
    }
    if (n > (size_t)INT_MAX - 16) {
        buf_free(&conv);
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "HTML file too large after conversion");
    }
    htmlDocPtr hd = NULL;
    if (foreign) {
        hd = parse_bytes(p, n, foreign);
        if (!hd) { /* unknown charset: fall back to the Latin-1 repair */
            rc = utf8_append_repaired(&conv, p, n);
            if (!rc) hd = parse_bytes(conv.data, conv.len, NULL);
        }
    } else {
        hd = parse_bytes(p, n, NULL);
    }
    buf_free(&conv);
    if (rc) return quire_error_set(err, rc, "HTML charset conversion failed: %s", quire_strerror(rc));
    if (!hd) return quire_error_set(err, QUIRE_ERR_FORMAT, "cannot parse HTML");
    *out = hd;
    return QUIRE_OK;
}

/* ---------------------------------------------------------------- tree helpers */

/* Value of attribute `name` on element n, borrowed from the tree; NULL when
 * absent or not a plain text value. */
static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->name && !strcmp((const char *)a->name, name)) { /* lowercased by the parser */
            const xmlNode *c = a->children;
            if (c && c->type == XML_TEXT_NODE && !c->next && c->content) return (const char *)c->content;
            return c ? NULL : "";
        }
    }
    return NULL;
}

static bool name_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && !strcmp((const char *)n->name, name);
}

enum tag_kind {
    T_INLINE = 0, T_DROP, T_EDGE, /* header/footer: dropped outside the content root */
    T_FORM, T_BLOCK, T_HEADING, T_PRE, T_LIST, T_LI, T_TABLE, T_TR, T_CELL, T_CAPTION, T_BR,
    T_A, T_DT, T_CONTENT /* main/article/section: keep header/footer inside */
};

typedef struct tag_entry {
    const char *name;
    unsigned char kind;
} tag_entry;

static const tag_entry tag_table[] = { /* sorted by name for bsearch */
    {"address", T_BLOCK}, {"applet", T_DROP}, {"area", T_DROP}, {"article", T_CONTENT},
    {"aside", T_DROP}, {"audio", T_DROP}, {"blockquote", T_BLOCK}, {"body", T_BLOCK},
    {"br", T_BR}, {"button", T_DROP}, {"canvas", T_DROP}, {"caption", T_CAPTION},
    {"center", T_BLOCK}, {"datalist", T_DROP}, {"dd", T_BLOCK}, {"details", T_BLOCK},
    {"dialog", T_DROP}, {"dir", T_LIST}, {"div", T_BLOCK}, {"dl", T_BLOCK}, {"dt", T_DT},
    {"embed", T_DROP}, {"fieldset", T_BLOCK}, {"figcaption", T_CAPTION}, {"figure", T_BLOCK},
    {"footer", T_EDGE}, {"form", T_FORM}, {"frameset", T_DROP}, {"h1", T_HEADING},
    {"h2", T_HEADING}, {"h3", T_HEADING}, {"h4", T_HEADING}, {"h5", T_HEADING},
    {"h6", T_HEADING}, {"head", T_DROP}, {"header", T_EDGE}, {"hr", T_BLOCK},
    {"iframe", T_DROP}, {"input", T_DROP}, {"legend", T_BLOCK}, {"li", T_LI},
    {"link", T_DROP}, {"listing", T_PRE}, {"main", T_CONTENT}, {"map", T_DROP},
    {"math", T_DROP}, {"menu", T_DROP}, {"meta", T_DROP}, {"nav", T_DROP},
    {"noframes", T_DROP}, {"noscript", T_DROP}, {"object", T_DROP}, {"ol", T_LIST},
    {"option", T_DROP}, {"p", T_BLOCK}, {"picture", T_DROP}, {"plaintext", T_PRE},
    {"pre", T_PRE}, {"script", T_DROP}, {"section", T_CONTENT}, {"select", T_DROP},
    {"source", T_DROP}, {"style", T_DROP}, {"summary", T_BLOCK}, {"svg", T_DROP},
    {"table", T_TABLE}, {"tbody", T_INLINE}, {"td", T_CELL}, {"template", T_DROP},
    {"textarea", T_DROP}, {"th", T_CELL}, {"title", T_DROP}, {"tr", T_TR},
    {"track", T_DROP}, {"ul", T_LIST}, {"video", T_DROP}, {"xmp", T_PRE},
};

static int tag_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const tag_entry *)elem)->name); /* libxml2 lowercases HTML names */
}

static enum tag_kind tag_kind(const xmlNode *n)
{
    const tag_entry *hit = bsearch(n->name, tag_table, sizeof tag_table / sizeof tag_table[0],
                                   sizeof tag_table[0], tag_cmp);
    if (hit) return (enum tag_kind)hit->kind;
    if (n->name[0] == 'a' && !n->name[1]) return T_A;
    return T_INLINE;
}

/* Names that mark site chrome when they are a whole class token, a
 * '-'/'_'-separated part of one, or a whole id. */
static bool chrome_word(const char *s, size_t len)
{
    static const char *words[] = {
        "nav", "navbar", "navheader", "navfooter", "navigation", "breadcrumb", "breadcrumbs",
        "sidebar", "sphinxsidebar", "menu", "mainmenu", "submenu", "menubar", "toc", "cookie",
        "cookies", "consent", "banner", "headerlink", "pagination", "nosearch", "noprint",
        "tagline", "masthead", "skiplink", "share", "social", "footer", "navlinks"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (ascii_ieq(s, len, words[i])) return true;
    return false;
}

/* parts: also match '-'/'_'-separated parts of a token (block elements only:
 * an inline <a class="toc-backref"> holds a heading's text). */
static bool chrome_class(const char *cls, bool parts)
{
    const char *p = cls;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n') p++;
        const char *tok = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
        size_t tlen = (size_t)(p - tok);
        if (!tlen) break;
        if (chrome_word(tok, tlen)) return true;
        if (!parts) continue;
        const char *q = tok;
        while (q < p) { /* parts of "top-nav", "bottom_pagination" */
            const char *part = q;
            while (q < p && *q != '-' && *q != '_') q++;
            if (q - part != (ptrdiff_t)tlen && chrome_word(part, (size_t)(q - part))) return true;
            if (q < p) q++;
        }
    }
    return false;
}

static bool chrome_role(const char *role)
{
    static const char *roles[] = {"navigation", "banner", "contentinfo", "search",
                                  "complementary", "menu", "menubar", "toolbar", "dialog"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!strcasecmp(role, roles[i])) return true;
    return false;
}

/* True when a form holds real content (ASP.NET wraps whole pages in one). */
static bool has_prose(const xmlNode *n, int depth)
{
    for (const xmlNode *c = n->children; c && depth < 64; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (name_is(c, "p") || (c->name[0] == 'h' && c->name[1] >= '1' && c->name[1] <= '6' &&
                                !c->name[2]))
            return true;
        if (has_prose(c, depth + 1)) return true;
    }
    return false;
}

/* Non-space text bytes under n: all of them, and those inside same-page
 * links (<a href="#...">). */
static void text_weight(const xmlNode *n, bool linked, size_t *all, size_t *in_links, int depth)
{
    for (const xmlNode *c = n->children; c && depth < 64; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            size_t k = 0;
            for (const xmlChar *p = c->content; *p; p++)
                k += *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r';
            *all += k;
            if (linked) *in_links += k;
        } else if (c->type == XML_ELEMENT_NODE) {
            bool l = linked;
            if (!l && c->name[0] == 'a' && !c->name[1] && c->properties) {
                const char *href = attr(c, "href");
                l = href && href[0] == '#' && href[1];
            }
            text_weight(c, l, all, in_links, depth + 1);
        }
    }
}

/* An in-page table of contents: a list of three or more items whose text is
 * (almost) all links to anchors of this page, as the SQLite FAQ's question
 * list. Its entries repeat the headings and would outrank the answers. */
static bool local_toc(const xmlNode *list)
{
    int items = 0;
    for (const xmlNode *c = list->children; c; c = c->next) items += name_is(c, "li");
    if (items < 3) return false;
    size_t all = 0, linked = 0;
    text_weight(list, false, &all, &linked, 0);
    return all && linked * 10 >= all * 9;
}

/* Generated ids (DocBook id-1.9.3, idm4512, id2563) say little; real ones do. */
static bool generated_id(const char *id)
{
    if ((id[0] | 0x20) != 'i' || (id[1] | 0x20) != 'd') return false;
    bool digit = false;
    for (const char *p = id + 2; *p; p++) {
        if (*p >= '0' && *p <= '9') digit = true;
        else if (*p != '.' && *p != '-' && *p != '_' && *p != 'm') return false;
    }
    return digit;
}

/* ---------------------------------------------------------------- walker */

typedef struct walker {
    quire_doc *doc;
    buf text;                 /* the block being built */
    const char *anchor;       /* id in force (borrowed from the tree) */
    bool anchor_weak;         /* anchor is a generated id */
    const char *block_anchor; /* anchor when the block got its first byte */
    char prefix[24];          /* pending list-item marker, written before the first byte */
    bool space;               /* a collapsed space is pending */
    int pre;                  /* > 0 inside <pre> */
    int cell;                 /* > 0 inside a table cell */
    int row_cells;            /* cells started in the current row */
    int depth;
    bool in_content;          /* inside main/article/section: header/footer are content */
    char list_kind;           /* 'u', 'o' or 0 */
    long list_index;
    uint64_t *seen;           /* link hashes (open addressing), HTML_LINK_SLOTS or NULL */
    quire_status rc;
} walker;

static void begin_bytes(walker *w)
{
    if (w->text.len) return;
    w->block_anchor = w->anchor;
    if (w->prefix[0]) {
        w->rc = buf_append_str(&w->text, w->prefix);
        w->prefix[0] = '\0';
    }
}

/* Append text, collapsing whitespace unless inside <pre> (and not in a cell). */
static void put_text(walker *w, const char *s)
{
    bool verbatim = w->pre && !w->cell;
    while (*s && !w->rc) {
        const char *run = s;
        if (verbatim) {
            while (*s && *s != '\r') s++;
            if (s > run) {
                begin_bytes(w);
                if (!w->rc) w->rc = buf_append(&w->text, run, (size_t)(s - run));
            }
            if (*s) s++;
            continue;
        }
        while (*s && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r' && *s != '\f') s++;
        if (s > run) {
            begin_bytes(w);
            if (w->space && w->text.len) {
                char last = w->text.data[w->text.len - 1];
                if (last != ' ' && last != '\n' && !w->rc) w->rc = buf_append_char(&w->text, ' ');
            }
            w->space = false;
            if (!w->rc) w->rc = buf_append(&w->text, run, (size_t)(s - run));
        }
        while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' || *s == '\f') {
            w->space = true;
            s++;
        }
    }
}

static bool only_marks(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '|' && s[i] != '-' && s[i] != '\n' && s[i] != '\t') return false;
    return true;
}

/* End the current block (inside a cell, a block boundary is only a space). */
static void flush(walker *w, unsigned flags, int level)
{
    if (w->rc) return;
    if (w->cell) {
        w->space = true;
        return;
    }
    if (w->text.len && !only_marks(w->text.data, w->text.len)) {
        quire_block_info info = {flags, level, w->block_anchor};
        w->rc = quire_doc_add_block(w->doc, w->text.data, w->text.len, &info);
    }
    buf_reset(&w->text);
    w->space = false;
}

static void set_anchor(walker *w, const char *id, bool point)
{
    if (!id || !*id) return;
    bool weak = generated_id(id);
    if (point && weak && w->anchor && !w->anchor_weak) return;
    w->anchor = id;
    w->anchor_weak = weak;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

/* Record href once per document. */
static void add_link(walker *w, const char *href)
{
    while (*href == ' ' || *href == '\n' || *href == '\t') href++;
    if (!*href || *href == '#' || !strncasecmp(href, "javascript:", 11) ||
        !strncasecmp(href, "mailto:", 7) || !strncasecmp(href, "data:", 5) ||
        !strncasecmp(href, "tel:", 4))
        return;
    if (w->doc->nlinks >= QUIRE_DOC_MAX_LINKS) return;
    if (!w->seen) {
        w->seen = calloc(HTML_LINK_SLOTS, sizeof *w->seen);
        if (!w->seen) {
            w->rc = QUIRE_ERR_NOMEM;
            return;
        }
        for (size_t i = 0; i < w->doc->nlinks; i++) { /* links from earlier walks (EPUB) */
            uint64_t h = fnv1a(w->doc->links[i]);
            size_t k = (size_t)h & (HTML_LINK_SLOTS - 1);
            while (w->seen[k] && w->seen[k] != h) k = (k + 1) & (HTML_LINK_SLOTS - 1);
            w->seen[k] = h;
        }
    }
    uint64_t h = fnv1a(href);
    size_t k = (size_t)h & (HTML_LINK_SLOTS - 1);
    while (w->seen[k]) {
        if (w->seen[k] == h) return;
        k = (k + 1) & (HTML_LINK_SLOTS - 1);
    }
    w->seen[k] = h;
    w->rc = quire_doc_add_link(w->doc, href, strlen(href));
}

static bool dropped(const walker *w, const xmlNode *n, enum tag_kind kind)
{
    if (kind == T_DROP) return true;
    if (kind == T_EDGE && !w->in_content) return true;
    if (kind == T_FORM && !has_prose(n, 0)) return true;
    if (kind == T_LIST && local_toc(n)) return true;
    if (!n->properties) return false;
    const char *v;
    if ((v = attr(n, "role")) && chrome_role(v)) return true;
    if ((v = attr(n, "aria-hidden")) && !strcasecmp(v, "true")) return true;
    if (attr(n, "hidden")) return true;
    bool inline_el = kind == T_INLINE || kind == T_A;
    if ((v = attr(n, "class")) && chrome_class(v, !inline_el)) return true;
    if (kind != T_HEADING && kind != T_CONTENT && (v = attr(n, "id")) &&
        chrome_word(v, strlen(v)))
        return true;
    return false;
}

/* A heading used as a label (pandoc/sandpaper "code-label": BASH, OUTPUT). */
static bool label_heading(const xmlNode *n)
{
    const char *cls = attr(n, "class");
    return cls && strstr(cls, "label");
}

static bool is_point(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) return false;
        if (c->type == XML_TEXT_NODE && c->content) {
            for (const xmlChar *p = c->content; *p; p++)
                if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return false;
        }
    }
    return true;
}

static void walk(walker *w, xmlNode *n);

/* An element that opened deeper sections and gave them a body (a card, a
 * callout, an HTML5 <section>) closes them when it ends, so the text after
 * it goes back to the enclosing section. A wrapper holding only a heading
 * (DocBook's titlepage) closes nothing, nor does one that restated a
 * heading at or above level0 (it was a sibling section, not a nested one). */
static void close_sections(walker *w, size_t seg0, int level0)
{
    const quire_doc *doc = w->doc;
    size_t first = SIZE_MAX;
    for (size_t i = seg0; i < doc->nsegs; i++) {
        const quire_segment *s = &doc->segs[i];
        if (s->flags & QUIRE_SEG_HEADING) {
            if (s->level <= level0) return;
            if (first == SIZE_MAX) first = i;
        } else if (first != SIZE_MAX) {
            flush(w, 0, 0);
            quire_doc_end_section(w->doc, level0 + 1);
            return;
        }
    }
}

static void walk_element(walker *w, xmlNode *n)
{
    enum tag_kind kind = tag_kind(n);
    if (dropped(w, n, kind)) return;
    if (kind == T_HEADING && (w->cell || label_heading(n))) kind = T_CAPTION;

    const char *id = n->properties ? attr(n, "id") : NULL;
    if (!id && kind == T_A && n->properties) id = attr(n, "name");
    if (kind == T_A && n->properties) {
        const char *href = attr(n, "href");
        if (href) add_link(w, href);
    }
    if (id && (kind == T_A || kind == T_INLINE) && is_point(n)) { /* <a name="q1"></a>: moves the anchor forward */
        set_anchor(w, id, true);
        return;
    }

    size_t seg0 = w->doc->nsegs;
    int level0 = kind == T_HEADING || kind == T_INLINE || kind == T_A ? -1
                                                                       : quire_doc_section_level(w->doc);
    const char *saved_anchor = w->anchor;
    bool saved_weak = w->anchor_weak;
    bool scoped = id && kind != T_HEADING;
    if (scoped) set_anchor(w, id, false);

    switch (kind) {
    case T_HEADING: {
        flush(w, 0, 0);
        if (id) set_anchor(w, id, false);
        walk(w, n->children);
        int level = n->name[1] - '0';
        const char *a = w->text.len ? w->block_anchor : w->anchor;
        w->block_anchor = a;
        flush(w, QUIRE_SEG_HEADING, level);
        /* The heading's anchor covers what follows it in this scope. */
        if (a && a != w->anchor) set_anchor(w, a, false);
        break;
    }
    case T_PRE:
        flush(w, 0, 0);
        w->pre++;
        walk(w, n->children);
        w->pre--;
        flush(w, QUIRE_SEG_CODE, 0);
        break;
    case T_LIST: {
        flush(w, 0, 0);
        char kind_saved = w->list_kind;
        long index_saved = w->list_index;
        w->list_kind = name_is(n, "ol") ? 'o' : 'u';
        w->list_index = 1;
        if (w->list_kind == 'o' && n->properties) {
            const char *start = attr(n, "start");
            if (start) {
                char *end;
                long v = strtol(start, &end, 10);
                if (end != start && v > -1000000 && v < 1000000) w->list_index = v;
            }
        }
        walk(w, n->children);
        flush(w, QUIRE_SEG_LIST, 0);
        w->list_kind = kind_saved;
        w->list_index = index_saved;
        break;
    }
    case T_LI:
        flush(w, QUIRE_SEG_LIST, 0);
        if (!w->cell) {
            if (w->list_kind == 'o') snprintf(w->prefix, sizeof w->prefix, "%ld. ", w->list_index++);
            else snprintf(w->prefix, sizeof w->prefix, "- ");
        }
        walk(w, n->children);
        flush(w, QUIRE_SEG_LIST, 0);
        w->prefix[0] = '\0';
        break;
    case T_TABLE: {
        flush(w, 0, 0);
        int rows_saved = w->row_cells;
        walk(w, n->children);
        flush(w, QUIRE_SEG_TABLE, 0);
        w->row_cells = rows_saved;
        break;
    }
    case T_TR:
        flush(w, QUIRE_SEG_TABLE, 0);
        w->row_cells = 0;
        walk(w, n->children);
        flush(w, QUIRE_SEG_TABLE, 0);
        break;
    case T_CELL:
        if (w->row_cells++ > 0 && !w->cell) {
            begin_bytes(w);
            if (!w->rc) w->rc = buf_append_str(&w->text, " | ");
            w->space = false;
        } else if (w->cell) {
            w->space = true;
        }
        w->cell++;
        walk(w, n->children);
        w->cell--;
        break;
    case T_CAPTION:
        flush(w, 0, 0);
        walk(w, n->children);
        flush(w, QUIRE_SEG_CAPTION, 0);
        break;
    case T_BR:
        if (w->text.len && !w->rc) {
            if (w->pre && !w->cell) w->rc = buf_append_char(&w->text, '\n');
            else if (w->cell) w->space = true;
            else {
                w->rc = buf_append_char(&w->text, '\n');
                w->space = false;
            }
        }
        break;
    case T_CONTENT: {
        bool saved = w->in_content;
        w->in_content = true;
        flush(w, 0, 0);
        walk(w, n->children);
        flush(w, 0, 0);
        w->in_content = saved;
        break;
    }
    case T_BLOCK:
    case T_DT:
    case T_EDGE:
    case T_FORM:
        flush(w, 0, 0);
        walk(w, n->children);
        flush(w, 0, 0);
        break;
    case T_DROP:
        break;
    case T_INLINE:
    case T_A:
        walk(w, n->children);
        break;
    }
    if (scoped) {
        w->anchor = saved_anchor;
        w->anchor_weak = saved_weak;
    }
    if (level0 >= 0 && w->doc->nsegs > seg0 + 1) close_sections(w, seg0, level0);
}

static void walk(walker *w, xmlNode *n)
{
    if (++w->depth > HTML_MAX_DEPTH) {
        w->depth--;
        return;
    }
    for (; n && !w->rc; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) put_text(w, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && n->name) {
            walk_element(w, n);
        } else if (n->type == XML_ENTITY_REF_NODE) {
            walk(w, n->children);
        }
    }
    w->depth--;
}

/* ---------------------------------------------------------------- content root, metadata */

typedef struct roots {
    xmlNode *main, *article, *body, *head;
    int articles;
} roots;

static void find_roots(xmlNode *n, roots *r, int depth)
{
    for (; n && depth < HTML_MAX_DEPTH; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !n->name) continue;
        const char *name = (const char *)n->name;
        if (!strcasecmp(name, "head")) {
            if (!r->head) r->head = n;
            continue;
        }
        if (!strcasecmp(name, "script") || !strcasecmp(name, "style") || !strcasecmp(name, "svg"))
            continue;
        if (!strcasecmp(name, "body") && !r->body) r->body = n;
        if (!r->main) {
            const char *role = n->properties ? attr(n, "role") : NULL;
            if (!strcasecmp(name, "main") || (role && !strcasecmp(role, "main"))) {
                r->main = n;
                continue; /* no need to look inside */
            }
        }
        if (!strcasecmp(name, "article")) {
            if (!r->articles++) r->article = n;
            continue; /* nested articles (comments) do not count */
        }
        find_roots(n->children, r, depth + 1);
    }
}

/* Whitespace-collapsed text content of n, into b (reset first). */
static quire_status node_text(const xmlNode *n, buf *b)
{
    buf_reset(b);
    xmlChar *t = xmlNodeGetContent((xmlNode *)n);
    if (!t) return QUIRE_OK;
    quire_status rc = QUIRE_OK;
    bool space = false;
    for (const xmlChar *p = t; *p && !rc; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
            space = b->len > 0;
            continue;
        }
        if (space) rc = buf_append_char(b, ' ');
        space = false;
        if (!rc) rc = buf_append_char(b, (char)*p);
    }
    xmlFree(t);
    return rc;
}

static quire_status set_meta_text(quire_doc *doc, const char *field, const char *value)
{
    buf b = QUIRE_BUF_INIT(4096);
    quire_status rc = buf_append_collapsed(&b, value);
    if (rc == QUIRE_ERR_TOO_BIG) rc = QUIRE_OK; /* a long description is cut, not an error */
    if (!rc && b.len) rc = quire_doc_set_meta(doc, field, b.data);
    buf_free(&b);
    return rc;
}

/* Language tag "fr-CA" -> "fr". */
static quire_status set_language(quire_doc *doc, const char *tag)
{
    char lang[4];
    size_t n = 0;
    while (n < 3 && ((tag[n] >= 'a' && tag[n] <= 'z') || (tag[n] >= 'A' && tag[n] <= 'Z'))) {
        lang[n] = (char)(tag[n] | 0x20);
        n++;
    }
    if (n < 2 || (tag[n] && tag[n] != '-' && tag[n] != '_')) return QUIRE_OK;
    lang[n] = '\0';
    return quire_doc_set_meta(doc, "language", lang);
}

static quire_status read_head(quire_doc *doc, xmlNode *root, const roots *r)
{
    quire_status rc = QUIRE_OK;
    const char *lang = root && root->properties ? attr(root, "lang") : NULL;
    if (!lang && root && root->properties) lang = attr(root, "xml:lang");
    if (lang && !doc->language) rc = set_language(doc, lang);
    if (!r->head) return rc;
    buf b = QUIRE_BUF_INIT(0);
    for (xmlNode *n = r->head->children; n && !rc; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (name_is(n, "title") && !doc->title) {
            rc = node_text(n, &b);
            if (!rc && b.len) rc = quire_doc_set_meta(doc, "title", b.data);
        } else if (name_is(n, "meta") && n->properties) {
            const char *name = attr(n, "name");
            if (!name) name = attr(n, "property");
            const char *content = attr(n, "content");
            const char *equiv = attr(n, "http-equiv");
            if (!content) continue;
            if (name && (!strcasecmp(name, "description") || !strcasecmp(name, "og:description") ||
                         !strcasecmp(name, "dc.description")) && !doc->description)
                rc = set_meta_text(doc, "description", content);
            else if (name && (!strcasecmp(name, "author") || !strcasecmp(name, "dc.creator")) &&
                     !doc->authors)
                rc = set_meta_text(doc, "authors", content);
            else if (name && (!strcasecmp(name, "date") || !strcasecmp(name, "dc.date") ||
                              !strcasecmp(name, "dcterms.date") ||
                              !strcasecmp(name, "article:published_time")) && !doc->date)
                rc = set_meta_text(doc, "date", content);
            else if (equiv && !strcasecmp(equiv, "content-language") && !doc->language)
                rc = set_language(doc, content);
        }
    }
    buf_free(&b);
    return rc;
}

quire_status ingest_html_walk(quire_doc *doc, xmlDoc *tree, unsigned flags)
{
    xmlNode *root = xmlDocGetRootElement(tree);
    if (!root) return QUIRE_OK;
    roots r = {0};
    if (name_is(root, "html")) find_roots(root->children, &r, 0);
    else find_roots(root, &r, 0);
    quire_status rc = QUIRE_OK;
    if (flags & INGEST_HTML_META) rc = read_head(doc, root, &r);
    if (rc) return rc;

    walker w;
    memset(&w, 0, sizeof w);
    w.doc = doc;
    buf_init(&w.text, 0);
    xmlNode *content = r.main ? r.main : r.articles == 1 ? r.article : r.body;
    if (content) {
        w.in_content = content != r.body;
        const char *id = content->properties ? attr(content, "id") : NULL;
        set_anchor(&w, id, false);
        walk(&w, content->children);
    } else {
        walk(&w, name_is(root, "html") ? root->children : root);
    }
    flush(&w, 0, 0);
    buf_free(&w.text);
    free(w.seen);
    return w.rc;
}

quire_status quire_extract_html(const void *data, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err)
{
    *out = NULL;
    xmlDoc *tree = NULL;
    quire_status rc = ingest_html_parse(data, len, &tree, err);
    if (rc) return rc;
    quire_doc *doc = quire_doc_new("html");
    if (!doc) {
        xmlFreeDoc(tree);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    }
    if (opts) doc->max_bytes = opts->max_text_bytes;
    rc = ingest_html_walk(doc, tree, INGEST_HTML_META);
    xmlFreeDoc(tree);
    if (rc) {
        quire_doc_free(doc);
        return quire_error_set(err, rc, "HTML extraction failed: %s", quire_strerror(rc));
    }
    if (!doc->title) { /* no <title>: the first heading */
        for (size_t i = 0; i < doc->nsegs; i++) {
            if (!(doc->segs[i].flags & QUIRE_SEG_HEADING)) continue;
            const quire_segment *s = &doc->segs[i];
            char *t = strndup(doc->text + s->start, s->end - s->start);
            if (t) rc = quire_doc_set_meta(doc, "title", t);
            free(t);
            break;
        }
    }
    *out = doc;
    return QUIRE_OK;
}
