/* Fuzz target: query building from arbitrary bytes. */
#include "quire/retrieve.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = NULL;
    if (quire_query_build((const char *)data, size, &q) == QUIRE_OK) free(q);
    return 0;
}
