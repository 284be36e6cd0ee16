/* OCR of text-less PDF pages with tesseract (see pdf_ocr.h). */
#include "ingest/pdf_ocr.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef QUIRE_WITH_OCR
#include <cairo.h>
#include <tesseract/capi.h>

#define OCR_DPI 200.0
#define OCR_MAX_PIXELS 5000 /* per side: a poster-sized page is read at lower resolution */

struct pdf_ocr {
    TessBaseAPI *api;
};

quire_status pdf_ocr_open(pdf_ocr **out)
{
    *out = NULL;
    pdf_ocr *o = calloc(1, sizeof *o);
    if (!o) return QUIRE_ERR_NOMEM;
    o->api = TessBaseAPICreate();
    if (!o->api) {
        free(o);
        return QUIRE_ERR_NOMEM;
    }
    if (TessBaseAPIInit3(o->api, NULL, "eng+fra") != 0 &&
        TessBaseAPIInit3(o->api, NULL, "eng") != 0) {
        pdf_ocr_close(o);
        return QUIRE_ERR_UNSUPPORTED; /* no language data installed */
    }
    *out = o;
    return QUIRE_OK;
}

quire_status pdf_ocr_page(pdf_ocr *o, PopplerPage *page, char **text, int *confidence)
{
    *text = NULL;
    *confidence = 0;
    double w = 0, h = 0;
    poppler_page_get_size(page, &w, &h);
    if (!(w > 1 && h > 1 && w < 20000 && h < 20000)) return QUIRE_ERR_FORMAT;
    double scale = OCR_DPI / 72.0;
    if (w * scale > OCR_MAX_PIXELS) scale = OCR_MAX_PIXELS / w;
    if (h * scale > OCR_MAX_PIXELS) scale = OCR_MAX_PIXELS / h;
    int pw = (int)(w * scale), ph = (int)(h * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return QUIRE_ERR_NOMEM;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned char *gray = malloc((size_t)pw * (size_t)ph);
    if (!gray) {
        cairo_surface_destroy(s);
        return QUIRE_ERR_NOMEM;
    }
    for (int y = 0; y < ph; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < pw; x++) {
            uint32_t v = row[x];
            unsigned r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            gray[(size_t)y * (size_t)pw + (size_t)x] = (unsigned char)((r * 77 + g * 150 + b * 29) >> 8);
        }
    }
    cairo_surface_destroy(s);
    TessBaseAPISetImage(o->api, gray, pw, ph, 1, pw);
    TessBaseAPISetSourceResolution(o->api, (int)(72.0 * scale));
    char *t = TessBaseAPIGetUTF8Text(o->api);
    *confidence = TessBaseAPIMeanTextConf(o->api);
    TessBaseAPIClear(o->api);
    free(gray);
    if (!t) return QUIRE_ERR_NO_TEXT;
    *text = g_strdup(t);
    TessDeleteText(t);
    return *text ? QUIRE_OK : QUIRE_ERR_NOMEM;
}

void pdf_ocr_close(pdf_ocr *o)
{
    if (!o) return;
    if (o->api) {
        TessBaseAPIEnd(o->api);
        TessBaseAPIDelete(o->api);
    }
    free(o);
}

#else /* built without OCR */

quire_status pdf_ocr_open(pdf_ocr **out)
{
    *out = NULL;
    return QUIRE_ERR_UNSUPPORTED;
}

quire_status pdf_ocr_page(pdf_ocr *ocr, PopplerPage *page, char **text, int *confidence)
{
    (void)ocr;
    (void)page;
    *text = NULL;
    *confidence = 0;
    return QUIRE_ERR_UNSUPPORTED;
}

void pdf_ocr_close(pdf_ocr *ocr)
{
    (void)ocr;
}

#endif
