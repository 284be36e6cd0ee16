/* quire — ingestion: files in, extracted documents and chunks out.
 *
 *   quire_extract()      picks the extractor for a file (by extension, then
 *                        by magic bytes) and returns a quire_doc (see doc.h).
 *   quire_chunk_doc()    cuts a doc into passages of ~200-400 words that
 *                        never cross a page and keep section and anchor.
 *
 * Every extractor takes (buf, len), treats the bytes as hostile, never
 * assumes a NUL terminator, and respects the limits in quire_extract_opts.
 * Library code never prints: warnings go to doc->warnings, errors to *err.
 */
#ifndef QUIRE_INGEST_H
#define QUIRE_INGEST_H

#include "quire/doc.h"
#include "quire/error.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quire_extract_opts {
    size_t max_file_bytes;   /* input larger than this is refused (default 256 MiB) */
    size_t max_text_bytes;   /* extracted text cap (default 64 MiB) */
    int max_pages;           /* PDF page cap (default 5000) */
    double time_limit_s;     /* wall-clock budget per file (default 120 s); 0 = none */
} quire_extract_opts;

/* Fill *opts with the defaults above. */
void quire_extract_opts_default(quire_extract_opts *opts);

/* The format quire uses for a file name ("pdf", "html", "md", "txt", "docx",
 * "odt", "epub", "jsonl"), from its extension; NULL if quire does not ingest it.
 * Returns a static string. */
const char *quire_format_for_path(const char *path);

/* Extract the document in buf[0..len). `format` is a quire_format_for_path()
 * value (or NULL to sniff the bytes). `name` is used only in messages.
 * On success *out is a new doc (caller frees with quire_doc_free()).
 * opts may be NULL for defaults. */
quire_status quire_extract(const char *format, const char *name, const void *buf, size_t len,
                           const quire_extract_opts *opts, quire_doc **out, quire_error *err);

/* Per-format extractors (same contract as quire_extract). */
quire_status quire_extract_pdf(const void *buf, size_t len, const quire_extract_opts *opts,
                               quire_doc **out, quire_error *err);
quire_status quire_extract_html(const void *buf, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err);
quire_status quire_extract_markdown(const void *buf, size_t len, const quire_extract_opts *opts,
                                    quire_doc **out, quire_error *err);
quire_status quire_extract_text(const void *buf, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err);
/* Zip containers (office.c). Each XML part read may expand to at most
 * opts->max_text_bytes and all parts together to opts->max_file_bytes
 * (QUIRE_ERR_TOO_BIG); entries with absolute or ".." paths refuse the file
 * (QUIRE_ERR_FORMAT). EPUB chapters become the doc's pages (label = the
 * chapter's path in the zip), in spine order. */
quire_status quire_extract_docx(const void *buf, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err);
quire_status quire_extract_odt(const void *buf, size_t len, const quire_extract_opts *opts,
                               quire_doc **out, quire_error *err);
quire_status quire_extract_epub(const void *buf, size_t len, const quire_extract_opts *opts,
                                quire_doc **out, quire_error *err);

/* ---- chunking ---- */

typedef struct quire_chunk {
    size_t start, end;       /* byte span in doc->text */
    int page_start, page_end;/* 1-based; equal (chunks never cross a page); 0 if unpaged */
    const char *section;     /* borrowed from the doc's segments; may be NULL */
    const char *anchor;      /* borrowed; may be NULL */
    unsigned flags;          /* union of its segments' quire_seg_flag bits */
    int ordinal;             /* 0-based position in the document */
    int words;
} quire_chunk;

typedef struct quire_chunk_opts {
    int target_words;        /* aim (default 300) */
    int max_words;           /* hard ceiling unless a single sentence is longer (default 400) */
    int min_words;           /* merge smaller pieces with neighbours on the same page (default 200) */
} quire_chunk_opts;

void quire_chunk_opts_default(quire_chunk_opts *opts);

/* Cut doc into chunks. *out is a new array of *n chunks (caller frees with
 * free()); its string pointers are borrowed from doc and die with it.
 * opts may be NULL for defaults. */
quire_status quire_chunk_doc(const quire_doc *doc, const quire_chunk_opts *opts,
                             quire_chunk **out, size_t *n, quire_error *err);

#ifdef __cplusplus
}
#endif
#endif
