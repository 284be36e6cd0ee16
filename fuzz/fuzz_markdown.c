/* Fuzz target: Markdown and plain-text extraction, then chunking. */
#include "quire/ingest.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void chunk_and_free(quire_doc *doc)
{
    quire_chunk *c;
    size_t n;
    if (quire_chunk_doc(doc, NULL, &c, &n, NULL) == QUIRE_OK) free(c);
    quire_doc_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_doc *doc;
    if (quire_extract_markdown(data, size, NULL, &doc, NULL) == QUIRE_OK) chunk_and_free(doc);
    if (quire_extract_text(data, size, NULL, &doc, NULL) == QUIRE_OK) chunk_and_free(doc);
    return 0;
}
