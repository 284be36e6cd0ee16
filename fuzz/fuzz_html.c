/* Fuzz target: HTML extraction (charset sniffing, libxml2 parse, content
 * walk), then chunking. */
#include "quire/ingest.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_doc *doc;
    if (quire_extract_html(data, size, NULL, &doc, NULL) != QUIRE_OK) return 0;
    quire_chunk *c;
    size_t n;
    if (quire_chunk_doc(doc, NULL, &c, &n, NULL) == QUIRE_OK) free(c);
    quire_doc_free(doc);
    return 0;
}
