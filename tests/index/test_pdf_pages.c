/* A PDF made here with cairo, with known text on known pages, is found at
 * the right page through the whole pipeline (extract, chunk, index, search). */
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "../testutil.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *page_text[] = {
    "Introduction to the dromedary caravan logistics.",
    "The saffron harvest happens at dawn in late autumn.",
    "Quartz oscillators keep accurate time in watches.",
    "Basalt columns form when lava cools slowly.",
};

static void make_pdf(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12);
    for (size_t p = 0; p < sizeof page_text / sizeof page_text[0]; p++) {
        cairo_move_to(cr, 72, 100);
        cairo_show_text(cr, page_text[p]);
        cairo_move_to(cr, 72, 130);
        cairo_show_text(cr, "Filler sentence that appears on every page of this test.");
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
}

int main(void)
{
    const char *dir = test_tmpdir("pdfpages");
    char docs[600], pdf[700], db[600];
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(db, sizeof db, "%s/nb.sqlite", dir);
    snprintf(pdf, sizeof pdf, "%s/known.pdf", docs);
    mkdir(docs, 0755);
    make_pdf(pdf);

    quire_index *idx;
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_CREATE, &idx, NULL), QUIRE_OK);
    quire_add_summary sum;
    const char *paths[] = {docs};
    CHECK_EQ_INT(quire_add_paths(idx, paths, 1, NULL, &sum, NULL), QUIRE_OK);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_ADDED], 1);

    const char *queries[] = {"dromedary caravan", "saffron harvest", "quartz oscillators", "basalt lava"};
    for (int p = 0; p < 4; p++) {
        quire_hit *h;
        size_t n;
        CHECK_EQ_INT(quire_retrieve(idx, queries[p], NULL, &h, &n, NULL), QUIRE_OK);
        CHECK_EQ_INT(n, 1);
        if (n) {
            CHECK_EQ_INT(h[0].page_start, p + 1);
            CHECK(strstr(h[0].text, page_text[p]) != NULL);
        }
        quire_hits_free(h, n);
    }
    quire_doc_info info;
    CHECK_EQ_INT(quire_index_get_doc(idx, pdf, &info), QUIRE_OK);
    CHECK_EQ_INT(info.pages, 4);
    CHECK_EQ_INT(info.chunks, 4); /* one per page: chunks never cross pages */
    quire_doc_info_clear(&info);
    quire_index_close(idx);
    return test_summary();
}
