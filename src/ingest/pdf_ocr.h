/* Internal to src/ingest: OCR of PDF pages that have no usable text layer,
 * with tesseract when quire is built with -Docr=enabled (QUIRE_WITH_OCR);
 * otherwise every call reports QUIRE_ERR_UNSUPPORTED.
 *
 * One engine per document (tesseract's API object is not shared between
 * threads); opening it loads the language data, so pdf.c opens it only when
 * a page needs it. */
#ifndef QUIRE_INGEST_PDF_OCR_H
#define QUIRE_INGEST_PDF_OCR_H

#include "quire/error.h"

#include <poppler.h>

typedef struct pdf_ocr pdf_ocr;

/* New engine for English and French (English alone when the French data
 * is missing). Caller closes it with pdf_ocr_close(). */
quire_status pdf_ocr_open(pdf_ocr **out);

/* Render page at 300 dpi (less for very large pages) and read it. *text is
 * new UTF-8 (caller g_free()s it), paragraphs separated by blank lines;
 * *confidence is tesseract's mean word confidence, 0-100. */
quire_status pdf_ocr_page(pdf_ocr *ocr, PopplerPage *page, char **text, int *confidence);

void pdf_ocr_close(pdf_ocr *ocr); /* NULL allowed */

#endif
