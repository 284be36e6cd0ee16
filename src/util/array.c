#include "util/array.h"

#include <stdint.h>
#include <stdlib.h>

quire_status array_reserve(void **arr, size_t *alloc, size_t need, size_t elem)
{
    if (need <= *alloc) return QUIRE_OK;
    size_t n = *alloc ? *alloc : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2) return QUIRE_ERR_TOO_BIG;
        n *= 2;
    }
    if (n > SIZE_MAX / elem) return QUIRE_ERR_TOO_BIG;
    void *p = realloc(*arr, n * elem);
    if (!p) return QUIRE_ERR_NOMEM;
    *arr = p;
    *alloc = n;
    return QUIRE_OK;
}
