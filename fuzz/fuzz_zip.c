/* Fuzz target: the zip containers (DOCX, ODT, EPUB) with small caps so a
 * bomb costs little, then chunking. */
#include "quire/ingest.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef quire_status (*extractor)(const void *, size_t, const quire_extract_opts *, quire_doc **,
                                  quire_error *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_extract_opts opts;
    quire_extract_opts_default(&opts);
    opts.max_text_bytes = (size_t)4 << 20;
    opts.max_file_bytes = (size_t)16 << 20;
    extractor fns[] = {quire_extract_docx, quire_extract_odt, quire_extract_epub};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        quire_doc *doc;
        if (fns[i](data, size, &opts, &doc, NULL) != QUIRE_OK) continue;
        quire_chunk *c;
        size_t n;
        if (quire_chunk_doc(doc, NULL, &c, &n, NULL) == QUIRE_OK) free(c);
        quire_doc_free(doc);
    }
    return 0;
}
