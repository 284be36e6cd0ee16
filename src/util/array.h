/* Growing arrays by doubling, with the overflow checks in one place. */
#ifndef QUIRE_UTIL_ARRAY_H
#define QUIRE_UTIL_ARRAY_H

#include "quire/error.h"
#include <stddef.h>

/* Make *arr (of *alloc elements of elem bytes) hold at least need elements,
 * doubling from 16. On failure (QUIRE_ERR_NOMEM, or QUIRE_ERR_TOO_BIG when
 * the size would overflow) *arr and *alloc are unchanged. Pass the address of
 * a typed pointer cast to (void **). */
quire_status array_reserve(void **arr, size_t *alloc, size_t need, size_t elem);

#endif
