/* Fuzz target: PDF extraction (poppler-glib plus quire's layout and
 * paragraph code), then chunking. Small limits keep each input quick. */
#include "quire/ingest.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_extract_opts o;
    quire_extract_opts_default(&o);
    o.max_pages = 50;
    o.max_text_bytes = (size_t)4 << 20;
    o.time_limit_s = 10;
    quire_doc *doc = NULL;
    if (quire_extract_pdf(data, size, &o, &doc, NULL) == QUIRE_OK) {
        quire_chunk *c;
        size_t n;
        if (quire_chunk_doc(doc, NULL, &c, &n, NULL) == QUIRE_OK) free(c);
    }
    quire_doc_free(doc);
    return 0;
}
