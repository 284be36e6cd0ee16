/* Markdown extraction: the CommonMark/Pandoc subset that matters for
 * indexing and citing, line by line (no full CommonMark parse).
 *
 *   front matter  YAML between "---" lines (or TOML between "+++"): title,
 *                 author/authors (scalar, [a, b] or "- a" lines), date,
 *                 lang/language, description/summary -> doc metadata.
 *   headings      ATX ("## Title ##", "## Title {#id}") and setext (a
 *                 paragraph underlined with === or ---) become sections; the
 *                 anchor is the explicit {#id} or the GitHub-style slug
 *                 (deduplicated with -1, -2 as GitHub does).
 *   code          fenced blocks (``` or ~~~, any length >= 3, closed by the
 *                 same fence) are kept verbatim, newlines included
 *                 (QUIRE_SEG_CODE); a "#" line inside is not a heading.
 *   blocks        paragraphs (wrapped lines joined), list items ("- x",
 *                 "1. x"; QUIRE_SEG_LIST), pipe-table rows (cells joined by
 *                 " | ", delimiter rows dropped; QUIRE_SEG_TABLE), block
 *                 quotes (markers stripped), Pandoc definition lists
 *                 (": def" joins its term with ": ").
 *   dropped       HTML comments, Pandoc fenced-div lines (":::: callout"),
 *                 kramdown attribute lines ("{: .challenge}"), thematic
 *                 breaks, link reference definitions (their URL is recorded).
 *   inline        [text](url) and ![alt](src) keep their text and record the
 *                 URL in doc->links; [text]{#id} (Pandoc span) gives its block
 *                 an anchor; backslash escapes are resolved; `code spans`
 *                 are left as written; simple inline HTML tags are removed.
 */
#include "quire/ingest.h"

#include "ingest/text_internal.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MD_MAX_ANCHOR 200
#define MD_MAX_SLUGS 4096
#define MD_MAX_FRONT_LINES 1000
#define MD_INLINE_DEPTH 4
#define MD_MAX_DIVS 32

typedef struct md {
    quire_doc *doc;
    buf para;             /* raw text of the paragraph being built */
    bool para_list;       /* it is a list item */
    buf out;              /* inline rendering scratch */
    buf code;             /* fenced code being built */
    bool in_code, in_comment;
    char fence_ch;
    size_t fence_len, fence_indent;
    char anchor[MD_MAX_ANCHOR + 1]; /* block anchor from a [text]{#id} span */
    struct { int level, min_inside; } divs[MD_MAX_DIVS]; /* open Pandoc divs */
    size_t ndivs;         /* may exceed MD_MAX_DIVS; deeper ones are not tracked */
    char **slugs;         /* heading anchors used so far, for dedup */
    size_t nslugs;
    quire_status rc;
} md;

static bool is_sp(char c) { return c == ' ' || c == '\t'; }

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_sp(s[i]) && s[i] != '\r') return false;
    return true;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (is_sp(**s) || **s == '\r')) { (*s)++; (*n)--; }
    while (*n && (is_sp((*s)[*n - 1]) || (*s)[*n - 1] == '\r')) (*n)--;
}

static void record_link(md *m, const char *u, size_t n)
{
    trim(&u, &n);
    if (n && u[0] == '<' && u[n - 1] == '>') { u++; n -= 2; }
    if (!n || u[0] == '#' || (n >= 11 && !strncasecmp(u, "javascript:", 11)) ||
        (n >= 7 && !strncasecmp(u, "mailto:", 7)))
        return;
    for (size_t i = 0; i < m->doc->nlinks; i++) /* Markdown pages hold few links */
        if (strlen(m->doc->links[i]) == n && !memcmp(m->doc->links[i], u, n)) return;
    if (!m->rc) m->rc = quire_doc_add_link(m->doc, u, n);
}

/* Index of the ']' closing the '[' at s[i], or n. */
static size_t match_bracket(const char *s, size_t n, size_t i, char open, char close)
{
    int depth = 0;
    for (size_t k = i; k < n; k++) {
        if (s[k] == '\\') { k++; continue; }
        if (s[k] == '`' && open == '[') { /* brackets inside code spans do not count */
            size_t e = k + 1;
            while (e < n && s[e] != '`') e++;
            if (e < n) { k = e; continue; }
        }
        if (s[k] == open) depth++;
        else if (s[k] == close && --depth == 0) return k;
    }
    return n;
}

/* "{#id .class key=val}" at s[i..j]: store id as the block anchor if none. */
static void take_attr_id(md *m, const char *s, size_t i, size_t j)
{
    for (size_t k = i + 1; k < j; k++) {
        if (s[k] == '#' && (k == i + 1 || is_sp(s[k - 1]))) {
            size_t e = k + 1;
            while (e < j && !is_sp(s[e])) e++;
            size_t len = e - k - 1;
            if (len && len <= MD_MAX_ANCHOR && !m->anchor[0]) {
                memcpy(m->anchor, s + k + 1, len);
                m->anchor[len] = '\0';
            }
            return;
        }
    }
}

static void render(md *m, const char *s, size_t n, buf *out, int depth)
{
    size_t i = 0;
    while (i < n && !m->rc) {
        char c = s[i];
        if (c == '\\' && i + 1 < n && strchr("\\`*_{}[]()#+-.!|<>~:\"'", s[i + 1])) {
            m->rc = buf_append_char(out, s[i + 1]);
            i += 2;
            continue;
        }
        if (c == '`') { /* code span: verbatim, backticks kept */
            size_t run = 0;
            while (i + run < n && s[i + run] == '`') run++;
            size_t k = i + run, end = n;
            while (k < n) {
                size_t r = 0;
                while (k + r < n && s[k + r] == '`') r++;
                if (r == run) { end = k + r; break; }
                k += r ? r : 1;
            }
            if (end == n) end = i + run; /* unmatched: literal backticks */
            m->rc = buf_append(out, s + i, end - i);
            i = end;
            continue;
        }
        bool image = c == '!' && i + 1 < n && s[i + 1] == '[';
        if ((c == '[' || image) && depth < MD_INLINE_DEPTH) {
            size_t open = image ? i + 1 : i;
            size_t close = match_bracket(s, n, open, '[', ']');
            if (close < n) {
                size_t next = close + 1;
                bool ok = true;
                if (next < n && s[next] == '(') {
                    size_t pe = match_bracket(s, n, next, '(', ')');
                    if (pe < n) {
                        size_t u = next + 1, ue = u;
                        while (u < pe && is_sp(s[u])) u++;
                        ue = u;
                        while (ue < pe && !is_sp(s[ue])) ue++;
                        record_link(m, s + u, ue - u);
                        next = pe + 1;
                    } else {
                        ok = false;
                    }
                } else if (next < n && s[next] == '[') {
                    size_t re = match_bracket(s, n, next, '[', ']');
                    if (re < n) next = re + 1;
                } else if (next < n && s[next] == '{') {
                    size_t ae = match_bracket(s, n, next, '{', '}');
                    if (ae < n) {
                        take_attr_id(m, s, next, ae);
                        next = ae + 1;
                    }
                } else if (image) {
                    ok = false;
                }
                if (ok) {
                    /* Pandoc attributes after a link or image: {alt='...'} */
                    if (next < n && s[next] == '{') {
                        size_t ae = match_bracket(s, n, next, '{', '}');
                        if (ae < n) next = ae + 1;
                    }
                    render(m, s + open + 1, close - open - 1, out, depth + 1);
                    i = next;
                    continue;
                }
            }
        }
        if (c == '<' && i + 1 < n) { /* autolink or a simple inline tag */
            size_t k = i + 1;
            while (k < n && k - i < 512 && s[k] != '>' && s[k] != '<' && s[k] != '\n') k++;
            if (k < n && s[k] == '>') {
                const char *in = s + i + 1;
                size_t len = k - i - 1;
                bool url = len > 7 && (!strncasecmp(in, "http://", 7) || !strncasecmp(in, "https://", 8));
                bool tag = len && (((in[0] | 0x20) >= 'a' && (in[0] | 0x20) <= 'z') || in[0] == '/');
                if (url) {
                    record_link(m, in, len);
                    m->rc = buf_append(out, in, len);
                    i = k + 1;
                    continue;
                }
                if (tag) {
                    i = k + 1;
                    continue;
                }
            }
        }
        m->rc = buf_append_char(out, c);
        i++;
    }
}

static quire_status add_block(md *m, const char *s, size_t n, unsigned flags, int level,
                              const char *anchor)
{
    quire_block_info info = {flags, level, anchor && *anchor ? anchor : NULL};
    return quire_doc_add_block(m->doc, s, n, &info);
}

static void flush_para(md *m)
{
    if (m->rc || !m->para.len) {
        buf_reset(&m->para);
        m->para_list = false;
        return;
    }
    buf_reset(&m->out);
    m->anchor[0] = '\0';
    render(m, m->para.data, m->para.len, &m->out, 0);
    if (!m->rc && m->out.len)
        m->rc = add_block(m, m->out.data, m->out.len, m->para_list ? QUIRE_SEG_LIST : 0, 0, m->anchor);
    buf_reset(&m->para);
    m->para_list = false;
}

static void para_line(md *m, const char *s, size_t n, const char *joiner)
{
    trim(&s, &n);
    if (!n || m->rc) return;
    if (m->para.len) m->rc = buf_append_str(&m->para, joiner);
    if (!m->rc) m->rc = buf_append(&m->para, s, n);
}

/* GitHub-style slug: lowercase, spaces to '-', punctuation dropped. */
static void slugify(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80)
            out[o++] = (char)c;
        else if (c == ' ') out[o++] = '-';
    }
    /* never cut a UTF-8 sequence in half */
    while (o && ((unsigned char)out[o - 1] & 0xC0) == 0x80) {
        size_t k = o - 1;
        while (k && ((unsigned char)out[k] & 0xC0) == 0x80) k--;
        size_t need = ((unsigned char)out[k] >= 0xF0) ? 4 : ((unsigned char)out[k] >= 0xE0) ? 3 : 2;
        if (o - k >= need) break;
        o = k;
    }
    out[o] = '\0';
}

static void unique_slug(md *m, char *slug, size_t size)
{
    char base[MD_MAX_ANCHOR + 1];
    snprintf(base, sizeof base, "%s", slug);
    for (int k = 1; k < 1000; k++) {
        bool dup = false;
        for (size_t i = 0; i < m->nslugs && !dup; i++) dup = !strcmp(m->slugs[i], slug);
        if (!dup) break;
        snprintf(slug, size, "%.180s-%d", base, k);
    }
    if (m->nslugs >= MD_MAX_SLUGS) return;
    if (!m->slugs) {
        m->slugs = calloc(MD_MAX_SLUGS, sizeof *m->slugs);
        if (!m->slugs) {
            m->rc = QUIRE_ERR_NOMEM;
            return;
        }
    }
    if (!(m->slugs[m->nslugs] = strdup(slug))) m->rc = QUIRE_ERR_NOMEM;
    else m->nslugs++;
}

static void heading(md *m, const char *s, size_t n, int level, const char *explicit_id)
{
    flush_para(m);
    buf_reset(&m->out);
    m->anchor[0] = '\0';
    render(m, s, n, &m->out, 0);
    if (m->rc || !m->out.len) return;
    char anchor[MD_MAX_ANCHOR + 1];
    if (explicit_id && *explicit_id) snprintf(anchor, sizeof anchor, "%s", explicit_id);
    else if (m->anchor[0]) snprintf(anchor, sizeof anchor, "%s", m->anchor);
    else {
        slugify(m->out.data, m->out.len, anchor, sizeof anchor);
        if (anchor[0]) unique_slug(m, anchor, sizeof anchor);
    }
    if (!m->rc) m->rc = add_block(m, m->out.data, m->out.len, QUIRE_SEG_HEADING, level, anchor);
    for (size_t k = 0; k < m->ndivs && k < MD_MAX_DIVS; k++)
        if (level < m->divs[k].min_inside) m->divs[k].min_inside = level;
    if (!m->rc && level == 1 && !m->doc->title) m->rc = quire_doc_set_meta(m->doc, "title", m->out.data);
}

/* "## Heading ## {#id}" at s (indent already checked). Returns the level or 0. */
static int atx(md *m, const char *s, size_t n)
{
    size_t i = 0;
    int level = 0;
    while (i < n && s[i] == '#' && level < 7) { level++; i++; }
    if (level < 1 || level > 6 || (i < n && !is_sp(s[i]))) return 0;
    const char *t = s + i;
    size_t tn = n - i;
    trim(&t, &tn);
    char id[MD_MAX_ANCHOR + 1] = "";
    if (tn && t[tn - 1] == '}') { /* {#id .class} */
        size_t k = tn - 1;
        while (k > 0 && t[k] != '{') k--;
        if (t[k] == '{' && k + 1 < tn && t[k + 1] == '#') {
            size_t e = k + 2;
            while (e < tn - 1 && !is_sp(t[e])) e++;
            size_t len = e - k - 2;
            if (len && len <= MD_MAX_ANCHOR) {
                memcpy(id, t + k + 2, len);
                id[len] = '\0';
            }
            tn = k;
            trim(&t, &tn);
        }
    }
    /* optional closing sequence: spaces then #s */
    size_t e = tn;
    while (e && t[e - 1] == '#') e--;
    if (e < tn && (e == 0 || is_sp(t[e - 1]))) {
        tn = e;
        trim(&t, &tn);
    }
    heading(m, t, tn, level, id);
    return level;
}

static bool fence_open(const char *s, size_t n, char *ch, size_t *len)
{
    if (n < 3 || (s[0] != '`' && s[0] != '~')) return false;
    size_t k = 0;
    while (k < n && s[k] == s[0]) k++;
    if (k < 3) return false;
    if (s[0] == '`' && memchr(s + k, '`', n - k)) return false; /* info string has no backtick */
    *ch = s[0];
    *len = k;
    return true;
}

static bool only_chars(const char *s, size_t n, const char *set, size_t min)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_sp(s[i])) continue;
        if (!strchr(set, s[i])) return false;
        count++;
    }
    return count >= min;
}

/* "====" -> 1, "----" -> 2 (no inner spaces), else 0. */
static int setext_level(const char *s, size_t n)
{
    while (n && is_sp(s[n - 1])) n--;
    if (!n || (s[0] != '=' && s[0] != '-')) return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] != s[0]) return 0;
    return s[0] == '=' ? 1 : 2;
}

static bool thematic(const char *s, size_t n)
{
    char c = 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_sp(s[i])) continue;
        if (s[i] != '-' && s[i] != '*' && s[i] != '_') return false;
        if (c && s[i] != c) return false;
        c = s[i];
        count++;
    }
    return count >= 3;
}

/* Length of a list marker at s ("- ", "* ", "+ ", "12. ", "3) "), or 0. */
static size_t list_marker(const char *s, size_t n)
{
    if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && is_sp(s[1])) return 2;
    size_t d = 0;
    while (d < n && d < 9 && s[d] >= '0' && s[d] <= '9') d++;
    if (d && d + 1 < n && (s[d] == '.' || s[d] == ')') && is_sp(s[d + 1])) return d + 2;
    return 0;
}

static void table_row(md *m, const char *s, size_t n)
{
    flush_para(m);
    if (only_chars(s, n, "|-:", 3)) return; /* delimiter row */
    trim(&s, &n);
    if (n && s[0] == '|') { s++; n--; }
    if (n && s[n - 1] == '|' && (n < 2 || s[n - 2] != '\\')) n--;
    buf_reset(&m->para);
    size_t cell = 0;
    for (size_t i = 0; i <= n && !m->rc; i++) {
        bool end = i == n || (s[i] == '|' && (i == 0 || s[i - 1] != '\\'));
        if (!end) continue;
        const char *c = s + cell;
        size_t cn = i - cell;
        trim(&c, &cn);
        if (cell) m->rc = buf_append_str(&m->para, " | ");
        if (!m->rc) m->rc = buf_append(&m->para, c, cn);
        cell = i + 1;
    }
    if (m->rc) return;
    buf_reset(&m->out);
    m->anchor[0] = '\0';
    render(m, m->para.data, m->para.len, &m->out, 0);
    if (!m->rc) m->rc = add_block(m, m->out.data, m->out.len, QUIRE_SEG_TABLE, 0, m->anchor);
    buf_reset(&m->para);
}

static quire_status set_language(quire_doc *doc, const char *v, size_t n)
{
    if (n < 2 || !((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') ||
        !((v[1] | 0x20) >= 'a' && (v[1] | 0x20) <= 'z') || (n > 2 && v[2] != '-' && v[2] != '_'))
        return QUIRE_OK;
    char lang[3] = {(char)(v[0] | 0x20), (char)(v[1] | 0x20), 0};
    return quire_doc_set_meta(doc, "language", lang);
}

static void unquote(const char **v, size_t *n)
{
    trim(v, n);
    if (*n >= 2 && ((**v == '"' && (*v)[*n - 1] == '"') || (**v == '\'' && (*v)[*n - 1] == '\''))) {
        (*v)++;
        *n -= 2;
    }
}

/* Apply one front-matter value; list items of `authors` accumulate. */
static void front_value(md *m, const char *key, size_t kn, const char *v, size_t vn)
{
    unquote(&v, &vn);
    if (!vn) return;
    char *val = strndup(v, vn);
    if (!val) {
        m->rc = QUIRE_ERR_NOMEM;
        return;
    }
    quire_doc *d = m->doc;
#define KEY(s) (kn == strlen(s) && !strncasecmp(key, s, kn))
    if (KEY("title")) m->rc = quire_doc_set_meta(d, "title", val);
    else if (KEY("author") || KEY("authors") || KEY("creator")) {
        if (vn >= 2 && v[0] == '[' && v[vn - 1] == ']') { /* [a, b] */
            buf b = QUIRE_BUF_INIT(0);
            const char *p = v + 1, *end = v + vn - 1;
            while (p < end && !m->rc) {
                const char *q = memchr(p, ',', (size_t)(end - p));
                if (!q) q = end;
                const char *it = p;
                size_t in = (size_t)(q - p);
                unquote(&it, &in);
                if (in) {
                    if (b.len) m->rc = buf_append_str(&b, "; ");
                    if (!m->rc) m->rc = buf_append(&b, it, in);
                }
                p = q + 1;
            }
            if (!m->rc && b.len) m->rc = quire_doc_set_meta(d, "authors", b.data);
            buf_free(&b);
        } else if (d->authors) {
            buf b = QUIRE_BUF_INIT(0);
            m->rc = buf_printf(&b, "%s; %s", d->authors, val);
            if (!m->rc) m->rc = quire_doc_set_meta(d, "authors", b.data);
            buf_free(&b);
        } else {
            m->rc = quire_doc_set_meta(d, "authors", val);
        }
    } else if (KEY("date")) m->rc = quire_doc_set_meta(d, "date", val);
    else if (KEY("lang") || KEY("language")) m->rc = set_language(d, v, vn);
    else if ((KEY("description") || KEY("summary")) && !d->description)
        m->rc = quire_doc_set_meta(d, "description", val);
#undef KEY
    free(val);
}

/* Parse front matter starting at s (after the opening line); returns the
 * offset just past the closing line, or 0 if there is no closing line. */
static size_t front_matter(md *m, const char *s, size_t n, bool toml)
{
    const char *close = toml ? "+++" : "---";
    /* find the closing line first: without one this is not front matter */
    size_t i = 0, end = 0;
    for (int lines = 0; i < n && lines < MD_MAX_FRONT_LINES; lines++) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        const char *l = s + i;
        size_t ln = e - i;
        trim(&l, &ln);
        if ((ln == 3 && !memcmp(l, close, 3)) || (!toml && ln == 3 && !memcmp(l, "...", 3))) {
            end = nl ? e + 1 : n;
            break;
        }
        i = e + 1;
    }
    if (!end) return 0;
    const char *list_key = NULL;
    size_t list_kn = 0;
    for (i = 0; i < end && !m->rc;) {
        const char *nl = memchr(s + i, '\n', end - i);
        size_t e = nl ? (size_t)(nl - s) : end;
        const char *l = s + i;
        size_t ln = e - i;
        i = e + 1;
        while (ln && (l[ln - 1] == '\r')) ln--;
        if (!toml && ln && is_sp(l[0]) && list_key) { /* "  - item" under "authors:" */
            trim(&l, &ln);
            if (ln >= 2 && l[0] == '-' && is_sp(l[1])) {
                const char *v = l + 2;
                size_t vn = ln - 2;
                trim(&v, &vn);
                if (vn > 5 && !strncasecmp(v, "name:", 5)) { v += 5; vn -= 5; }
                front_value(m, list_key, list_kn, v, vn);
            }
            continue;
        }
        if (!toml && ln >= 2 && l[0] == '-' && is_sp(l[1]) && list_key) {
            front_value(m, list_key, list_kn, l + 2, ln - 2);
            continue;
        }
        const char *sep = memchr(l, toml ? '=' : ':', ln);
        if (!sep || sep == l) continue;
        const char *key = l;
        size_t kn = (size_t)(sep - l);
        trim(&key, &kn);
        const char *v = sep + 1;
        size_t vn = (size_t)(l + ln - v);
        trim(&v, &vn);
        list_key = NULL;
        if (!vn) {
            list_key = key;
            list_kn = kn;
            continue;
        }
        if (vn == 1 && (v[0] == '|' || v[0] == '>')) continue; /* block scalars: skipped */
        front_value(m, key, kn, v, vn);
    }
    return end;
}

/* Pandoc fenced divs (callouts, challenges) are sections' containers: a
 * heading opened inside one ends with it, unless the div restated a
 * heading at or above the level in force when it opened. */
static void fenced_div(md *m, const char *r, size_t rn)
{
    size_t k = 0;
    while (k < rn && r[k] == ':') k++;
    bool open = !blank(r + k, rn - k);
    if (open) {
        if (m->ndivs < MD_MAX_DIVS) {
            m->divs[m->ndivs].level = quire_doc_section_level(m->doc);
            m->divs[m->ndivs].min_inside = 7;
        }
        m->ndivs++;
        return;
    }
    if (!m->ndivs) return;
    m->ndivs--;
    if (m->ndivs >= MD_MAX_DIVS) return;
    int level = m->divs[m->ndivs].level;
    if (m->divs[m->ndivs].min_inside <= 6 && m->divs[m->ndivs].min_inside > level)
        quire_doc_end_section(m->doc, level + 1);
}

static void code_line(md *m, const char *s, size_t n)
{
    size_t strip = 0;
    while (strip < m->fence_indent && strip < n && s[strip] == ' ') strip++;
    m->rc = buf_append(&m->code, s + strip, n - strip);
    if (!m->rc) m->rc = buf_append_char(&m->code, '\n');
}

static void flush_code(md *m)
{
    if (!m->rc && m->code.len) {
        /* keep the code's own leading indentation: the doc trims, so only
         * leading blank lines go */
        m->rc = add_block(m, m->code.data, m->code.len, QUIRE_SEG_CODE, 0, NULL);
    }
    buf_reset(&m->code);
    m->in_code = false;
}

static void line(md *m, const char *s, size_t n)
{
    while (n && s[n - 1] == '\r') n--;
    if (m->in_comment) {
        const char *e = NULL;
        for (size_t k = 0; k + 3 <= n; k++)
            if (!memcmp(s + k, "-->", 3)) { e = s + k; break; }
        if (e) m->in_comment = false;
        return;
    }
    size_t indent = 0, k = 0;
    while (k < n && is_sp(s[k])) {
        indent += s[k] == '\t' ? 4 : 1;
        k++;
    }
    const char *r = s + k;
    size_t rn = n - k;
    if (m->in_code) {
        size_t run = 0;
        while (run < rn && r[run] == m->fence_ch) run++;
        if (indent <= 3 && run >= m->fence_len && blank(r + run, rn - run)) flush_code(m);
        else code_line(m, s, n);
        return;
    }
    if (blank(r, rn)) {
        flush_para(m);
        return;
    }
    if (indent <= 3 && rn >= 4 && !memcmp(r, "<!--", 4)) {
        flush_para(m);
        bool closed = false;
        for (size_t q = 4; q + 3 <= rn; q++)
            if (!memcmp(r + q, "-->", 3)) { closed = true; break; }
        m->in_comment = !closed;
        return;
    }
    char ch;
    size_t flen;
    if (indent <= 3 && fence_open(r, rn, &ch, &flen)) {
        flush_para(m);
        m->in_code = true;
        m->fence_ch = ch;
        m->fence_len = flen;
        m->fence_indent = indent;
        buf_reset(&m->code);
        return;
    }
    while (rn && r[0] == '>') { /* block quote: strip the markers */
        r++;
        rn--;
        if (rn && is_sp(r[0])) { r++; rn--; }
    }
    if (!rn) {
        flush_para(m);
        return;
    }
    if (rn >= 3 && !memcmp(r, ":::", 3)) { /* Pandoc fenced div */
        flush_para(m);
        fenced_div(m, r, rn);
        return;
    }
    if (rn >= 3 && r[0] == '{' && r[1] == ':' && r[rn - 1] == '}') return; /* kramdown IAL */
    if (indent <= 3 && r[0] == '#' && atx(m, r, rn)) return;
    int setext = indent <= 3 && m->para.len && !m->para_list ? setext_level(r, rn) : 0;
    if (setext) {
        buf raw = m->para;
        buf_init(&m->para, 0);
        heading(m, raw.data, raw.len, setext, NULL);
        buf_free(&raw);
        return;
    }
    if (indent <= 3 && thematic(r, rn)) {
        flush_para(m);
        return;
    }
    if (r[0] == '|') {
        table_row(m, r, rn);
        return;
    }
    if (r[0] == '[' && !m->para.len) { /* [ref]: url */
        size_t cb = match_bracket(r, rn, 0, '[', ']');
        if (cb + 1 < rn && r[cb + 1] == ':' && cb > 1) {
            const char *u = r + cb + 2;
            size_t un = rn - cb - 2;
            trim(&u, &un);
            size_t e = 0;
            while (e < un && !is_sp(u[e])) e++;
            record_link(m, u, e);
            return;
        }
    }
    size_t lm = list_marker(r, rn);
    if (lm) {
        flush_para(m);
        m->para_list = true;
        bool bullet = r[0] == '-' || r[0] == '*' || r[0] == '+';
        if (bullet) {
            const char *t = r + lm;
            size_t tn = rn - lm;
            trim(&t, &tn);
            m->rc = buf_append_str(&m->para, "- ");
            if (!m->rc) m->rc = buf_append(&m->para, t, tn);
        } else {
            para_line(m, r, rn, " ");
        }
        return;
    }
    if (r[0] == ':' && rn > 1 && is_sp(r[1]) && m->para.len) { /* Pandoc definition */
        para_line(m, r + 2, rn - 2, ": ");
        return;
    }
    para_line(m, r, rn, " ");
}

quire_status quire_extract_markdown(const void *data, size_t len, const quire_extract_opts *opts,
                                    quire_doc **out, quire_error *err)
{
    *out = NULL;
    buf text = QUIRE_BUF_INIT(0);
    md m;
    memset(&m, 0, sizeof m);
    buf_init(&m.para, 0);
    buf_init(&m.out, 0);
    buf_init(&m.code, 0);
    m.rc = ingest_decode_text(data, len, &text);
    if (!m.rc && !(m.doc = quire_doc_new("md"))) m.rc = QUIRE_ERR_NOMEM;
    if (!m.rc && opts) m.doc->max_bytes = opts->max_text_bytes;
    const char *s = text.data ? text.data : "";
    size_t n = text.len, i = 0;
    if (!m.rc) {
        const char *nl = memchr(s, '\n', n);
        size_t first = nl ? (size_t)(nl - s) : n;
        size_t fl = first;
        while (fl && (s[fl - 1] == '\r' || is_sp(s[fl - 1]))) fl--;
        if (nl && fl == 3 && (!memcmp(s, "---", 3) || !memcmp(s, "+++", 3))) {
            size_t end = front_matter(&m, s + first + 1, n - first - 1, s[0] == '+');
            if (end) i = first + 1 + end;
        }
    }
    while (!m.rc && i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        line(&m, s + i, e - i);
        i = e + 1;
    }
    if (m.in_code) flush_code(&m); /* an unclosed fence runs to the end */
    flush_para(&m);
    buf_free(&m.para);
    buf_free(&m.out);
    buf_free(&m.code);
    buf_free(&text);
    for (size_t k = 0; k < m.nslugs; k++) free(m.slugs[k]);
    free(m.slugs);
    if (m.rc) {
        quire_doc_free(m.doc);
        return quire_error_set(err, m.rc, "markdown extraction failed: %s", quire_strerror(m.rc));
    }
    *out = m.doc;
    return QUIRE_OK;
}
