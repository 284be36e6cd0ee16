/* HTML/XHTML pieces shared by the HTML extractor (html.c) and the EPUB
 * reader (office.c). Module-internal: not part of the public API. */
#ifndef QUIRE_INGEST_HTML_INTERNAL_H
#define QUIRE_INGEST_HTML_INTERNAL_H

#include "quire/doc.h"
#include "quire/error.h"

#include <libxml/tree.h>
#include <stddef.h>

enum ingest_html_flags {
    INGEST_HTML_META = 1u << 0, /* take title, description, authors, date, lang from <head> */
};

/* Parse buf[0..len) (hostile bytes) with libxml2's HTML parser, never the
 * network. The charset comes from a BOM, then UTF-16 without a BOM (NUL
 * pattern), then <meta charset>/http-equiv/<?xml encoding?>; bytes that are
 * not valid in that charset are repaired (read as Windows-1252) rather than
 * rejected. On success *out is a new tree: caller frees with xmlFreeDoc(). */
quire_status ingest_html_parse(const void *buf, size_t len, xmlDoc **out, quire_error *err);

/* Append the main content of tree to doc as blocks (see html.c for what is
 * kept). Links found in the content are recorded in doc->links. The tree is
 * only read; doc must outlive nothing from it (all strings are copied). */
quire_status ingest_html_walk(quire_doc *doc, xmlDoc *tree, unsigned flags);

/* libxml2 reports some problems (encoding errors) through its per-thread
 * generic error handler, which prints to stderr even with NOERROR. Library
 * code never prints: wrap each parse in mute/unmute (this thread only). */
typedef struct ingest_xml_quiet {
    xmlGenericErrorFunc func;
    void *ctx;
} ingest_xml_quiet;

void ingest_xml_mute(ingest_xml_quiet *saved);
void ingest_xml_unmute(const ingest_xml_quiet *saved);

#endif
