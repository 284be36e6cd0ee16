/* PDF extraction on PDFs that this test draws with cairo: two columns with
 * aligned baselines, running headers, page numbers, margin line numbers,
 * end-of-line hyphenation, a ligature glyph, headings, a table, a
 * references section, page labels, a page without text; then bad PDFs.
 * Skips (77) when cairo is not available. */
#include "quire/ingest.h"
#include "../testutil.h"

#ifndef QUIRE_HAVE_CAIRO
int main(void)
{
    SKIP("built without cairo: cannot draw test PDFs");
}
#else
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
} membuf;

static cairo_status_t write_mem(void *closure, const unsigned char *data, unsigned int length)
{
    membuf *m = closure;
    if (m->len + length > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 65536;
        while (cap < m->len + length) cap *= 2;
        unsigned char *p = realloc(m->data, cap);
        if (!p) return CAIRO_STATUS_NO_MEMORY;
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, length);
    m->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static void text_at(cairo_t *cr, double x, double y, double size, int bold, const char *s)
{
    cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

static void furniture(cairo_t *cr, int page)
{
    text_at(cr, 200, 40, 8, 0, "Journal of Reproducible Test Documents");
    char num[8];
    snprintf(num, sizeof num, "%d", page);
    text_at(cr, 300, 760, 9, 0, num);
}

/* Page 1: title, then two columns whose lines share baselines. */
static const char *left_col[] = {
    "The apple harvest was distrib-",
    "uted across many apple farms,",
    "using state-of-the-",
    "art apple \xEF\xAC\x81lters for every",       /* U+FB01 "ﬁ" ligature glyph */
    "apple in the \xEF\xAC\x81" "eld.",
    NULL,
};
static const char *left_col2[] = {
    "Apple growers met in spring to",
    "compare apple yields and to plan",
    "the next apple season together.",
    NULL,
};
static const char *right_col[] = {
    "Orange groves need warm winters",
    "and every orange tree is watered",
    "twice a week by the orange team.",
    NULL,
};
static const char *right_col2[] = {
    "We sample one orange tree out of",
    "ten and weigh each orange picked",
    "from it on the same morning.",
    NULL,
};

static void column(cairo_t *cr, double x, double *y, const char *const *lines)
{
    for (int i = 0; lines[i]; i++) {
        text_at(cr, x, *y, 10, 0, lines[i]);
        *y += 13;
    }
}

static membuf make_paper(void)
{
    membuf m = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_mem, &m, 612, 792);
    cairo_t *cr = cairo_create(s);

    /* page 1 */
    cairo_pdf_surface_set_page_label(s, "i");
    furniture(cr, 1);
    text_at(cr, 150, 100, 20, 1, "Sampling Fruit for Quire Tests");
    text_at(cr, 250, 130, 11, 0, "A. Tester, B. Checker");
    double yl = 180, yr = 180;
    text_at(cr, 72, yl, 14, 1, "1 Introduction");
    text_at(cr, 330, yr, 14, 1, "2 Method");
    yl += 22;
    yr += 22;
    int ln = 1;
    for (double y = yl; y < yl + 13 * 5; y += 13) {
        char num[8];
        snprintf(num, sizeof num, "%d", ln++);
        text_at(cr, 30, y, 7, 0, num); /* line numbers in the left margin */
    }
    /* a vertical stamp in the left margin, as arXiv and HAL print */
    cairo_save(cr);
    cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12);
    cairo_move_to(cr, 20, 600);
    cairo_rotate(cr, -1.5707963267948966);
    cairo_show_text(cr, "arXiv:2011.00001v1 [cs.IR] 1 Nov 2020");
    cairo_restore(cr);
    column(cr, 72, &yl, left_col);
    column(cr, 330, &yr, right_col);
    yl += 10;
    yr += 10;
    text_at(cr, 330, yr, 12, 1, "2.1 Sampling");
    yr += 20;
    column(cr, 72, &yl, left_col2);
    column(cr, 330, &yr, right_col2);
    cairo_show_page(cr);

    /* page 2: results table, references */
    cairo_pdf_surface_set_page_label(s, "ii");
    furniture(cr, 2);
    text_at(cr, 72, 100, 14, 1, "3 Results");
    text_at(cr, 72, 125, 10, 0, "The table below lists the scores that each model obtained on the fruit.");
    static const char *cells[4][3] = {
        {"Model", "Score", "Time"},
        {"alpha", "0.91", "12"},
        {"beta", "0.87", "15"},
        {"gamma", "0.78", "9"},
    };
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 3; c++) text_at(cr, 72 + 150 * c, 160 + 15 * r, 10, r == 0, cells[r][c]);
    text_at(cr, 72, 250, 10, 0, "The alpha model is the best of the three on every kind of fruit.");
    /* a figure: boxes with labels, then its caption */
    cairo_rectangle(cr, 90, 275, 120, 40);
    cairo_rectangle(cr, 300, 275, 120, 40);
    cairo_stroke(cr);
    text_at(cr, 100, 298, 9, 0, "Orchard sensor");
    text_at(cr, 310, 298, 9, 0, "Packing house");
    text_at(cr, 200, 340, 9, 0, "crates per hour");
    text_at(cr, 72, 370, 10, 0, "Figure 1: How fruit moves from the orchard to the packing house.");
    text_at(cr, 72, 410, 14, 1, "References");
    text_at(cr, 72, 432, 10, 0, "[1] A. Tester. Counting apples by hand. Fruit Journal, 2020.");
    text_at(cr, 72, 447, 10, 0, "[2] B. Checker. Oranges at scale. Citrus Press, 2021.");
    cairo_show_page(cr);

    /* page 3: no text at all (a scanned page would look like this) */
    cairo_pdf_surface_set_page_label(s, "iii");
    cairo_rectangle(cr, 100, 100, 300, 400);
    cairo_fill(cr);
    cairo_show_page(cr);

    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    return m;
}

static membuf make_image_only(int pages)
{
    membuf m = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_mem, &m, 300, 300);
    cairo_t *cr = cairo_create(s);
    for (int p = 0; p < pages; p++) {
        cairo_rectangle(cr, 10, 10, 100 + p, 100);
        cairo_fill(cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    return m;
}

/* pages of plain text; with first_printed > 0, a printed page number in
 * the footer, first_printed on the first page (a journal reprint). */
/* A "scanned" page: text drawn into a picture, the picture into the PDF. */
static membuf make_scanned(void)
{
    const int scale = 4; /* 288 dpi */
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 612 * scale, 300 * scale);
    cairo_t *ic = cairo_create(img);
    cairo_set_source_rgb(ic, 1, 1, 1);
    cairo_paint(ic);
    cairo_set_source_rgb(ic, 0, 0, 0);
    cairo_scale(ic, scale, scale);
    text_at(ic, 72, 100, 14, 0, "Scanned pages still carry words worth finding.");
    text_at(ic, 72, 130, 14, 0, "The archive keeps every letter of the old report.");
    cairo_destroy(ic);
    membuf m = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_mem, &m, 612, 792);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 1.0 / scale, 1.0 / scale);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    cairo_surface_destroy(img);
    return m;
}

/* Without a text layer: read by OCR when quire has it, else refused. */
static void test_scanned(void)
{
    membuf m = make_scanned();
    quire_doc *doc = NULL;
    quire_error err;
    quire_status rc = quire_extract_pdf(m.data, m.len, NULL, &doc, &err);
#ifdef QUIRE_WITH_OCR
    CHECK_EQ_INT(rc, QUIRE_OK);
    CHECK(doc && strstr(doc->text, "words worth finding") != NULL);
    CHECK(doc && strstr(doc->text, "every letter of the old report") != NULL);
    CHECK(doc && doc->warnings && strstr(doc->warnings, "OCR") != NULL);
#else
    CHECK_EQ_INT(rc, QUIRE_ERR_NO_TEXT);
    CHECK(doc == NULL);
#endif
    quire_doc_free(doc);
    free(m.data);
}

static membuf make_pages(int pages, int first_printed)
{
    membuf m = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_mem, &m, 300, 300);
    cairo_t *cr = cairo_create(s);
    for (int p = 0; p < pages; p++) {
        text_at(cr, 20, 100, 10, 0, "Every page of this file says the same plain words.");
        if (first_printed > 0) {
            char num[16];
            snprintf(num, sizeof num, "%d", first_printed + p);
            text_at(cr, 140, 290, 8, 0, num);
        }
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    return m;
}

static const quire_segment *find_seg(const quire_doc *doc, const char *needle)
{
    for (size_t i = 0; i < doc->nsegs; i++) {
        const quire_segment *s = &doc->segs[i];
        size_t n = strlen(needle);
        for (size_t k = s->start; k + n <= s->end; k++)
            if (!memcmp(doc->text + k, needle, n)) return s;
    }
    return NULL;
}

static char *seg_text(const quire_doc *doc, const quire_segment *s)
{
    if (!s) return NULL;
    size_t n = s->end - s->start;
    char *t = malloc(n + 1);
    memcpy(t, doc->text + s->start, n);
    t[n] = '\0';
    return t;
}

static const char *last_of(const char *hay, const char *needle)
{
    const char *last = NULL;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) last = p;
    return last;
}

static void test_paper(void)
{
    membuf m = make_paper();
    CHECK(m.len > 1000);
    const char *keep = getenv("QUIRE_TEST_KEEP_PDF"); /* to look at the drawn file */
    if (keep) {
        FILE *f = fopen(keep, "wb");
        if (f) {
            fwrite(m.data, 1, m.len, f);
            fclose(f);
        }
    }
    quire_doc *doc = NULL;
    quire_error err;
    quire_status rc = quire_extract_pdf(m.data, m.len, NULL, &doc, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
    if (rc) {
        fprintf(stderr, "extract: %s\n", quire_error_message(&err));
        free(m.data);
        return;
    }
    const char *t = doc->text;

    /* column order on page 1: all of the left column before any of the right */
    CHECK(doc->npages >= 1);
    char *page1 = strndup(t + doc->pages[0].start, doc->pages[0].end - doc->pages[0].start);
    const char *last_apple = last_of(page1, "apple");
    const char *first_orange = strstr(page1, "orange");
    CHECK(last_apple && first_orange && last_apple < first_orange);
    free(page1);

    /* hard wraps joined, hyphenation undone, real hyphens kept, ligature
     * expanded, margin line numbers gone */
    char *p1 = seg_text(doc, find_seg(doc, "harvest"));
    CHECK_STR(p1, "The apple harvest was distributed across many apple farms, using "
                  "state-of-the-art apple filters for every apple in the field.");
    free(p1);
    CHECK(strstr(t, "\xEF\xAC\x81") == NULL);
    char *p2 = seg_text(doc, find_seg(doc, "growers"));
    CHECK_STR(p2, "Apple growers met in spring to compare apple yields and to plan the next "
                  "apple season together.");
    free(p2);

    /* running header, page numbers and the margin stamp dropped */
    CHECK(strstr(t, "Journal of Reproducible") == NULL);
    CHECK(strstr(t, "arXiv") == NULL);
    for (size_t i = 0; i < doc->nsegs; i++) {
        const quire_segment *s = &doc->segs[i];
        CHECK(!(s->end - s->start <= 2 && doc->text[s->start] >= '0' && doc->text[s->start] <= '9'));
    }

    /* title and headings with section paths */
    CHECK_STR(doc->title, "Sampling Fruit for Quire Tests");
    const quire_segment *ts = find_seg(doc, "Sampling Fruit");
    CHECK(ts && (ts->flags & QUIRE_SEG_TITLE));
    const quire_segment *h = find_seg(doc, "2.1 Sampling");
    CHECK(h && (h->flags & QUIRE_SEG_HEADING) && h->level == 2);
    const quire_segment *s = find_seg(doc, "weigh each orange");
    CHECK(s && s->section && !strcmp(s->section, "2 Method > 2.1 Sampling"));
    CHECK(s && s->page == 1);
    const quire_segment *intro = find_seg(doc, "harvest");
    CHECK(intro && intro->section && !strcmp(intro->section, "1 Introduction"));

    /* table rows in order, cells joined with " | " */
    const quire_segment *r0 = find_seg(doc, "Model | Score | Time");
    const quire_segment *r1 = find_seg(doc, "alpha | 0.91 | 12");
    const quire_segment *r2 = find_seg(doc, "beta | 0.87 | 15");
    const quire_segment *r3 = find_seg(doc, "gamma | 0.78 | 9");
    CHECK(r0 && r1 && r2 && r3);
    CHECK(r0 && r1 && r2 && r3 && r0 < r1 && r1 < r2 && r2 < r3);
    CHECK(r1 && (r1->flags & QUIRE_SEG_TABLE) && r1->page == 2);
    CHECK(r1 && r1->section && !strcmp(r1->section, "3 Results"));
    const quire_segment *after = find_seg(doc, "best of the three");
    CHECK(after && !(after->flags & QUIRE_SEG_TABLE) && r3 < after);

    /* text inside the figure dropped, its caption kept */
    CHECK(strstr(t, "Orchard sensor") == NULL);
    CHECK(strstr(t, "crates per hour") == NULL);
    const quire_segment *cap = find_seg(doc, "Figure 1: How fruit moves");
    CHECK(cap && (cap->flags & QUIRE_SEG_CAPTION));

    /* references tagged */
    const quire_segment *ref = find_seg(doc, "Counting apples by hand");
    CHECK(ref && (ref->flags & QUIRE_SEG_REFERENCES));
    const quire_segment *ref2 = find_seg(doc, "Oranges at scale");
    CHECK(ref2 && (ref2->flags & QUIRE_SEG_REFERENCES) && ref2 != ref);
    CHECK(after && !(after->flags & QUIRE_SEG_REFERENCES));

    /* pages: labels, and the page without text reported */
    CHECK_EQ_INT(doc->npages, 3);
    if (doc->npages == 3) {
        CHECK_STR(doc->pages[0].label, "i");
        CHECK_STR(doc->pages[1].label, "ii");
        CHECK(doc->pages[0].has_text && doc->pages[1].has_text);
        CHECK(!doc->pages[2].has_text);
    }
    CHECK(doc->warnings && strstr(doc->warnings, "page 3"));
    quire_doc_free(doc);
    free(m.data);
}

typedef struct thread_arg {
    const membuf *m;
    char *text;
} thread_arg;

static void *extract_thread(void *arg)
{
    thread_arg *a = arg;
    for (int i = 0; i < 5; i++) {
        quire_doc *doc = NULL;
        if (quire_extract_pdf(a->m->data, a->m->len, NULL, &doc, NULL) == QUIRE_OK) {
            free(a->text);
            a->text = strdup(doc->text);
        }
        quire_doc_free(doc);
    }
    return NULL;
}

/* Two threads on distinct documents give the same text as one. */
static void test_threads(void)
{
    membuf a = make_paper(), b = make_pages(4, 0);
    quire_doc *da = NULL, *db = NULL;
    CHECK_EQ_INT(quire_extract_pdf(a.data, a.len, NULL, &da, NULL), QUIRE_OK);
    CHECK_EQ_INT(quire_extract_pdf(b.data, b.len, NULL, &db, NULL), QUIRE_OK);
    thread_arg ta = {&a, NULL}, tb = {&b, NULL};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, extract_thread, &ta);
    pthread_create(&t2, NULL, extract_thread, &tb);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CHECK(da && ta.text && !strcmp(da->text, ta.text));
    CHECK(db && tb.text && !strcmp(db->text, tb.text));
    free(ta.text);
    free(tb.text);
    quire_doc_free(da);
    quire_doc_free(db);
    free(a.data);
    free(b.data);
}

/* ---- an encrypted PDF, written by hand: the standard security handler,
 * revision 2 (40-bit RC4, PDF 1.4 spec, algorithms 3.1-3.4), user password
 * "secret". Its one page really is encrypted with that key. */

static void rc4(const unsigned char *key, size_t klen, unsigned char *data, size_t len)
{
    unsigned char S[256];
    for (int i = 0; i < 256; i++) S[i] = (unsigned char)i;
    for (int i = 0, j = 0; i < 256; i++) {
        j = (j + S[i] + key[i % klen]) & 255;
        unsigned char t = S[i];
        S[i] = S[j];
        S[j] = t;
    }
    for (size_t n = 0, i = 0, j = 0; n < len; n++) {
        i = (i + 1) & 255;
        j = (j + S[i]) & 255;
        unsigned char t = S[i];
        S[i] = S[j];
        S[j] = t;
        data[n] ^= S[(S[i] + S[j]) & 255];
    }
}

static void md5(const unsigned char *parts[], const size_t lens[], int n, unsigned char out[16])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
    for (int i = 0; i < n; i++) g_checksum_update(c, parts[i], (gssize)lens[i]);
    gsize len = 16;
    g_checksum_get_digest(c, out, &len);
    g_checksum_free(c);
}

static const unsigned char pdf_pad[32] = {
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};

static void padded(const char *pw, unsigned char out[32])
{
    size_t n = strlen(pw) > 32 ? 32 : strlen(pw);
    memcpy(out, pw, n);
    memcpy(out + n, pdf_pad, 32 - n);
}

static void hex(GString *s, const unsigned char *b, size_t n)
{
    g_string_append_c(s, '<');
    for (size_t i = 0; i < n; i++) g_string_append_printf(s, "%02X", b[i]);
    g_string_append_c(s, '>');
}

static membuf make_encrypted(void)
{
    unsigned char user[32], owner[32], okey[16], O[32], key[16], U[32];
    static const unsigned char id[16] = "quire-test-id-00";
    int32_t P = -44; /* print and copy allowed */
    unsigned char pbytes[4] = {(unsigned char)P, (unsigned char)(P >> 8), (unsigned char)(P >> 16),
                               (unsigned char)(P >> 24)};
    padded("secret", user);
    padded("owner-secret", owner);
    const unsigned char *p1[] = {owner};
    size_t l1[] = {32};
    md5(p1, l1, 1, okey);                       /* algorithm 3.3 */
    memcpy(O, user, 32);
    rc4(okey, 5, O, 32);
    const unsigned char *p2[] = {user, O, pbytes, id};
    size_t l2[] = {32, 32, 4, 16};
    md5(p2, l2, 4, key);                        /* algorithm 3.2 */
    memcpy(U, pdf_pad, 32);                     /* algorithm 3.4 */
    rc4(key, 5, U, 32);

    /* object 4's content stream, encrypted with its object key (3.1) */
    static const char content[] = "BT /F1 12 Tf 72 700 Td (A secret page of text.) Tj ET";
    unsigned char objkey_in[10], objkey[16];
    memcpy(objkey_in, key, 5);
    objkey_in[5] = 4;
    objkey_in[6] = objkey_in[7] = objkey_in[8] = objkey_in[9] = 0;
    const unsigned char *p3[] = {objkey_in};
    size_t l3[] = {10};
    md5(p3, l3, 1, objkey);
    unsigned char stream[sizeof content - 1];
    memcpy(stream, content, sizeof stream);
    rc4(objkey, 10, stream, sizeof stream);

    GString *s = g_string_new("%PDF-1.4\n");
    size_t off[7];
    off[1] = s->len;
    g_string_append(s, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = s->len;
    g_string_append(s, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[3] = s->len;
    g_string_append(s, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                       "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n");
    off[4] = s->len;
    g_string_append_printf(s, "4 0 obj << /Length %zu >>\nstream\n", sizeof stream);
    g_string_append_len(s, (const char *)stream, sizeof stream);
    g_string_append(s, "\nendstream\nendobj\n");
    off[5] = s->len;
    g_string_append(s, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
    off[6] = s->len;
    g_string_append(s, "6 0 obj << /Filter /Standard /V 1 /R 2 /O ");
    hex(s, O, 32);
    g_string_append(s, " /U ");
    hex(s, U, 32);
    g_string_append_printf(s, " /P %d >> endobj\n", (int)P);
    size_t xref = s->len;
    g_string_append(s, "xref\n0 7\n0000000000 65535 f \n");
    for (int i = 1; i <= 6; i++) g_string_append_printf(s, "%010zu 00000 n \n", off[i]);
    g_string_append(s, "trailer << /Size 7 /Root 1 0 R /Encrypt 6 0 R /ID [");
    hex(s, id, 16);
    hex(s, id, 16);
    g_string_append_printf(s, "] >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    membuf m = {0};
    m.len = s->len;
    m.data = (unsigned char *)g_string_free(s, FALSE);
    return m;
}

static quire_status extract(const void *data, size_t len, const quire_extract_opts *o,
                            quire_error *err)
{
    quire_doc *doc = NULL;
    quire_error_clear(err);
    quire_status rc = quire_extract_pdf(data, len, o, &doc, err);
    if (rc) {
        CHECK(doc == NULL);
        CHECK(err->msg[0] != '\0');
    }
    quire_doc_free(doc);
    return rc;
}

static void test_bad_pdfs(void)
{
    quire_error err;
    static const char notpdf[] = "hello, this is not a PDF at all";
    CHECK_EQ_INT(extract(notpdf, sizeof notpdf - 1, NULL, &err), QUIRE_ERR_FORMAT);

    /* garbage after a PDF header */
    unsigned char junk[4096];
    memcpy(junk, "%PDF-1.5\n", 9);
    uint32_t x = 12345;
    for (size_t i = 9; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    CHECK_EQ_INT(extract(junk, sizeof junk, NULL, &err), QUIRE_ERR_FORMAT);

    /* zero pages: a hand-written, well-formed catalogue with no pages */
    static const char zero[] =
        "%PDF-1.4\n"
        "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        "trailer << /Root 1 0 R /Size 3 >>\n%%EOF\n";
    quire_status rc = extract(zero, sizeof zero - 1, NULL, &err);
    CHECK_EQ_INT(rc, QUIRE_ERR_FORMAT);

    /* truncated files: never a crash; a cut header is a format error */
    membuf m = make_paper();
    CHECK_EQ_INT(extract(m.data, 20, NULL, &err), QUIRE_ERR_FORMAT);
    for (size_t cut = 64; cut < m.len; cut += m.len / 7) {
        rc = extract(m.data, cut, NULL, &err);
        CHECK(rc == QUIRE_OK || rc == QUIRE_ERR_FORMAT || rc == QUIRE_ERR_NO_TEXT);
    }

    /* too many pages, and the time budget */
    quire_extract_opts o;
    quire_extract_opts_default(&o);
    o.max_pages = 2;
    CHECK_EQ_INT(extract(m.data, m.len, &o, &err), QUIRE_ERR_TOO_BIG);
    CHECK(strstr(err.msg, "3 pages") != NULL);
    quire_extract_opts_default(&o);
    o.time_limit_s = 1e-9;
    CHECK_EQ_INT(extract(m.data, m.len, &o, &err), QUIRE_ERR_TIMEOUT);
    quire_extract_opts_default(&o);
    o.max_text_bytes = 100;
    CHECK_EQ_INT(extract(m.data, m.len, &o, &err), QUIRE_ERR_TOO_BIG);
    free(m.data);

    /* password-protected */
    membuf enc = make_encrypted();
    const char *keep = getenv("QUIRE_TEST_KEEP_ENCRYPTED"); /* check it with pdftotext -upw secret */
    if (keep) {
        FILE *f = fopen(keep, "wb");
        if (f) {
            fwrite(enc.data, 1, enc.len, f);
            fclose(f);
        }
    }
    CHECK_EQ_INT(extract(enc.data, enc.len, NULL, &err), QUIRE_ERR_ENCRYPTED);
    CHECK(strstr(err.msg, "password") != NULL);
    g_free(enc.data);

    /* only images: nothing to index */
    membuf img = make_image_only(3);
    CHECK_EQ_INT(extract(img.data, img.len, NULL, &err), QUIRE_ERR_NO_TEXT);
    CHECK(strstr(err.msg, "no text layer") != NULL);
    free(img.data);
}

/* Without page labels in the file, the printed page numbers become labels. */
static void test_printed_numbers(void)
{
    membuf m = make_pages(4, 215);
    quire_doc *doc = NULL;
    CHECK_EQ_INT(quire_extract_pdf(m.data, m.len, NULL, &doc, NULL), QUIRE_OK);
    if (doc) {
        CHECK_EQ_INT(doc->npages, 4);
        if (doc->npages == 4) {
            CHECK_STR(doc->pages[0].label, "215");
            CHECK_STR(doc->pages[3].label, "218");
        }
        CHECK(strstr(doc->text, "215") == NULL); /* the numbers are not text */
        CHECK(strstr(doc->text, "Every page of this file") != NULL);
    }
    quire_doc_free(doc);
    free(m.data);
    m = make_pages(3, 0);
    CHECK_EQ_INT(quire_extract_pdf(m.data, m.len, NULL, &doc, NULL), QUIRE_OK);
    if (doc && doc->npages == 3) CHECK(doc->pages[1].label == NULL);
    quire_doc_free(doc);
    free(m.data);
}

int main(void)
{
    cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_A8, 4, 4);
    if (cairo_surface_status(probe) != CAIRO_STATUS_SUCCESS) SKIP("cairo cannot draw");
    cairo_surface_destroy(probe);
    test_paper();
    test_threads();
    test_printed_numbers();
    test_scanned();
    test_bad_pdfs();
    return test_summary();
}
#endif
