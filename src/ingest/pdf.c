/* PDF extraction on poppler-glib: text per page, page labels, metadata.
 * Basic version: poppler's own reading order, lines joined into paragraphs. */
#include "quire/ingest.h"

#include "util/buf.h"

#include <glib.h>
#include <poppler.h>
#include <string.h>

static quire_status add_page_text(quire_doc *doc, const char *t)
{
    buf para = QUIRE_BUF_INIT(0);
    quire_status rc = QUIRE_OK;
    const char *s = t;
    while (!rc && *s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        size_t k = n;
        while (k && (s[k - 1] == ' ' || s[k - 1] == '\r')) k--;
        if (k == 0) {
            rc = quire_doc_add_block(doc, para.data ? para.data : "", para.len, NULL);
            buf_reset(&para);
        } else {
            if (para.len) {
                /* undo end-of-line hyphenation "distrib-" + "uted" */
                if (para.data[para.len - 1] == '-' && para.len > 1 &&
                    g_ascii_islower(para.data[para.len - 2]) && g_ascii_islower(s[0]))
                    para.len--;
                else rc = buf_append_char(&para, ' ');
            }
            if (!rc) rc = buf_append(&para, s, k);
        }
        s += n;
        if (*s == '\n') s++;
    }
    if (!rc) rc = quire_doc_add_block(doc, para.data ? para.data : "", para.len, NULL);
    buf_free(&para);
    return rc;
}

quire_status quire_extract_pdf(const void *data, size_t len, const quire_extract_opts *opts,
                               quire_doc **out, quire_error *err)
{
    quire_extract_opts defaults;
    if (!opts) {
        quire_extract_opts_default(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    if (len < 5 || memcmp(data, "%PDF-", 5) != 0)
        return quire_error_set(err, QUIRE_ERR_FORMAT, "not a PDF file (no %%PDF- header)");

    GBytes *bytes = g_bytes_new_static(data, len);
    GError *gerr = NULL;
    PopplerDocument *pd = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!pd) {
        quire_status code = QUIRE_ERR_FORMAT;
        if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            code = QUIRE_ERR_ENCRYPTED;
        quire_error_set(err, code, "cannot open PDF: %s", gerr ? gerr->message : "unknown error");
        g_clear_error(&gerr);
        g_bytes_unref(bytes);
        return code;
    }
    int npages = poppler_document_get_n_pages(pd);
    quire_status rc = QUIRE_OK;
    quire_doc *doc = NULL;
    if (npages <= 0) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT, "PDF has no pages");
        goto done;
    }
    if (npages > opts->max_pages) {
        rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "PDF has %d pages, over the limit of %d",
                             npages, opts->max_pages);
        goto done;
    }
    doc = quire_doc_new("pdf");
    if (!doc) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    doc->max_bytes = opts->max_text_bytes;
    gchar *title = poppler_document_get_title(pd);
    gchar *author = poppler_document_get_author(pd);
    if (title && *title) rc = quire_doc_set_meta(doc, "title", title);
    if (!rc && author && *author) rc = quire_doc_set_meta(doc, "authors", author);
    g_free(title);
    g_free(author);
    int empty = 0;
    for (int i = 0; !rc && i < npages; i++) {
        PopplerPage *page = poppler_document_get_page(pd, i);
        gchar *label = page ? poppler_page_get_label(page) : NULL;
        rc = quire_doc_begin_page(doc, label);
        g_free(label);
        if (!rc && page) {
            gchar *t = poppler_page_get_text(page);
            if (!t || !*t) {
                quire_doc_page_no_text(doc);
                empty++;
            } else {
                rc = add_page_text(doc, t);
            }
            g_free(t);
        }
        if (page) g_object_unref(page);
    }
    if (rc) {
        quire_error_set(err, rc, "PDF text extraction failed: %s", quire_strerror(rc));
    } else if (empty == npages) {
        rc = quire_error_set(err, QUIRE_ERR_NO_TEXT,
                             "PDF has no text layer on any of its %d pages (scanned?)", npages);
    } else if (empty) {
        quire_doc_warn(doc, "%d of %d pages have no text layer", empty, npages);
    }
done:
    g_object_unref(pd);
    g_bytes_unref(bytes);
    if (rc) {
        quire_doc_free(doc);
        return rc;
    }
    *out = doc;
    return QUIRE_OK;
}
