/* Growable byte buffer with a hard cap (curl's dynbuf idea).
 *
 * The buffer always keeps a NUL after its data so data can be used as a C
 * string. Appending past `cap` fails with QUIRE_ERR_TOO_BIG and leaves the
 * buffer as it was. Zero-initialise with QUIRE_BUF_INIT(cap) or buf_init(). */
#ifndef QUIRE_UTIL_BUF_H
#define QUIRE_UTIL_BUF_H

#include "quire/error.h"
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;     /* owned; NULL until the first append */
    size_t len;     /* bytes used, not counting the trailing NUL */
    size_t alloc;   /* bytes allocated */
    size_t cap;     /* maximum len; 0 means SIZE_MAX/2 */
} buf;

#define QUIRE_BUF_INIT(c) {NULL, 0, 0, (c)}

void buf_init(buf *b, size_t cap);
/* Free the data; the buffer can be reused afterwards (empty, same cap). */
void buf_free(buf *b);
/* Forget the content but keep the allocation. */
void buf_reset(buf *b);
quire_status buf_append(buf *b, const void *data, size_t len);
quire_status buf_append_str(buf *b, const char *s);
quire_status buf_append_char(buf *b, char c);
quire_status buf_printf(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Append NUL-terminated s with each run of whitespace (space, tab, CR, LF)
 * turned into one space; no space is added at the start of an empty buffer
 * and none is left at the end. */
quire_status buf_append_collapsed(buf *b, const char *s);

/* Hand the data over to the caller (free() it); the buffer becomes empty.
 * Returns an empty string rather than NULL when nothing was appended, or
 * NULL if that allocation fails. */
char *buf_steal(buf *b);

#endif
