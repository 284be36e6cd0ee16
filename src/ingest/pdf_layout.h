/* Internal to src/ingest: the geometry of one PDF page's text, independent of
 * poppler so that it can be tested on hand-made boxes.
 *
 * Input: fragments (runs of text on one printed line with no wide gap
 * inside), each with its box in points (origin top-left, y grows down).
 * Output: a reading order. The page is cut recursively, XY-cut style:
 *   - a vertical band of white space that no fragment crosses (a gutter)
 *     splits a region into columns, read left to right;
 *   - otherwise horizontal bands of white space split it into strips, read
 *     top to bottom; consecutive strips that share a gutter are merged first,
 *     so that two columns whose paragraph gaps happen to line up are still
 *     read column by column (the classic XY-cut failure);
 *   - a region split into columns whose fragments are short and sit on
 *     shared baselines is a table: read row by row, cells joined by " | ".
 * Leaf regions are read line by line (fragments grouped by baseline).
 */
#ifndef QUIRE_INGEST_PDF_LAYOUT_H
#define QUIRE_INGEST_PDF_LAYOUT_H

#include "quire/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct pdf_frag {
    char *text;              /* UTF-8 (NFKC), trimmed, NUL-terminated; owned by its page */
    size_t len;
    double x0, y0, x1, y1;   /* box in points, origin top-left */
    double size;             /* dominant font size in points */
    bool bold;               /* most glyphs from a bold font */
    unsigned char drop;      /* not read: header, footer, page or line number (1), watermark (2) */
} pdf_frag;

/* One printed line of a leaf region, or one table row. */
typedef struct pdf_line {
    size_t first, n;         /* its fragments: layout->order[first .. first+n) */
    double x0, y0, x1, y1;   /* union of the fragments' boxes */
    double size;             /* size of the widest fragment */
    bool bold;               /* all fragments bold */
    int region;              /* index into layout->regions */
} pdf_line;

typedef struct pdf_region {
    double x0, y0, x1, y1;   /* union of its lines' boxes */
    bool table;              /* lines are table rows */
} pdf_region;

typedef struct pdf_layout {
    size_t *order;           /* fragment indices in reading order (dropped ones left out) */
    unsigned char *cell;     /* parallel to order: 1 when the fragment starts a new table cell */
    size_t norder;
    pdf_line *lines;         /* in reading order */
    size_t nlines;
    pdf_region *regions;
    size_t nregions;
} pdf_layout;

/* Compute the reading order of frags[0..n) into *out (zeroed first; free
 * with pdf_layout_free()). Fragments with ->drop set are skipped.
 * Thread-safe: touches only its arguments. */
quire_status pdf_layout_page(const pdf_frag *frags, size_t n, pdf_layout *out);

void pdf_layout_free(pdf_layout *layout);

#endif
