/* Chunking invariants on built documents and real extractors:
 * no chunk crosses a page, chunk spans point back into the extracted text
 * on segment boundaries, word limits hold, every segment's text is covered. */
#include "quire/ingest.h"
#include "../testutil.h"

#include <stdio.h>
#include <string.h>

static void check_invariants(const quire_doc *doc, const quire_chunk *c, size_t n, int max_words)
{
    size_t covered_to = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(c[i].start < c[i].end);
        CHECK(c[i].end <= doc->text_len);
        CHECK(c[i].page_start == c[i].page_end);
        CHECK_EQ_INT(c[i].ordinal, (int)i);
        CHECK(c[i].start >= covered_to);
        covered_to = c[i].end;
        /* Every segment inside the span belongs to the chunk's page. */
        for (size_t s = 0; s < doc->nsegs; s++) {
            const quire_segment *sg = &doc->segs[s];
            if (sg->end <= c[i].start || sg->start >= c[i].end) continue;
            CHECK_EQ_INT(sg->page, c[i].page_start);
        }
        /* The words counted match the text the span points to. */
        CHECK_EQ_INT((long long)quire_count_words(doc->text + c[i].start, c[i].end - c[i].start), c[i].words);
        /* No chunk is above max unless one sentence forced it (not the case here). */
        CHECK(c[i].words <= max_words);
        /* Spans start and end on non-space characters. */
        CHECK(doc->text[c[i].start] != ' ' && doc->text[c[i].start] != '\n');
        CHECK(doc->text[c[i].end - 1] != ' ' && doc->text[c[i].end - 1] != '\n');
    }
    /* All non-space text is covered by some chunk. */
    for (size_t s = 0; s < doc->nsegs; s++) {
        bool inside = false;
        for (size_t i = 0; i < n; i++)
            if (doc->segs[s].start >= c[i].start && doc->segs[s].end <= c[i].end) inside = true;
        if (!inside) {
            /* a long segment split over several chunks: its pieces must tile it */
            size_t at = doc->segs[s].start;
            for (size_t i = 0; i < n; i++) {
                while (at < doc->segs[s].end && (doc->text[at] == ' ' || doc->text[at] == '\n')) at++;
                if (c[i].start <= at && c[i].end > at) at = c[i].end;
            }
            inside = at >= doc->segs[s].end;
        }
        CHECK(inside);
    }
}

static void add_para(quire_doc *doc, int words, const char *tag)
{
    char text[20000];
    size_t o = 0;
    for (int w = 0; w < words && o + 32 < sizeof text; w++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "%s%s%d", w ? " " : "", tag, w);
        if (w % 12 == 11) text[o++] = '.';
    }
    text[o] = '\0';
    CHECK_EQ_INT(quire_doc_add_block(doc, text, o, NULL), QUIRE_OK);
}

static void test_paged(void)
{
    quire_doc *doc = quire_doc_new("pdf");
    for (int p = 0; p < 5; p++) {
        quire_doc_begin_page(doc, NULL);
        quire_block_info h = {QUIRE_SEG_HEADING, 1, NULL};
        char title[32];
        snprintf(title, sizeof title, "Part %d", p + 1);
        quire_doc_add_block(doc, title, strlen(title), &h);
        for (int k = 0; k < 3 + p; k++) add_para(doc, 40 + 37 * k, "w");
    }
    add_para(doc, 900, "long"); /* one segment longer than max_words on the last page */
    quire_chunk *c;
    size_t n;
    CHECK_EQ_INT(quire_chunk_doc(doc, NULL, &c, &n, NULL), QUIRE_OK);
    CHECK(n >= 5);
    check_invariants(doc, c, n, 400);
    /* each page produces at least one chunk, in page order */
    int last = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(c[i].page_start >= last);
        last = c[i].page_start;
        CHECK(c[i].section != NULL);
    }
    CHECK_EQ_INT(last, 5);
    free(c);
    quire_doc_free(doc);
}

static void test_markdown(void)
{
    const char *md = "---\ntitle: Notes\n---\n# Intro\n\nFirst paragraph with some words.\n\n"
                     "## Details {#det}\n\nSecond paragraph\nwrapped over lines.\n\n```\ncode line\n```\n";
    quire_doc *doc;
    CHECK_EQ_INT(quire_extract_markdown(md, strlen(md), NULL, &doc, NULL), QUIRE_OK);
    CHECK_STR(doc->title, "Notes");
    quire_chunk *c;
    size_t n;
    CHECK_EQ_INT(quire_chunk_doc(doc, NULL, &c, &n, NULL), QUIRE_OK);
    CHECK_EQ_INT(n, 1);
    check_invariants(doc, c, n, 400);
    CHECK(strstr(doc->text, "Second paragraph wrapped over lines.") != NULL);
    /* the section path and anchor of the second block */
    bool found = false;
    for (size_t s = 0; s < doc->nsegs; s++)
        if (strstr(doc->text + doc->segs[s].start, "Second paragraph") == doc->text + doc->segs[s].start) {
            CHECK_STR(doc->segs[s].section, "Intro > Details");
            CHECK_STR(doc->segs[s].anchor, "det");
            found = true;
        }
    CHECK(found);
    free(c);
    quire_doc_free(doc);
}

static void test_sizes(void)
{
    quire_doc *doc = quire_doc_new("txt");
    for (int k = 0; k < 60; k++) add_para(doc, 25, "s");
    quire_chunk_opts o = {100, 150, 60};
    quire_chunk *c;
    size_t n;
    CHECK_EQ_INT(quire_chunk_doc(doc, &o, &c, &n, NULL), QUIRE_OK);
    check_invariants(doc, c, n, 150);
    for (size_t i = 0; i + 1 < n; i++) CHECK(c[i].words >= 60);
    free(c);
    quire_doc_free(doc);
}

int main(void)
{
    test_paged();
    test_markdown();
    test_sizes();
    return test_summary();
}
