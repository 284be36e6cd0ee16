/* PDF extraction on poppler-glib: text read the way a person reads a paper.
 *
 * Three passes over one document:
 *   1. per page, poppler's text with one box and one font per character
 *      (poppler_page_get_text + _get_text_layout + _get_text_attributes,
 *      which index the same character stream) becomes fragments: runs of
 *      one printed line without a wide gap, NFKC-normalised (ligatures
 *      "ﬁ" become "fi"), with unmapped glyphs (U+FFFD, private use,
 *      controls) counted and removed. A page whose text is missing or is
 *      not words (fonts without Unicode maps) has no usable text layer;
 *      in a build with OCR (pdf_ocr.c) its rendered picture is read instead.
 *   2. across pages: the body font size, running headers and footers (the
 *      same text at the same height on several pages), watermarks and
 *      vertical margin stamps, lone page numbers (and from them printed
 *      page labels when the file has none), line numbers in the margins,
 *      and the vocabulary used to undo hyphenation.
 *   3. per page, pdf_layout.c gives the reading order (columns, tables);
 *      lines become paragraphs (hard wraps joined, "distrib-" + "uted"
 *      joined, "state-of-the-" + "art" kept), headings get levels from
 *      their numbering or font, the bibliography is tagged, text drawn
 *      inside figures is dropped, and blocks go to the quire_doc builder.
 *
 * Limits: opts->max_pages, max_text_bytes, max_file_bytes, and
 * time_limit_s, checked between pages. One pathological page can still keep
 * poppler busy for as long as poppler takes on it: the check cannot
 * interrupt poppler itself.
 *
 * Thread safety: quire_extract_pdf() keeps no state outside its call; it
 * may run on several threads at once for distinct documents.
 */
#include "quire/ingest.h"

#include "ingest/pdf_layout.h"
#include "ingest/pdf_ocr.h"
#include "util/buf.h"

#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Pages and fragments                                                 */

/* A page with more text runs than this is not prose (a scatter plot's
 * labels, a hostile file): the rest of it is skipped, with a warning. */
#define PDF_MAX_FRAGS 20000

typedef struct pdf_page {
    pdf_frag *frags;
    size_t n, alloc;
    double width, height;
    char *label;          /* from the PDF's page labels, or NULL */
    size_t chars;         /* non-space characters seen */
    size_t good;          /* characters in word-like tokens */
    size_t bad;           /* unmapped glyphs, private use, controls */
    bool no_text;         /* no usable text layer */
    bool truncated;       /* more than PDF_MAX_FRAGS fragments: the rest was skipped */
    char *ocr_text;       /* text read by OCR (no usable text layer), or NULL */
    size_t ocr_chars, ocr_good;
    double top_rows[3];   /* y of the topmost printed rows, and bottommost */
    double bottom_rows[3];
    int ntop, nbottom;
    long printed_no;      /* lone page number found in the margins, or -1 */
} pdf_page;

typedef struct pdf_ctx {
    pdf_page *pages;
    int npages;
    double body;          /* most common font size */
    double big_sizes[8];  /* heading font sizes above body, largest first */
    int nbig;
    GHashTable *vocab;    /* lowercase words and hyphenated compounds seen inside lines */
    int style_level[64];  /* heading level by style key (size*2, bold), 0 = unknown */
    double style_key[64];
    int nstyles;
} pdf_ctx;

static void page_free(pdf_page *pg)
{
    for (size_t i = 0; i < pg->n; i++) free(pg->frags[i].text);
    free(pg->frags);
    free(pg->label);
    g_free(pg->ocr_text);
}

static bool font_is_bold(const char *name)
{
    if (!name) return false;
    const char *plus = strchr(name, '+');
    if (plus && plus - name == 6) name = plus + 1;
    char low[96];
    size_t i = 0;
    for (; name[i] && i < sizeof low - 1; i++) low[i] = g_ascii_tolower(name[i]);
    low[i] = '\0';
    static const char *const marks[] = {"bold", "black", "heavy", "demi", "-medi", "cmbx", "cmb10",
                                        "-bd", ",bd", "-sb", "semibd"};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (strstr(low, marks[k])) return true;
    return false;
}

/* Characters that carry no text: unmapped glyphs and private use. */
static bool is_bad_char(gunichar c)
{
    return c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000 ||
           (c < 0x20 && c != '\t') || (c >= 0x7F && c < 0xA0);
}

static bool is_vowel(gunichar c)
{
    switch (g_unichar_tolower(c)) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return true;
    default: return c >= 0x80 && g_unichar_isalpha(c);
    }
}

/* Characters of s[0..len) that belong to word-like tokens: letters in a
 * normal case pattern with a vowel, or numbers. Text from fonts without a
 * Unicode map ("Z\[*]_^a`KbH", "RX W Y O RZ") scores near zero. */
static size_t good_chars(const char *s, size_t len)
{
    size_t good = 0;
    const char *end = s + len;
    while (s < end) {
        while (s < end && (*s == ' ')) s++;
        const char *t = s;
        while (t < end && *t != ' ') t++;
        /* strip punctuation around the token */
        const char *a = s, *b = t;
        while (a < b && strchr(".,;:()[]{}\"'!?*", *a)) a++;
        while (b > a && strchr(".,;:()[]{}\"'!?*", b[-1])) b--;
        size_t n = 0, letters = 0, upper = 0, lower = 0, digits = 0, other = 0;
        bool vowel = false, first_upper = false;
        for (const char *p = a; p < b; p = g_utf8_next_char(p)) {
            gunichar c = g_utf8_get_char(p);
            n++;
            if (g_unichar_isalpha(c)) {
                letters++;
                if (g_unichar_isupper(c)) {
                    upper++;
                    if (n == 1) first_upper = true;
                } else lower++;
                if (is_vowel(c)) vowel = true;
            } else if (g_unichar_isdigit(c)) digits++;
            else if (c != '-' && c != '\'' && c != 0x2019 && c != '.' && c != ',') other++;
        }
        bool ok = false;
        if (n && digits && !letters && !other) ok = true;
        else if (n == 1 && letters == 1) ok = strchr("aAIy", *a) != NULL;
        else if (letters >= 2 && !other && !digits && vowel) {
            ok = upper == 0 || lower == 0 || (upper == 1 && first_upper);
        }
        if (ok) good += (size_t)(b - a);
        s = t;
    }
    return good;
}

typedef struct frag_acc {
    buf text;
    double x0, y0, x1, y1, last_x1;
    double sizes[6];
    size_t size_n[6];
    size_t nchars, nbold;
    bool space;
    size_t word_len;      /* characters since the last space */
    gunichar prev_c;
    double prev_size;
} frag_acc;

static void acc_reset(frag_acc *a)
{
    buf_reset(&a->text);
    a->x0 = a->y0 = INFINITY;
    a->x1 = a->y1 = a->last_x1 = -INFINITY;
    memset(a->size_n, 0, sizeof a->size_n);
    a->nchars = a->nbold = 0;
    a->space = false;
    a->word_len = 0;
    a->prev_c = 0;
    a->prev_size = 0;
}

static double acc_size(const frag_acc *a)
{
    size_t best = 0;
    for (size_t i = 1; i < 6; i++)
        if (a->size_n[i] > a->size_n[best]) best = i;
    return a->size_n[best] ? a->sizes[best] : 10.0;
}

static void acc_add_size(frag_acc *a, double size)
{
    for (size_t i = 0; i < 6; i++) {
        if (a->size_n[i] && fabs(a->sizes[i] - size) < 0.05) {
            a->size_n[i]++;
            return;
        }
    }
    for (size_t i = 0; i < 6; i++) {
        if (!a->size_n[i]) {
            a->sizes[i] = size;
            a->size_n[i] = 1;
            return;
        }
    }
}

static quire_status flush_frag(pdf_page *pg, frag_acc *a)
{
    if (!a->text.len) return QUIRE_OK;
    if (pg->n >= PDF_MAX_FRAGS) {
        pg->truncated = true;
        return QUIRE_OK;
    }
    gchar *norm = g_utf8_normalize(a->text.data, (gssize)a->text.len, G_NORMALIZE_NFKC);
    if (!norm) return QUIRE_OK; /* invalid UTF-8 cannot happen: we built it from code points */
    size_t len = strlen(norm);
    while (len && norm[len - 1] == ' ') len--;
    if (!len) {
        g_free(norm);
        return QUIRE_OK;
    }
    if (pg->n == pg->alloc) {
        size_t na = pg->alloc ? pg->alloc * 2 : 64;
        pdf_frag *p = realloc(pg->frags, na * sizeof *p);
        if (!p) {
            g_free(norm);
            return QUIRE_ERR_NOMEM;
        }
        pg->frags = p;
        pg->alloc = na;
    }
    char *t = malloc(len + 1);
    if (!t) {
        g_free(norm);
        return QUIRE_ERR_NOMEM;
    }
    memcpy(t, norm, len);
    t[len] = '\0';
    g_free(norm);
    pdf_frag *f = &pg->frags[pg->n++];
    f->text = t;
    f->len = len;
    f->x0 = a->x0;
    f->y0 = a->y0;
    f->x1 = a->x1;
    f->y1 = a->y1;
    f->size = acc_size(a);
    f->bold = a->nbold * 2 > a->nchars;
    f->drop = 0;
    pg->good += good_chars(t, len);
    return QUIRE_OK;
}

/* Fragments of one page from poppler's text, boxes and fonts. */
static quire_status page_frags(PopplerPage *page, pdf_page *pg)
{
    quire_status rc = QUIRE_OK;
    gchar *text = poppler_page_get_text(page);
    if (!text || !*text) {
        g_free(text);
        return QUIRE_OK;
    }
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    if (!poppler_page_get_text_layout(page, &rects, &nrects)) nrects = 0;
    GList *attrs = poppler_page_get_text_attributes(page);
    GList *at = attrs;
    frag_acc a;
    memset(&a, 0, sizeof a);
    buf_init(&a.text, 0);
    acc_reset(&a);
    guint k = 0;
    for (const char *s = text; *s && !rc; s = g_utf8_next_char(s), k++) {
        gunichar c = g_utf8_get_char(s);
        if (c == '\n' || c == '\r') {
            rc = flush_frag(pg, &a);
            acc_reset(&a);
            continue;
        }
        if (g_unichar_isspace(c)) {
            a.space = a.text.len > 0;
            continue;
        }
        pg->chars++;
        if (is_bad_char(c)) {
            pg->bad++;
            continue;
        }
        if (nrects == 0 || k >= nrects) continue; /* no geometry: poppler disagreed with itself */
        const PopplerRectangle *r = &rects[k];
        double x0 = fmin(r->x1, r->x2), x1 = fmax(r->x1, r->x2);
        double y0 = fmin(r->y1, r->y2), y1 = fmax(r->y1, r->y2);
        while (at && ((PopplerTextAttributes *)at->data)->end_index < (gint)k) at = at->next;
        const PopplerTextAttributes *ta = at ? at->data : NULL;
        bool in_attr = ta && ta->start_index <= (gint)k;
        double size = in_attr && ta->font_size > 0 && ta->font_size < 2000 ? ta->font_size
                                                                            : y1 - y0;
        if (a.text.len) {
            double h = a.y1 - a.y0;
            bool wide_gap = x0 - a.last_x1 > fmax(size, 3.0);
            bool jumped = (y0 + y1) / 2 < a.y0 - h || (y0 + y1) / 2 > a.y1 + h;
            if (wide_gap || jumped) {
                rc = flush_frag(pg, &a);
                acc_reset(&a);
                if (rc) break;
            }
        }
        /* Small capitals ("I NTRODUCTION": a big initial, then smaller
         * capitals) are one word, not two. */
        bool small_caps = a.space && a.word_len == 1 && g_unichar_isupper(a.prev_c) &&
                          g_unichar_isupper(c) && a.prev_size > size * 1.1;
        /* "DESIGN , OPERATIONS": a font change is not a space */
        bool tight = (c == ',' || c == ';') && g_unichar_isalpha(a.prev_c);
        if (a.space && a.text.len && !small_caps && !tight) {
            rc = buf_append_char(&a.text, ' ');
            a.word_len = 0;
        }
        a.space = false;
        a.word_len++;
        a.prev_c = c;
        a.prev_size = size;
        char u[8];
        int ulen = g_unichar_to_utf8(c, u);
        if (!rc) rc = buf_append(&a.text, u, (size_t)ulen);
        a.x0 = fmin(a.x0, x0);
        a.y0 = fmin(a.y0, y0);
        a.x1 = fmax(a.x1, x1);
        a.y1 = fmax(a.y1, y1);
        a.last_x1 = x1;
        acc_add_size(&a, size);
        a.nchars++;
        if (in_attr && font_is_bold(ta->font_name)) a.nbold++;
    }
    if (!rc) rc = flush_frag(pg, &a);
    buf_free(&a.text);
    poppler_page_free_text_attributes(attrs);
    g_free(rects);
    g_free(text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Cross-page analysis                                                 */

static bool is_page_number(const char *s)
{
    /* "12", "- 12 -", "Page 12", "12 of 30", "iv" */
    const char *p = s;
    while (*p == '-' || *p == ' ' || *p == '[' || *p == '(') p++;
    if (!g_ascii_strncasecmp(p, "page ", 5)) p += 5;
    const char *d = p;
    while (g_ascii_isdigit(*p)) p++;
    size_t nd = (size_t)(p - d);
    if (nd == 0) {
        while (*p && strchr("ivxlcIVXLC", *p)) p++;
        if (p - d == 0 || p - d > 6) return false;
    } else if (nd > 5) return false;
    if (!g_ascii_strncasecmp(p, " of ", 4)) {
        p += 4;
        while (g_ascii_isdigit(*p)) p++;
    }
    while (*p == '-' || *p == ' ' || *p == ']' || *p == ')') p++;
    return *p == '\0';
}

/* Key for running-header matching: lowercase, digits folded. */
static void furniture_key(const char *s, char *out, size_t cap)
{
    size_t j = 0;
    for (; *s && j + 1 < cap; s++) {
        char c = *s;
        if (g_ascii_isdigit(c)) c = '#';
        else c = g_ascii_tolower(c);
        if (c == '#' && j && out[j - 1] == '#') continue;
        out[j++] = c;
    }
    out[j] = '\0';
}

typedef struct furn {
    double x, y;          /* where it was first seen */
    int pages;
    int last_page;
} furn;

#define OUTER_ROWS 3

/* The outermost printed rows at the top and at the bottom of a page. */
static void outer_rows(pdf_page *pg)
{
    pg->ntop = pg->nbottom = 0;
    for (int pass = 0; pass < OUTER_ROWS; pass++) {
        double best_t = INFINITY, best_b = -INFINITY;
        for (size_t i = 0; i < pg->n; i++) {
            const pdf_frag *g = &pg->frags[i];
            bool seen_t = false, seen_b = false;
            for (int k = 0; k < pg->ntop; k++)
                seen_t |= fabs(pg->top_rows[k] - g->y0) <= 3 || g->y0 < pg->top_rows[k];
            for (int k = 0; k < pg->nbottom; k++)
                seen_b |= fabs(pg->bottom_rows[k] - g->y1) <= 3 || g->y1 > pg->bottom_rows[k];
            if (!seen_t && g->y0 < best_t) best_t = g->y0;
            if (!seen_b && g->y1 > best_b) best_b = g->y1;
        }
        if (best_t < INFINITY) pg->top_rows[pg->ntop++] = best_t;
        if (best_b > -INFINITY) pg->bottom_rows[pg->nbottom++] = best_b;
    }
}

/* Running headers and footers sit in the top or bottom 12% of the page, on
 * one of the outermost printed rows. Returns that row's rank (1 = the
 * edge), or 0. A table at the top of a page is not a header even when the
 * next page starts with one too: deeper rows need more evidence. */
static int band_row(const pdf_page *pg, const pdf_frag *f)
{
    if (f->y1 < pg->height * 0.12) {
        for (int k = 0; k < pg->ntop; k++)
            if (fabs(pg->top_rows[k] - f->y0) <= 3) return k + 1;
    } else if (f->y0 > pg->height * 0.88) {
        for (int k = 0; k < pg->nbottom; k++)
            if (fabs(pg->bottom_rows[k] - f->y1) <= 3) return k + 1;
    }
    return 0;
}

/* Mark running headers, footers, page numbers and watermarks (the same
 * text at the same place on many pages) as dropped; note printed page
 * numbers. */
static quire_status mark_furniture(pdf_ctx *cx)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (!seen) return QUIRE_ERR_NOMEM;
    char key[160];
    int text_pages = 0;
    for (int p = 0; p < cx->npages; p++) {
        outer_rows(&cx->pages[p]);
        text_pages += !cx->pages[p].no_text;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < cx->npages; p++) {
            pdf_page *pg = &cx->pages[p];
            if (pg->no_text) continue;
            for (size_t i = 0; i < pg->n; i++) {
                pdf_frag *f = &pg->frags[i];
                int row = band_row(pg, f);
                if (pass == 0 && row && is_page_number(f->text)) {
                    f->drop = true;
                    char *end = NULL;
                    long v = strtol(f->text + strcspn(f->text, "0123456789"), &end, 10);
                    if (end && v > 0 && v < 100000 && pg->printed_no < 0) pg->printed_no = v;
                    continue;
                }
                /* text away from the bands is furniture only at one place */
                int kl = row ? snprintf(key, sizeof key, "B")
                             : snprintf(key, sizeof key, "M%d,%d:", (int)(f->x0 / 8),
                                        (int)(f->y0 / 8));
                furniture_key(f->text, key + kl, sizeof key - (size_t)kl);
                furn *fu = g_hash_table_lookup(seen, key);
                bool here = fu && fabs(fu->y - f->y0) < 8 && (row || fabs(fu->x - f->x0) < 4);
                if (pass == 0) {
                    if (!fu) {
                        fu = g_new0(furn, 1);
                        fu->x = f->x0;
                        fu->y = f->y0;
                        fu->last_page = -1;
                        g_hash_table_insert(seen, g_strdup(key), fu);
                        here = true;
                    }
                    if (here && fu->last_page != p) {
                        fu->pages++;
                        fu->last_page = p;
                    }
                } else if (here) {
                    if (row && fu->pages >= (row <= 2 ? 2 : 3)) f->drop = true;
                    if (!row && fu->pages >= 3 && fu->pages * 2 >= text_pages) f->drop = 2;
                }
            }
        }
    }
    /* The same text at the same place on every page is a watermark, unless
     * it is all the page says. */
    for (int p = 0; p < cx->npages; p++) {
        pdf_page *pg = &cx->pages[p];
        bool kept = false;
        for (size_t i = 0; i < pg->n && !kept; i++) kept = !pg->frags[i].drop;
        for (size_t i = 0; i < pg->n && !kept; i++)
            if (pg->frags[i].drop == 2) pg->frags[i].drop = 0;
    }
    g_hash_table_destroy(seen);
    return QUIRE_OK;
}

/* Line numbers in the margins: lone numbers outside the text body's width. */
static void mark_line_numbers(pdf_page *pg)
{
    double bx0 = INFINITY, bx1 = -INFINITY;
    for (size_t i = 0; i < pg->n; i++) {
        const pdf_frag *f = &pg->frags[i];
        if (f->drop || f->len < 25 || f->y1 - f->y0 > f->x1 - f->x0) continue;
        bx0 = fmin(bx0, f->x0);
        bx1 = fmax(bx1, f->x1);
    }
    if (!(bx0 < bx1)) return;
    for (size_t i = 0; i < pg->n; i++) {
        pdf_frag *f = &pg->frags[i];
        bool outside = f->x1 < bx0 - 1 || f->x0 > bx1 + 1;
        /* vertical text in a margin: arXiv stamps, repository watermarks */
        bool vertical = f->y1 - f->y0 > 2 * (f->x1 - f->x0) && f->len >= 4;
        if (outside && vertical) f->drop = true;
        if (f->drop || f->len > 4 || strspn(f->text, "0123456789") != f->len) continue;
        if (outside) f->drop = true;
    }
}

static int cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Body size (most characters) and the larger sizes of short lines. */
static void font_stats(pdf_ctx *cx)
{
    double sizes[64];
    size_t weight[64];
    int ns = 0;
    for (int p = 0; p < cx->npages; p++) {
        const pdf_page *pg = &cx->pages[p];
        if (pg->no_text) continue;
        for (size_t i = 0; i < pg->n; i++) {
            const pdf_frag *f = &pg->frags[i];
            double s = round(f->size * 2) / 2;
            int j = 0;
            while (j < ns && sizes[j] != s) j++;
            if (j == ns) {
                if (ns == 64) continue;
                sizes[ns] = s;
                weight[ns++] = 0;
            }
            weight[j] += f->len;
        }
    }
    int best = 0;
    for (int j = 1; j < ns; j++)
        if (weight[j] > weight[best]) best = j;
    cx->body = ns ? sizes[best] : 10.0;
    double big[64];
    int nb = 0;
    for (int j = 0; j < ns; j++)
        if (sizes[j] >= cx->body * 1.12 + 0.3 && sizes[j] < cx->body * 4) big[nb++] = sizes[j];
    qsort(big, (size_t)nb, sizeof *big, cmp_double_desc);
    cx->nbig = nb < 8 ? nb : 8;
    memcpy(cx->big_sizes, big, (size_t)cx->nbig * sizeof *big);
}

static void vocab_add_text(GHashTable *v, const char *s, size_t len)
{
    /* Words (and hyphenated compounds) that are not cut by the line end. */
    char w[64];
    size_t i = 0;
    while (i < len) {
        while (i < len && !g_ascii_isalpha(s[i])) i++;
        size_t st = i;
        while (i < len && (g_ascii_isalpha(s[i]) || (s[i] == '-' && i + 1 < len &&
                                                     g_ascii_isalpha(s[i + 1]))))
            i++;
        size_t n = i - st;
        if (i >= len || n < 2 || n >= sizeof w) continue; /* the last word may be cut */
        for (size_t k = 0; k < n; k++) w[k] = g_ascii_tolower(s[st + k]);
        w[n] = '\0';
        if (!g_hash_table_contains(v, w)) g_hash_table_add(v, g_strdup(w));
    }
}

/* ------------------------------------------------------------------ */
/* Lines to blocks                                                     */

typedef struct numbering {
    int depth;      /* 0 when the line is not numbered */
    size_t skip;    /* bytes of the number and following space */
} numbering;

static numbering parse_numbering(const char *s)
{
    numbering nb = {0, 0};
    const char *p = s;
    int depth = 0;
    while (g_ascii_isdigit(*p)) {
        const char *d = p;
        long v = 0;
        while (g_ascii_isdigit(*p) && p - d < 3) v = v * 10 + (*p++ - '0');
        if (g_ascii_isdigit(*p) || v > 99) return nb;
        depth++;
        if (*p == '.' && g_ascii_isdigit(p[1])) p++;
        else break;
    }
    if (!depth) {
        /* roman numerals "IV." and appendix letters "A." */
        const char *r = p;
        while (*p && strchr("IVX", *p)) p++;
        if (p - r > 0 && p - r <= 4 && *p == '.') depth = 1;
        else return nb;
    }
    if (*p == '.') p++;
    if (*p != ' ') return nb;
    while (*p == ' ') p++;
    if (!g_unichar_isupper(g_utf8_get_char(p))) return nb;
    nb.depth = depth > 6 ? 6 : depth;
    nb.skip = (size_t)(p - s);
    return nb;
}

static bool word_is(const char *s, size_t len, const char *const *list)
{
    while (len && (s[len - 1] == ':' || s[len - 1] == '.' || s[len - 1] == ' ')) len--;
    for (; *list; list++)
        if (strlen(*list) == len && !g_ascii_strncasecmp(s, *list, len)) return true;
    return false;
}

static const char *const refs_words[] = {"references", "bibliography", "works cited",
                                         "literature cited", "references and notes",
                                         "références", "bibliographie", "literatur",
                                         "reference", NULL};
static const char *const known_words[] = {
    "abstract", "introduction", "conclusion", "conclusions", "related work", "acknowledgments",
    "acknowledgements", "acknowledgment", "acknowledgement", "appendix", "discussion",
    "evaluation", "results", "background", "summary", "résumé", "future work", "methods", NULL};

static bool ends_sentence(const char *s, size_t len)
{
    while (len && (s[len - 1] == '"' || s[len - 1] == ')' || s[len - 1] == '\'')) len--;
    if (!len) return false;
    char c = s[len - 1];
    if (c == '.' || c == '!' || c == '?' || c == ':') return true;
    /* "”" */
    return len >= 3 && (unsigned char)s[len - 3] == 0xE2 && (unsigned char)s[len - 2] == 0x80 &&
           (unsigned char)s[len - 1] == 0x9D;
}

static bool starts_lower(const char *s)
{
    return g_unichar_islower(g_utf8_get_char(s));
}

static bool starts_caption(const char *s)
{
    static const char *const caps[] = {"figure ", "fig. ", "fig ", "table ", "algorithm ", "listing ",
                                       NULL};
    for (int i = 0; caps[i]; i++) {
        size_t n = strlen(caps[i]);
        if (!g_ascii_strncasecmp(s, caps[i], n) && (g_ascii_isdigit(s[n]) || (s[n] >= 'A' && s[n] <= 'Z' && strchr("IVX", s[n]))))
            return true;
    }
    return false;
}

static bool starts_bullet(const char *s)
{
    gunichar c = g_utf8_get_char(s);
    if (c == 0x2022 || c == 0x25E6 || c == 0x25AA || c == 0x2013 || c == 0x00B7 || c == 0x25CF ||
        c == 0x2217)
        return true;
    return (c == '-' || c == '*') && s[1] == ' ';
}

static bool starts_ref_entry(const char *s)
{
    if (s[0] == '[' && (g_ascii_isdigit(s[1]) || g_ascii_isupper(s[1]))) return true;
    const char *p = s;
    while (g_ascii_isdigit(*p)) p++;
    return p > s && p - s <= 3 && *p == '.' && p[1] == ' ';
}

static size_t count_words(const char *s, size_t len)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < len; i++) {
        bool sp = s[i] == ' ';
        if (!sp && !in) w++;
        in = !sp;
    }
    return w;
}

static bool has_letter(const char *s, size_t len)
{
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
        if (g_unichar_isalpha(g_utf8_get_char(p))) return true;
    return false;
}

static int style_index(pdf_ctx *cx, double size, bool bold)
{
    double key = round(size * 2) + (bold ? 0.25 : 0);
    for (int i = 0; i < cx->nstyles; i++)
        if (cx->style_key[i] == key) return i;
    if (cx->nstyles == 64) return -1;
    cx->style_key[cx->nstyles] = key;
    cx->style_level[cx->nstyles] = 0;
    return cx->nstyles++;
}

/* Heading level of a line (0 = not a heading). */
static int heading_level(pdf_ctx *cx, const char *s, size_t len, double size, bool bold,
                         bool *strong)
{
    *strong = false;
    if (len > 160) return 0;
    /* a word of three letters at least: "M1", "E5" are figure labels */
    size_t run = 0, best = 0;
    for (const char *q = s; q < s + len; q = g_utf8_next_char(q)) {
        run = g_unichar_isalpha(g_utf8_get_char(q)) ? run + 1 : 0;
        if (run > best) best = run;
    }
    if (best < 3) return 0;
    size_t words = count_words(s, len);
    if (words > 16) return 0;
    char last = s[len - 1];
    if (last == ',' || last == ';' || last == '-') return 0;
    numbering nb = parse_numbering(s);
    bool known = word_is(s + nb.skip, len - nb.skip, known_words) ||
                 word_is(s + nb.skip, len - nb.skip, refs_words);
    bool big = size >= cx->body * 1.12 + 0.3;
    bool upper = !g_unichar_islower(g_utf8_get_char(s + nb.skip));
    if (!upper) return 0;
    if (last == '.' && !nb.depth && !known) return 0;
    bool allcaps = true;
    for (size_t i = nb.skip; i < len; i++)
        if (g_ascii_islower(s[i])) allcaps = false;
    if (!(big || (bold && (nb.depth || known || words <= 8)) || known ||
          (nb.depth && allcaps && words <= 10)))
        return 0;
    /* small-capital headings ("IV. RESULTS") are set smaller than the body */
    if (!big && size < cx->body - 0.3 && !(nb.depth && allcaps && size > cx->body * 0.7)) return 0;
    if (starts_caption(s)) return 0;
    *strong = nb.depth || known;
    int st = style_index(cx, size, bold);
    if (nb.depth) {
        if (st >= 0 && !cx->style_level[st]) cx->style_level[st] = nb.depth;
        return nb.depth;
    }
    if (st >= 0 && cx->style_level[st]) return cx->style_level[st];
    if (big) {
        int rank = 1;
        for (int i = 0; i < cx->nbig; i++)
            if (cx->big_sizes[i] > size + 0.3) rank++;
        return rank > 6 ? 6 : rank;
    }
    return known ? 1 : (cx->nbig + 1 > 6 ? 6 : cx->nbig + 1);
}

typedef struct para {
    buf text;
    unsigned flags;
    int level;
    double size;
    bool bold;
    const pdf_line *last;
    const char *last_text; /* the last line's text, borrowed */
    size_t last_len;
} para;

/* Join `line` to the paragraph, undoing end-of-line hyphenation. */
static quire_status para_join(pdf_ctx *cx, para *p, const char *s, size_t len)
{
    buf *b = &p->text;
    if (!b->len) return buf_append(b, s, len);
    /* the line's last character: '-', U+2010 or a soft hyphen */
    size_t hy = 0;
    if (b->data[b->len - 1] == '-') hy = 1;
    else if (b->len >= 3 && !memcmp(b->data + b->len - 3, "\xE2\x80\x90", 3)) hy = 3;
    else if (b->len >= 2 && !memcmp(b->data + b->len - 2, "\xC2\xAD", 2)) hy = 2;
    if (hy && b->len > hy && g_ascii_islower(b->data[b->len - hy - 1]) && g_ascii_islower(s[0])) {
        /* left part: letters back to a space or another hyphen */
        size_t e = b->len - hy, st = e;
        while (st > 0 && g_ascii_isalpha(b->data[st - 1])) st--;
        bool compound = st > 0 && b->data[st - 1] == '-';
        size_t rn = 0;
        while (rn < len && g_ascii_isalpha(s[rn])) rn++;
        if (rn < len && s[rn] == '-') compound = true; /* "state-" + "of-the-art" */
        bool join = !compound;
        if (join && hy != 2 && e - st + rn + 2 < 64 && cx->vocab) {
            char w[64];
            size_t n = 0;
            for (size_t i = st; i < e; i++) w[n++] = g_ascii_tolower(b->data[i]);
            size_t mid = n;
            for (size_t i = 0; i < rn; i++) w[n++] = g_ascii_tolower(s[i]);
            w[n] = '\0';
            if (!g_hash_table_contains(cx->vocab, w)) {
                /* keep the hyphen when the document writes the compound so */
                memmove(w + mid + 1, w + mid, n - mid + 1);
                w[mid] = '-';
                if (g_hash_table_contains(cx->vocab, w)) join = false;
            }
        }
        if (join) {
            b->len -= hy;
            return buf_append(b, s, len);
        }
        if (hy != 1) { /* a soft or Unicode hyphen kept becomes '-' */
            b->len -= hy;
            quire_status rc = buf_append_char(b, '-');
            if (rc) return rc;
        }
        return buf_append(b, s, len);
    }
    quire_status rc = buf_append_char(b, ' ');
    return rc ? rc : buf_append(b, s, len);
}

/* A block of the current page, held until the page is complete. */
typedef struct pblock {
    char *text;
    size_t len;
    unsigned flags;
    int level;
    bool label;            /* short, no sentence: could be text inside a figure */
} pblock;

typedef struct emit_state {
    pdf_ctx *cx;
    quire_doc *doc;
    int refs_level;        /* level of the references heading in force, 0 = none */
    bool title_done;
    bool front;            /* no numbered or named section heading seen yet */
    int page;              /* 0-based */
    pblock *blocks;        /* this page's blocks */
    size_t nblocks, blocks_alloc;
} emit_state;

static quire_status para_flush(emit_state *es, para *p)
{
    quire_status rc = QUIRE_OK;
    if (p->text.len) {
        const char *s = p->text.data;
        size_t len = p->text.len;
        unsigned flags = p->flags;
        bool keep = true;
        size_t words = count_words(s, len);
        if (!(flags & (QUIRE_SEG_HEADING | QUIRE_SEG_TITLE | QUIRE_SEG_TABLE))) {
            if (starts_caption(s)) flags |= QUIRE_SEG_CAPTION;
            /* stray figure labels, axis ticks, equation numbers */
            if (!(flags & QUIRE_SEG_CAPTION) && words <= 4 &&
                (!has_letter(s, len) || p->size < es->cx->body * 0.85))
                keep = false;
        }
        if (flags & QUIRE_SEG_HEADING) {
            numbering nb = parse_numbering(s);
            bool refs = word_is(s + nb.skip, len - nb.skip, refs_words);
            if (refs) es->refs_level = p->level;
            else if (es->refs_level && p->level <= es->refs_level) es->refs_level = 0;
        }
        if (es->refs_level) flags |= QUIRE_SEG_REFERENCES;
        if (keep && es->nblocks == es->blocks_alloc) {
            size_t na = es->blocks_alloc ? es->blocks_alloc * 2 : 32;
            pblock *nb = realloc(es->blocks, na * sizeof *nb);
            if (!nb) rc = QUIRE_ERR_NOMEM;
            else {
                es->blocks = nb;
                es->blocks_alloc = na;
            }
        }
        if (keep && !rc) {
            pblock *b = &es->blocks[es->nblocks];
            if (!(b->text = malloc(len + 1))) rc = QUIRE_ERR_NOMEM;
            else {
                memcpy(b->text, s, len);
                b->text[len] = '\0';
                b->len = len;
                b->flags = flags;
                b->level = (flags & QUIRE_SEG_HEADING) ? p->level : 0;
                b->label = !(flags & (QUIRE_SEG_HEADING | QUIRE_SEG_TITLE | QUIRE_SEG_CAPTION |
                                      QUIRE_SEG_REFERENCES)) &&
                           words <= 8 && !strchr(".!?", s[len - 1]);
                es->nblocks++;
            }
        }
    }
    buf_reset(&p->text);
    p->flags = 0;
    p->level = 0;
    p->last = NULL;
    return rc;
}

/* Hand the page's blocks to the doc. Text drawn inside a figure reads as a
 * run of short label blocks right above the figure's caption: drop it. */
static quire_status page_blocks_emit(emit_state *es)
{
    for (size_t i = 0; i < es->nblocks; i++) {
        const pblock *c = &es->blocks[i];
        if (!(c->flags & QUIRE_SEG_CAPTION) || g_ascii_strncasecmp(c->text, "fig", 3)) continue;
        size_t j = i;
        while (j > 0 && es->blocks[j - 1].label) j--;
        if (i - j >= 1)
            for (size_t k = j; k < i; k++) es->blocks[k].len = 0;
    }
    quire_status rc = QUIRE_OK;
    for (size_t i = 0; i < es->nblocks; i++) {
        pblock *b = &es->blocks[i];
        if (!rc && b->len) {
            quire_block_info info = {b->flags, b->level, NULL};
            rc = quire_doc_add_block(es->doc, b->text, b->len, &info);
        }
        free(b->text);
    }
    es->nblocks = 0;
    return rc;
}

/* Median gap between consecutive lines of each region, for paragraph breaks. */
static void region_gaps(const pdf_layout *lay, double *gap)
{
    for (size_t r = 0; r < lay->nregions; r++) {
        double g[64];
        size_t ng = 0;
        for (size_t i = 1; i < lay->nlines && ng < 64; i++) {
            const pdf_line *a = &lay->lines[i - 1], *b = &lay->lines[i];
            if (a->region != (int)r || b->region != (int)r) continue;
            double d = b->y0 - a->y1;
            if (d > -2 && d < 3 * b->size) g[ng++] = d;
        }
        if (!ng) {
            gap[r] = 0;
            continue;
        }
        qsort(g, ng, sizeof *g, cmp_double_desc);
        gap[r] = g[ng / 2];
    }
}

static bool should_break(emit_state *es, const pdf_layout *lay, const double *gaps, const para *p,
                         const pdf_line *l, const char *s)
{
    const pdf_line *a = p->last;
    double sz = fmax(a->size, l->size);
    if (fabs(a->size - l->size) > 0.9 || a->bold != l->bold) return true;
    if (a->region != l->region) {
        /* a paragraph continued at the top of the next column */
        return ends_sentence(p->last_text, p->last_len) || !starts_lower(s);
    }
    const pdf_region *rg = &lay->regions[l->region];
    if (l->y0 - a->y1 > gaps[l->region] + 0.45 * sz) return true;
    if (l->y0 < a->y0 - 0.5 * sz) return true; /* moved up: not the same flow */
    if (starts_caption(s) || starts_bullet(s)) return true;
    if (es->refs_level && (starts_ref_entry(s) || l->x0 < a->x0 - 0.5 * sz)) return true;
    bool a_end = ends_sentence(p->last_text, p->last_len);
    if (a_end && l->x0 > rg->x0 + 0.8 * sz && a->x0 < l->x0 - 0.5 * sz) return true;
    if (a_end && rg->x1 - rg->x0 > 15 * sz && a->x1 < rg->x1 - 3 * sz) return true;
    return false;
}

static quire_status emit_page(emit_state *es, pdf_page *pg)
{
    pdf_layout lay;
    quire_status rc = pdf_layout_page(pg->frags, pg->n, &lay);
    if (rc) return rc;
    double *gaps = calloc(lay.nregions + 1, sizeof *gaps);
    buf line = QUIRE_BUF_INIT(0);
    para p;
    memset(&p, 0, sizeof p);
    buf_init(&p.text, 0);
    buf prev = QUIRE_BUF_INIT(0);
    if (!gaps) rc = QUIRE_ERR_NOMEM;
    else region_gaps(&lay, gaps);

    /* The title: the largest text in the top half of the first page. */
    double title_size = 0;
    if (!es->title_done && es->page == 0) {
        for (size_t i = 0; i < lay.nlines; i++) {
            const pdf_line *l = &lay.lines[i];
            const pdf_frag *f = &pg->frags[lay.order[l->first]];
            numbering nb = parse_numbering(f->text);
            if (nb.depth || word_is(f->text, f->len, known_words)) continue; /* a section */
            if (l->y0 < pg->height * 0.5 && l->size > title_size) title_size = l->size;
        }
        if (title_size < es->cx->body * 1.12 + 0.3) title_size = 0;
    }

    for (size_t i = 0; i < lay.nlines && !rc; i++) {
        const pdf_line *l = &lay.lines[i];
        buf_reset(&line);
        for (size_t k = 0; k < l->n && !rc; k++) {
            const pdf_frag *f = &pg->frags[lay.order[l->first + k]];
            if (k) rc = buf_append_str(&line, lay.cell[l->first + k] ? " | " : " ");
            if (!rc) rc = buf_append(&line, f->text, f->len);
        }
        if (rc || !line.len) break;
        const char *s = line.data;
        size_t len = line.len;
        bool table = lay.regions[l->region].table;
        if (table) {
            if ((rc = para_flush(es, &p))) break;
            p.flags = QUIRE_SEG_TABLE;
            p.size = l->size;
            rc = buf_append(&p.text, s, len);
            if (!rc) rc = para_flush(es, &p);
            continue;
        }
        unsigned kind = 0;
        int level = 0;
        if (title_size > 0 && !es->title_done && fabs(l->size - title_size) < 0.3 &&
            l->y0 < pg->height * 0.5) {
            kind = QUIRE_SEG_TITLE;
        } else {
            bool strong;
            level = heading_level(es->cx, s, len, l->size, l->bold, &strong);
            /* Before the first real section heading, big lines on the first
             * page are front matter (authors, affiliations), not sections. */
            if (strong) es->front = false;
            /* a bold line that fills its column runs on into a paragraph */
            const pdf_region *rg = &lay.regions[l->region];
            if (level && !strong && rg->x1 - rg->x0 > 15 * l->size &&
                l->x1 > rg->x1 - 1.5 * l->size)
                level = 0;
            if (level && !es->front) kind = QUIRE_SEG_HEADING;
            else level = 0;
        }
        if (p.text.len) {
            bool brk;
            if (kind != p.flags) brk = true;
            else if (kind) /* a heading or title on several lines */
                brk = p.last->region != l->region || l->y0 - p.last->y1 > 0.8 * l->size ||
                      fabs(p.size - l->size) > 0.3 || (kind == QUIRE_SEG_HEADING &&
                                                       parse_numbering(s).depth);
            else brk = should_break(es, &lay, gaps, &p, l, s);
            if (brk) {
                if (p.flags & QUIRE_SEG_TITLE) es->title_done = true;
                if ((rc = para_flush(es, &p))) break;
            }
        }
        if (!p.text.len) {
            p.flags = kind;
            p.level = level;
            p.size = l->size;
            p.bold = l->bold;
        }
        if ((rc = para_join(es->cx, &p, s, len))) break;
        p.last = l;
        buf_reset(&prev);
        if ((rc = buf_append(&prev, s, len))) break;
        p.last_text = prev.data;
        p.last_len = prev.len;
    }
    if (!rc) {
        if (p.flags & QUIRE_SEG_TITLE) es->title_done = true;
        rc = para_flush(es, &p);
    }
    quire_status rc2 = page_blocks_emit(es);
    if (!rc) rc = rc2;
    if (es->page == 0) es->title_done = true;
    buf_free(&p.text);
    buf_free(&line);
    buf_free(&prev);
    free(gaps);
    pdf_layout_free(&lay);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Pages without a text layer                                          */

/* OCR one page; keep the text only when it reads as words. */
static quire_status try_ocr(pdf_ocr *ocr, PopplerPage *page, pdf_page *pg)
{
    char *text = NULL;
    int conf = 0;
    quire_status rc = pdf_ocr_page(ocr, page, &text, &conf);
    if (rc) return rc;
    gchar *norm = g_utf8_normalize(text, -1, G_NORMALIZE_NFKC);
    g_free(text);
    if (!norm) return QUIRE_ERR_NO_TEXT;
    size_t chars = 0;
    for (const char *p = norm; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p))) chars++;
    /* good_chars() reads one line of words separated by single spaces */
    gchar *flat = g_strdup(norm);
    for (char *p = flat; *p; p++)
        if (g_ascii_isspace(*p)) *p = ' ';
    size_t good = good_chars(flat, strlen(flat));
    g_free(flat);
    if (chars < 20 || good * 2 < chars || conf < 40) {
        g_free(norm);
        return QUIRE_ERR_NO_TEXT;
    }
    for (size_t i = 0; i < pg->n; i++) free(pg->frags[i].text);
    pg->n = 0; /* the text layer, if any, was garbage */
    pg->ocr_text = norm;
    pg->ocr_chars = chars;
    pg->ocr_good = good;
    return QUIRE_OK;
}

/* OCR text: paragraphs are separated by blank lines (but a typewritten
 * page is double-spaced: a blank line inside a sentence is not a break);
 * lines are joined and end-of-line hyphens undone as for a text layer. */
static quire_status emit_ocr_page(emit_state *es, const char *t)
{
    para p;
    memset(&p, 0, sizeof p);
    buf_init(&p.text, 0);
    quire_status rc = QUIRE_OK;
    bool blank = false;
    while (*t && !rc) {
        const char *nl = strchr(t, '\n');
        size_t n = nl ? (size_t)(nl - t) : strlen(t);
        size_t k = n;
        while (k && g_ascii_isspace(t[k - 1])) k--;
        if (!k) {
            blank = true;
        } else {
            if (blank && p.text.len && (ends_sentence(p.text.data, p.text.len) || !starts_lower(t)) &&
                p.text.data[p.text.len - 1] != '-') {
                rc = quire_doc_add_block(es->doc, p.text.data, p.text.len, NULL);
                buf_reset(&p.text);
            }
            blank = false;
            if (!rc) rc = para_join(es->cx, &p, t, k);
        }
        t += n;
        if (*t) t++;
    }
    if (!rc && p.text.len) rc = quire_doc_add_block(es->doc, p.text.data, p.text.len, NULL);
    buf_free(&p.text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Metadata                                                            */

static bool junk_title(const char *t)
{
    if (!t) return true;
    while (*t == ' ') t++;
    if (strlen(t) < 4) return true;
    static const char *const junk[] = {".doc", ".dvi", ".tex", ".pdf", ".ps", "microsoft word",
                                       "untitled", "powerpoint", ".indd", ".qxd", NULL};
    gchar *low = g_ascii_strdown(t, -1);
    bool bad = false;
    for (int i = 0; junk[i] && !bad; i++)
        if (strstr(low, junk[i])) bad = true;
    g_free(low);
    return bad;
}

/* Does page p's text contain the title (ASCII case and spacing ignored)? */
static bool title_on_page(const quire_doc *doc, size_t p)
{
    const quire_page *pg = &doc->pages[p];
    const char *t = doc->title;
    size_t tl = strlen(t);
    if (tl > 40) tl = 40; /* its start is enough */
    for (size_t i = pg->start; i < pg->end; i++) {
        size_t a = i, b = 0;
        while (a < pg->end && b < tl) {
            if (doc->text[a] == ' ' || doc->text[a] == '\n') { a++; continue; }
            if (t[b] == ' ') { b++; continue; }
            if (g_ascii_tolower(doc->text[a]) != g_ascii_tolower(t[b])) break;
            a++;
            b++;
        }
        if (b == tl) return true;
    }
    return false;
}

/* Metadata strings sometimes carry markup ("<Emphasis Type=...>"). */
static void strip_tags(char *s)
{
    char *w = s;
    bool in = false;
    for (char *r = s; *r; r++) {
        if (*r == '<') in = true;
        else if (*r == '>' && in) in = false;
        else if (!in) *w++ = *r;
    }
    *w = '\0';
}

static quire_status set_metadata(PopplerDocument *pd, quire_doc *doc)
{
    quire_status rc = QUIRE_OK;
    gchar *title = poppler_document_get_title(pd);
    gchar *author = poppler_document_get_author(pd);
    if (title) strip_tags(title);
    if (title && !junk_title(title)) rc = quire_doc_set_meta(doc, "title", g_strstrip(title));
    if (!rc && author && *g_strstrip(author)) rc = quire_doc_set_meta(doc, "authors", author);
    g_free(title);
    g_free(author);
    GDateTime *dt = poppler_document_get_creation_date_time(pd);
    if (dt) {
        gchar *d = g_date_time_format(dt, "%Y-%m-%d");
        if (!rc && d) rc = quire_doc_set_meta(doc, "date", d);
        g_free(d);
        g_date_time_unref(dt);
    }
    return rc;
}

/* When the PDF has no page labels but prints page numbers, the numbers a
 * reader sees are index + offset on most pages. */
static long printed_offset(const pdf_ctx *cx)
{
    long best = 0;
    int best_n = 0, with = 0;
    for (int p = 0; p < cx->npages; p++) {
        if (cx->pages[p].printed_no < 0) continue;
        with++;
        long off = cx->pages[p].printed_no - (p + 1);
        int n = 0;
        for (int q = 0; q < cx->npages; q++)
            if (cx->pages[q].printed_no >= 0 && cx->pages[q].printed_no - (q + 1) == off) n++;
        if (n > best_n) {
            best_n = n;
            best = off;
        }
        if (p > 64) break; /* enough evidence */
    }
    if (best_n < 2 || best_n * 2 < with) return 0;
    return best;
}

static quire_status append_page_list(buf *b, int p)
{
    return buf_printf(b, "%s%d", b->len ? ", " : "", p + 1);
}

/* ------------------------------------------------------------------ */

quire_status quire_extract_pdf(const void *data, size_t len, const quire_extract_opts *opts,
                               quire_doc **out, quire_error *err)
{
    quire_extract_opts defaults;
    if (!opts) {
        quire_extract_opts_default(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    if (!data || len < 5 || memcmp(data, "%PDF-", 5) != 0)
        return quire_error_set(err, QUIRE_ERR_FORMAT, "not a PDF file (no %%PDF- header)");
    if (opts->max_file_bytes && len > opts->max_file_bytes)
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "PDF of %zu bytes is over the %zu byte limit",
                               len, opts->max_file_bytes);
    if (len > (size_t)G_MAXSSIZE) return quire_error_set(err, QUIRE_ERR_TOO_BIG, "PDF too large");
    gint64 t0 = g_get_monotonic_time();

    GBytes *bytes = g_bytes_new_static(data, len);
    GError *gerr = NULL;
    PopplerDocument *pd = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!pd) {
        quire_status code = QUIRE_ERR_FORMAT;
        if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            code = QUIRE_ERR_ENCRYPTED;
        if (code == QUIRE_ERR_ENCRYPTED)
            quire_error_set(err, code, "PDF is password-protected (encrypted)");
        else
            quire_error_set(err, code, "cannot open PDF (damaged or not a PDF): %s",
                            gerr ? gerr->message : "unknown error");
        g_clear_error(&gerr);
        g_bytes_unref(bytes);
        return code;
    }
    int npages = poppler_document_get_n_pages(pd);
    quire_status rc = QUIRE_OK;
    quire_doc *doc = NULL;
    pdf_ctx cx;
    memset(&cx, 0, sizeof cx);
    buf empty = QUIRE_BUF_INIT(0), garbled = QUIRE_BUF_INIT(0), ocred = QUIRE_BUF_INIT(0);
    int n_empty = 0, n_garbled = 0, n_ocred = 0;
    pdf_ocr *ocr = NULL;  /* opened at the first page that needs it */
    int ocr_state = 0;    /* -1: OCR not available */
    if (npages <= 0) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "PDF has no pages");
        goto done;
    }
    if (npages > opts->max_pages) {
        rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "PDF has %d pages, over the limit of %d",
                             npages, opts->max_pages);
        goto done;
    }
    cx.pages = calloc((size_t)npages, sizeof *cx.pages);
    doc = quire_doc_new("pdf");
    if (!cx.pages || !doc) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    cx.npages = npages;
    doc->max_bytes = opts->max_text_bytes;

    /* Pass 1: fragments per page. */
    size_t total_chars = 0, total_good = 0;
    for (int i = 0; i < npages && !rc; i++) {
        if (opts->time_limit_s > 0 &&
            (double)(g_get_monotonic_time() - t0) / 1e6 > opts->time_limit_s) {
            rc = quire_error_set(err, QUIRE_ERR_TIMEOUT,
                                 "PDF extraction stopped at page %d of %d: over the %.0f s limit",
                                 i + 1, npages, opts->time_limit_s);
            goto done;
        }
        pdf_page *pg = &cx.pages[i];
        pg->printed_no = -1;
        PopplerPage *page = poppler_document_get_page(pd, i);
        if (!page) {
            pg->no_text = true;
            continue;
        }
        poppler_page_get_size(page, &pg->width, &pg->height);
        gchar *label = poppler_page_get_label(page);
        char num[16];
        snprintf(num, sizeof num, "%d", i + 1);
        if (label && *label && strcmp(label, num) && !(pg->label = strdup(label))) rc = QUIRE_ERR_NOMEM;
        g_free(label);
        if (!rc) rc = page_frags(page, pg);
        if (rc) {
            g_object_unref(page);
            quire_error_set(err, rc, "PDF page %d: %s", i + 1, quire_strerror(rc));
            goto done;
        }
        bool empty_page = pg->chars == 0 || pg->n == 0;
        bool garbage = !empty_page && ((pg->chars >= 40 && pg->good * 100 < pg->chars * 35) ||
                                       pg->bad * 10 > pg->chars * 3);
        if ((empty_page || garbage) && ocr_state >= 0) {
            /* no usable text layer: read the page's picture */
            if (!ocr && pdf_ocr_open(&ocr) != QUIRE_OK) ocr_state = -1;
            if (ocr && try_ocr(ocr, page, pg) == QUIRE_OK) {
                empty_page = garbage = false;
                rc = append_page_list(&ocred, i);
                n_ocred++;
            }
        }
        g_object_unref(page);
        if (pg->ocr_text) {
            total_chars += pg->ocr_chars;
            total_good += pg->ocr_good;
        } else {
            total_chars += pg->chars;
            total_good += pg->good;
        }
        if (!rc && empty_page) {
            pg->no_text = true;
            rc = append_page_list(&empty, i);
            n_empty++;
        } else if (!rc && garbage) {
            pg->no_text = true;
            rc = append_page_list(&garbled, i);
            n_garbled++;
        }
    }
    if (rc) {
        quire_error_set(err, rc, "out of memory");
        goto done;
    }
    if (n_empty + n_garbled == npages || total_good * 100 < total_chars * 35) {
        if (n_empty == npages)
            rc = quire_error_set(err, QUIRE_ERR_NO_TEXT,
                                 "PDF has no text layer on any of its %d pages (scanned images?)",
                                 npages);
        else
            rc = quire_error_set(err, QUIRE_ERR_NO_TEXT,
                                 "PDF text is unreadable (scanned, or fonts without Unicode "
                                 "maps): %d of %d pages have no usable text",
                                 n_empty + n_garbled, npages);
        goto done;
    }

    /* Pass 2: what repeats across pages. */
    font_stats(&cx);
    if (npages >= 2 && (rc = mark_furniture(&cx))) goto done;
    cx.vocab = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int p = 0; p < npages; p++) {
        pdf_page *pg = &cx.pages[p];
        if (pg->no_text) continue;
        mark_line_numbers(pg);
        for (size_t i = 0; i < pg->n; i++) vocab_add_text(cx.vocab, pg->frags[i].text, pg->frags[i].len);
    }
    long offset = 0;
    bool any_label = false;
    for (int p = 0; p < npages; p++) any_label |= cx.pages[p].label != NULL;
    if (!any_label) offset = printed_offset(&cx);

    /* Pass 3: blocks. */
    if ((rc = set_metadata(pd, doc))) goto fail;
    emit_state es = {&cx, doc, 0, false, true, 0, NULL, 0, 0};
    for (int p = 0; p < npages && !rc; p++) {
        pdf_page *pg = &cx.pages[p];
        char lab[24];
        const char *label = pg->label;
        if (!label && offset && p + 1 + offset > 0) {
            snprintf(lab, sizeof lab, "%ld", p + 1 + offset);
            label = lab;
        }
        if ((rc = quire_doc_begin_page(doc, label))) break;
        es.page = p;
        if (pg->no_text) {
            quire_doc_page_no_text(doc);
            continue;
        }
        rc = pg->ocr_text ? emit_ocr_page(&es, pg->ocr_text) : emit_page(&es, pg);
    }
    free(es.blocks);
    if (rc) goto fail;
    /* The metadata title is often a file name or a section of the paper
     * ("System Model"): keep it only when page 1 shows it. */
    if (doc->title && doc->npages && !title_on_page(doc, 0)) rc = quire_doc_set_meta(doc, "title", NULL);
    if (!rc && !doc->title) {
        for (size_t i = 0; i < doc->nsegs; i++) {
            if (!(doc->segs[i].flags & QUIRE_SEG_TITLE)) continue;
            const quire_segment *sg = &doc->segs[i];
            char *t = g_strndup(doc->text + sg->start, sg->end - sg->start);
            rc = quire_doc_set_meta(doc, "title", t);
            g_free(t);
            break;
        }
        if (rc) goto fail;
    }
    if (n_ocred) rc = quire_doc_warn(doc, "page%s %s: no text layer, read by OCR",
                                     n_ocred > 1 ? "s" : "", ocred.data);
    if (!rc && n_empty) rc = quire_doc_warn(doc, "page%s %s: no text layer (scanned?)",
                                     n_empty > 1 ? "s" : "", empty.data);
    for (int p = 0; !rc && p < npages; p++)
        if (cx.pages[p].truncated)
            rc = quire_doc_warn(doc, "page %d: over %d text runs, the rest skipped", p + 1,
                                PDF_MAX_FRAGS);
    if (!rc && n_garbled)
        rc = quire_doc_warn(doc, "page%s %s: text unreadable (fonts without Unicode maps?), skipped",
                            n_garbled > 1 ? "s" : "", garbled.data);
fail:
    if (rc && rc != QUIRE_ERR_TOO_BIG) quire_error_set(err, rc, "PDF text extraction failed: %s",
                                                       quire_strerror(rc));
    else if (rc)
        quire_error_set(err, rc, "PDF text is over the %zu byte limit", opts->max_text_bytes);
done:
    if (cx.vocab) g_hash_table_destroy(cx.vocab);
    if (cx.pages) {
        for (int p = 0; p < cx.npages; p++) page_free(&cx.pages[p]);
        free(cx.pages);
    }
    buf_free(&empty);
    buf_free(&garbled);
    buf_free(&ocred);
    pdf_ocr_close(ocr);
    g_object_unref(pd);
    g_bytes_unref(bytes);
    if (rc) {
        quire_doc_free(doc);
        return rc;
    }
    *out = doc;
    return QUIRE_OK;
}
