/* Reading whole files with a size cap. */
#ifndef QUIRE_UTIL_FILEIO_H
#define QUIRE_UTIL_FILEIO_H

#include "quire/error.h"
#include <stddef.h>

/* Read the whole file at path into a new buffer (NUL-terminated for
 * convenience; *len excludes the NUL). Files larger than max_bytes fail with
 * QUIRE_ERR_TOO_BIG. Caller frees *out with free(). */
quire_status file_read_all(const char *path, size_t max_bytes, char **out, size_t *len,
                           quire_error *err);

/* Write len bytes to path atomically enough for tests/tools (truncate+write). */
quire_status file_write_all(const char *path, const void *data, size_t len, quire_error *err);

#endif
