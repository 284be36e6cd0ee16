/* quire — error codes shared by every module.
 *
 * Every fallible function returns a quire_status. QUIRE_OK is 0; the enum is
 * append-only and never renumbered (codes appear in --json output and exit
 * paths). Details travel in a caller-owned quire_error (or on a handle, e.g.
 * quire_index_errmsg()), never in a global.
 */
#ifndef QUIRE_ERROR_H
#define QUIRE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum quire_status {
    QUIRE_OK = 0,
    QUIRE_ERR_NOMEM,        /* allocation failed */
    QUIRE_ERR_INVALID,      /* bad argument or usage (programmer or user error) */
    QUIRE_ERR_IO,           /* open/read/write/stat failed */
    QUIRE_ERR_FORMAT,       /* input is malformed (corrupt PDF, bad GGUF, bad JSON...) */
    QUIRE_ERR_TOO_BIG,      /* input exceeds a configured cap */
    QUIRE_ERR_UNSUPPORTED,  /* valid input, but a feature quire does not handle */
    QUIRE_ERR_ENCRYPTED,    /* document is password-protected */
    QUIRE_ERR_NO_TEXT,      /* document has no extractable text (scanned, no Unicode map) */
    QUIRE_ERR_DB,           /* SQLite error */
    QUIRE_ERR_SCHEMA,       /* database schema newer than this binary, or damaged */
    QUIRE_ERR_NOT_FOUND,    /* no such document, key, tensor, ... */
    QUIRE_ERR_TIMEOUT,      /* a time limit was hit */
    QUIRE_ERR_NETWORK,      /* HTTP/socket failure */
    QUIRE_ERR_DUPLICATE,    /* a name or key that must be unique appears twice */
    QUIRE_ERR_COUNT         /* sentinel: keep last */
} quire_status;

/* Details of a failure: a code and a human-readable message.
 * Callers own it (usually on the stack); functions that take a
 * `quire_error *err` accept NULL when the caller wants only the code. */
typedef struct quire_error {
    quire_status code;
    char msg[512];
} quire_error;

/* Short, static, English description of a code. Never NULL. Thread-safe. */
const char *quire_strerror(quire_status code);

/* Fill *err (when non-NULL) with code and a printf-style message, and return
 * code, so that `return quire_error_set(err, QUIRE_ERR_IO, "open %s", p);`
 * reads naturally. */
quire_status quire_error_set(quire_error *err, quire_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset *err to QUIRE_OK with an empty message (NULL allowed). */
void quire_error_clear(quire_error *err);

/* The message in err, or quire_strerror(err->code) if it is empty. */
const char *quire_error_message(const quire_error *err);

#ifdef __cplusplus
}
#endif
#endif
