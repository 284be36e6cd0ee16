/* quire — the extracted document: what every extractor produces and the
 * chunker consumes.
 *
 * Layout of a quire_doc
 * ---------------------
 *   text      one UTF-8 string: the document's readable text in reading order.
 *             Blocks (paragraphs, headings, table rows...) are separated by
 *             "\n\n"; inside a block, whitespace is already normalised by the
 *             extractor (one space between words, '\n' only where a line break
 *             matters, as in code and table rows).
 *   segments  one per block, in text order: byte span [start, end) in text,
 *             1-based page (0 when the format has no pages), flags (heading,
 *             table, references...), the section path in force
 *             ("3 Method > 3.2 Sampling") and the nearest anchor (HTML id).
 *   pages     for paged formats: the byte span of each page in text, its
 *             printed label ("iv", "12") when the file has one, and whether it
 *             had a text layer.
 *   metadata  title, authors, date, language (ISO 639-1), format ("pdf", ...),
 *             description (HTML <meta name=description>, ...).
 *   links     hrefs found in the document (HTML <a href>, Markdown links), as
 *             written, deduplicated, at most QUIRE_DOC_MAX_LINKS; recorded for
 *             later use, never fetched.
 *
 * Extractors build a doc with the quire_doc_* builder functions below, which
 * keep these invariants: segments are ordered, non-overlapping, inside text,
 * and never span two pages; section paths follow the heading levels.
 *
 * Thread safety: a doc is a plain value; distinct docs may be used from
 * distinct threads.
 */
#ifndef QUIRE_DOC_H
#define QUIRE_DOC_H

#include "quire/error.h"
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum quire_seg_flag {
    QUIRE_SEG_HEADING = 1u << 0,    /* a section heading; level in ->level */
    QUIRE_SEG_REFERENCES = 1u << 1, /* inside a bibliography/references section */
    QUIRE_SEG_TABLE = 1u << 2,      /* a table row or table block (cells joined by " | ") */
    QUIRE_SEG_CODE = 1u << 3,       /* preformatted code */
    QUIRE_SEG_LIST = 1u << 4,       /* list item */
    QUIRE_SEG_CAPTION = 1u << 5,    /* figure/table caption */
    QUIRE_SEG_TITLE = 1u << 6,      /* the document title block */
};

typedef struct quire_segment {
    size_t start, end;  /* byte span in doc->text */
    int page;           /* 1-based page, 0 if the format has no pages */
    int level;          /* heading level 1..6 for QUIRE_SEG_HEADING, else 0 */
    unsigned flags;     /* enum quire_seg_flag bits */
    char *section;      /* section path in force ("A > B"), owned by the doc; NULL if none */
    char *anchor;       /* nearest anchor id (HTML id, no '#'), owned; NULL if none */
} quire_segment;

typedef struct quire_page {
    size_t start, end;  /* byte span in doc->text (empty if the page had no text) */
    char *label;        /* printed page label, owned; NULL if none */
    bool has_text;      /* false for a page without a text layer */
} quire_page;

typedef struct quire_doc {
    char *text;         /* owned, NUL-terminated, length text_len */
    size_t text_len;
    size_t text_alloc;
    size_t max_bytes;   /* cap on text_len (0 = 1 GiB); over it, adds fail with QUIRE_ERR_TOO_BIG */

    quire_segment *segs;
    size_t nsegs, segs_alloc;

    quire_page *pages;  /* npages entries for paged formats, else NULL */
    size_t npages, pages_alloc;

    char *title, *authors, *date, *language, *format; /* owned; NULL if unknown */
    char *description;  /* owned; NULL if unknown */

    char **links;       /* owned hrefs (each owned), nlinks entries, in first-seen order */
    size_t nlinks, links_alloc;
    char *warnings;     /* owned; human-readable notes ("pages 3, 7: no text layer"); NULL if none */

    /* builder state: the heading stack that produces section paths */
    char *heading[7];   /* heading[level] for levels 1..6, owned */
    char *heading_anchor[7];
    int cur_page;
} quire_doc;

/* Describes one block handed to quire_doc_add_block(). */
typedef struct quire_block_info {
    unsigned flags;     /* enum quire_seg_flag bits */
    int level;          /* heading level 1..6 when flags has QUIRE_SEG_HEADING */
    const char *anchor; /* element id of this block, or NULL to inherit the section's */
} quire_block_info;

/* New empty doc of the given format ("pdf", "html", "md", "txt", ...).
 * Caller frees with quire_doc_free(). Returns NULL on allocation failure. */
quire_doc *quire_doc_new(const char *format);
void quire_doc_free(quire_doc *doc); /* NULL allowed */

/* Start page number doc->npages + 1 (paged formats only). label may be NULL.
 * Blocks added afterwards belong to this page. */
quire_status quire_doc_begin_page(quire_doc *doc, const char *label);

/* Mark the current page as having no text layer (scanned). */
void quire_doc_page_no_text(quire_doc *doc);

/* Append one block of text (UTF-8, len bytes, need not be NUL-terminated).
 * Leading/trailing whitespace is trimmed; an empty block is ignored.
 * A heading (QUIRE_SEG_HEADING, level L) updates the section path for the
 * blocks that follow; its own segment carries the path including itself.
 * Invalid UTF-8 is repaired (Latin-1 reading of bad bytes). */
quire_status quire_doc_add_block(quire_doc *doc, const char *text, size_t len,
                                 const quire_block_info *info);

/* Close the sections at levels >= level (1..6): blocks added afterwards
 * carry the enclosing section path and anchor. For formats whose sections
 * end explicitly (an HTML <section> or card that ends, an EPUB chapter). */
void quire_doc_end_section(quire_doc *doc, int level);

/* Deepest heading level in force (0 when none). */
int quire_doc_section_level(const quire_doc *doc);

/* Replace a metadata field (field is one of "title", "authors", "date",
 * "language", "description"); value is copied; NULL clears it. */
quire_status quire_doc_set_meta(quire_doc *doc, const char *field, const char *value);

/* Caps on recorded links: more links than this are ignored (not an error);
 * an href longer than QUIRE_DOC_MAX_LINK_BYTES is skipped. */
#define QUIRE_DOC_MAX_LINKS 4096
#define QUIRE_DOC_MAX_LINK_BYTES 2048

/* Record an href (len bytes, copied; need not be NUL-terminated) in
 * doc->links. Leading/trailing whitespace is trimmed; empty hrefs, hrefs
 * over the size cap and links past the count cap are ignored (QUIRE_OK).
 * Deduplication is the caller's business (see the HTML extractor); this keeps
 * the model a plain list. Returns QUIRE_ERR_NOMEM on allocation failure. */
quire_status quire_doc_add_link(quire_doc *doc, const char *href, size_t len);

/* Append a line to doc->warnings. */
quire_status quire_doc_warn(quire_doc *doc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Count words (runs of letters/digits) in text[0..len). */
size_t quire_count_words(const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
